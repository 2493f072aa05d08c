/* Resident web chat on Rasa's socket.io channel (credentials.yml: socketio with
   session_persistence). Why it looks like this:
   - one session id per council, issued and signed by the server (session_confirm), kept in
     sessionStorage (this tab only) and forgotten after 30 minutes without use, so a reload
     rejoins the same Rasa conversation but the next person on a shared computer does not;
     the visible history is kept beside it and re-rendered on load; clearing the
     conversation (or quick exit) also ends it on the server ("session_end");
   - every message carries {metadata: {council: "<id>"}}: Rasa 3.6's socketio channel reads
     data["metadata"] (its metadata_key) into UserMessage.metadata, which actions read as
     tracker.latest_message["metadata"]["council"];
   - all text goes in with textContent, never as HTML;
   - websocket first: Rasa's socket.io server does not check origins for websockets, and the
     polling fallback needs the page origin in `rasa run --cors`;
   - quick exit ("Leave this site", or Escape twice): removes every council-chat key from
     localStorage and sessionStorage, drops the socket and replaces the page with a neutral
     site by location.replace, so Back does not lead to the chat;
   - phone numbers in messages become tel: links, built as DOM nodes (never innerHTML);
   - staff messages are labelled "Council officer": a message is from staff when it says so
     (metadata.sender "staff" or utter_action "utter_staff_message", with an optional
     metadata.staff_name), or when it arrives between "staff has joined" and "handed you
     back" (Rasa's socketio channel sends only the text of utter_staff_message today). */
(function () {
  "use strict";

  var CHAT_PREFIX = "council-chat:";
  var exitCleanups = [];

  /* ---- Quick exit ------------------------------------------------------------------- */
  (function () {
    var bar = document.getElementById("quick-exit");
    var link = document.getElementById("quick-exit-link");
    if (!bar || !link) { return; }
    var target = link.href;
    // first in the tab order: before the skip link
    document.body.insertBefore(bar, document.body.firstChild);
    document.body.classList.add("has-quick-exit");

    function forget(store) {
      try {
        for (var i = store.length - 1; i >= 0; i -= 1) {
          var key = store.key(i);
          if (key && key.indexOf(CHAT_PREFIX) === 0) { store.removeItem(key); }
        }
      } catch (error) { /* storage unavailable: nothing kept there */ }
    }

    function leave(event) {
      if (event) { event.preventDefault(); }
      exitCleanups.forEach(function (cleanup) {
        try { cleanup(); } catch (error) { /* leave regardless */ }
      });
      try { forget(window.localStorage); } catch (error) { /* blocked storage */ }
      try { forget(window.sessionStorage); } catch (error) { /* blocked storage */ }
      document.documentElement.classList.add("is-leaving");
      document.title = "";
      window.location.replace(target);
    }

    link.addEventListener("click", leave);
    var lastEscape = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" && event.key !== "Esc") { lastEscape = 0; return; }
      var now = Date.now();
      if (lastEscape && now - lastEscape < 1500) {
        lastEscape = 0;
        leave(event);
        return;
      }
      lastEscape = now;
    });
  }());

  /* ---- Chat ------------------------------------------------------------------------- */
  var root = document.getElementById("chat");
  if (!root) { return; }

  var council = root.getAttribute("data-council");
  var socketUrl = root.getAttribute("data-socket-url");
  var log = document.getElementById("chat-log");
  var statusLine = document.getElementById("chat-status");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var sendButton = document.getElementById("chat-send");
  var suggestions = document.getElementById("chat-suggestions");
  var resetButton = document.getElementById("chat-reset");
  var typing = document.getElementById("chat-typing");
  var KEY = CHAT_PREFIX + council + ":";
  var MAX_HISTORY = 200;
  var TYPING_TIMEOUT_MS = 20000;
  var STAFF_JOINED = /member of (council )?staff has joined/i;
  var STAFF_LEFT = /handed you back to the automated assistant|member of staff has left/i;
  // UK numbers: national (0...) and +44 with 10-11 digits, and the short helplines.
  var PHONE = /(^|[^\w£$€.,:/+\-])((?:\+44\s?\(?0?\)?\s?|0)\d{2,4}(?:[\s-]?\d{3,4}){1,2}|(?:999|112|111|101|105|119|116\s?\d{3}))(?![\w£$€%/\-]|[.,:]\d)/g;

  // Per tab (sessionStorage), not localStorage: on a shared computer the next person opening
  // the site never sees this conversation, and it is forgotten after INACTIVE_MS without use.
  var INACTIVE_MS = 30 * 60 * 1000;
  var storage = (function () {
    try {
      window.sessionStorage.setItem(KEY + "probe", "1");
      window.sessionStorage.removeItem(KEY + "probe");
      return window.sessionStorage;
    } catch (error) {  // storage disabled: the chat still works, just not across reloads
      var memory = {};
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(memory, k) ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; }
      };
    }
  }());
  try {  // what earlier versions kept in localStorage is removed, never reused
    ["session", "history", "staff"].forEach(function (name) {
      window.localStorage.removeItem(KEY + name);
    });
  } catch (error) { /* blocked storage: nothing kept there */ }

  function touch() { storage.setItem(KEY + "active", String(Date.now())); }

  (function expireIfIdle() {
    var last = Number(storage.getItem(KEY + "active") || 0);
    if (last && Date.now() - last > INACTIVE_MS) {
      ["session", "history", "staff", "active"].forEach(function (name) {
        storage.removeItem(KEY + name);
      });
    }
  }());

  function readHistory() {
    try {
      var parsed = JSON.parse(storage.getItem(KEY + "history") || "[]");
      return Array.isArray(parsed) ? parsed : [];
    } catch (error) {
      return [];
    }
  }

  function saveHistory() {
    storage.setItem(KEY + "history", JSON.stringify(history.slice(-MAX_HISTORY)));
    touch();
  }

  // Issued and signed by the server (session_confirm); empty until the first one arrives.
  var sessionId = storage.getItem(KEY + "session") || "";
  var history = readHistory();
  var staffPresent = storage.getItem(KEY + "staff") === "1";
  var pending = [];
  var ready = false;
  var socket = null;
  var typingTimer = null;

  exitCleanups.push(function () {
    history = [];
    pending = [];
    if (typingTimer) { window.clearTimeout(typingTimer); }
    if (socket && ready && sessionId) { socket.emit("session_end", { session_id: sessionId }); }
    if (socket) { socket.disconnect(); socket = null; }
    while (log.firstChild) { log.removeChild(log.firstChild); }
    input.value = "";
    storage.removeItem(KEY + "history");
    storage.removeItem(KEY + "session");
    storage.removeItem(KEY + "staff");
  });

  function setStatus(text, problem) {
    if (statusLine.textContent !== text) { statusLine.textContent = text; }
    statusLine.classList.toggle("chat__status--problem", Boolean(problem));
  }

  function timeLabel(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return ""; }
    return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function telHref(number) {
    var digits = number.replace(/[^\d+]/g, "").replace(/^\+44\(?0?\)?/, "+44");
    return "tel:" + digits;
  }

  /* This site's own unsubscribe links (bot/services/unsubscribe_link.py); any other address
     stays plain text, so a message can never carry a link to somewhere else. */
  var UNSUBSCRIBE = /https?:\/\/[^\s<>"']+\/unsubscribe\/[A-Za-z0-9_\-.]+/g;

  function ownLink(url) {
    try { return new URL(url).origin === window.location.origin; } catch (e) { return false; }
  }

  /* Text with every phone number as a tel: link and this site's unsubscribe links as links,
     as DOM nodes (text stays text). */
  function linkedText(tag, className, text) {
    var node = element(tag, className);
    var at = 0;
    var match;
    UNSUBSCRIBE.lastIndex = 0;
    while ((match = UNSUBSCRIBE.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:)]+$/, "");
      if (!ownLink(url)) { continue; }
      appendPhones(node, text.slice(at, match.index));
      var link = element("a", "msg__link", url);
      link.href = url;
      node.appendChild(link);
      at = match.index + url.length;
      UNSUBSCRIBE.lastIndex = at;
    }
    appendPhones(node, text.slice(at));
    return node;
  }

  function appendPhones(node, text) {
    var at = 0;
    var match;
    PHONE.lastIndex = 0;
    while ((match = PHONE.exec(text)) !== null) {
      var start = match.index + match[1].length;
      var number = match[2];
      var digits = number.replace(/\D/g, "");
      var national = number.charAt(0) === "0" || number.charAt(0) === "+";
      if (national && (digits.length < 10 || digits.length > 12)) { continue; }
      if (start > at) { node.appendChild(document.createTextNode(text.slice(at, start))); }
      var link = element("a", "msg__tel", number);
      link.href = telHref(number);
      node.appendChild(link);
      at = start + number.length;
    }
    if (at < text.length) { node.appendChild(document.createTextNode(text.slice(at))); }
  }

  function firstName(name) {
    return String(name || "").trim().split(/\s+/)[0].slice(0, 40);
  }

  function whoLabel(entry) {
    if (entry.role === "user") { return "You"; }
    if (entry.role === "staff") {
      var name = firstName(entry.name);
      return name ? "Council officer " + name : "Council officer";
    }
    return "Council assistant";
  }

  function renderEntry(entry) {
    var mine = entry.role === "user";
    var classes = "msg " + (mine ? "msg--user" : "msg--bot");
    if (entry.role === "staff") { classes += " msg--staff"; }
    var box = element("div", classes);
    box.appendChild(element("span", "msg__who", whoLabel(entry)));
    box.appendChild(mine ? element("p", "msg__text", entry.text)
                         : linkedText("p", "msg__text", entry.text));
    var time = timeLabel(entry.time);
    if (time) { box.appendChild(element("span", "msg__time", time)); }
    return box;
  }

  function showTyping() {
    if (!typing || staffPresent) { return; }
    typing.hidden = false;
    if (typingTimer) { window.clearTimeout(typingTimer); }
    typingTimer = window.setTimeout(hideTyping, TYPING_TIMEOUT_MS);
  }

  function hideTyping() {
    if (typingTimer) { window.clearTimeout(typingTimer); typingTimer = null; }
    if (typing) { typing.hidden = true; }
  }

  function removeQuickReplies() {
    var groups = log.querySelectorAll(".quick-replies");
    Array.prototype.forEach.call(groups, function (group) { group.remove(); });
  }

  function renderQuickReplies(replies) {
    var group = element("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Choose a reply");
    replies.forEach(function (reply) {
      var button = element("button", "button button--secondary button--small", reply.title);
      button.type = "button";
      button.addEventListener("click", function () {
        send(reply.payload, reply.title);
        input.focus();
      });
      group.appendChild(button);
    });
    log.appendChild(group);
  }

  /* Is the resident following the chat (typing in it, or looking at it)? Then new
     messages are brought into view, on a phone too, where the page itself scrolls. */
  function following() {
    if (root.contains(document.activeElement)) { return true; }
    var box = root.getBoundingClientRect();
    var height = window.visualViewport ? window.visualViewport.height : window.innerHeight;
    return box.bottom > 0 && box.top < height;
  }

  function scrollToEnd(logOnly) {
    log.scrollTop = log.scrollHeight;
    var last = log.lastElementChild;
    if (logOnly || !last || !following()) { return; }
    var view = window.visualViewport;
    var viewBottom = view ? view.offsetTop + view.height : window.innerHeight;
    var exitBar = document.getElementById("quick-exit");  // fixed at the top, over the page
    var viewTop = Math.max(view ? view.offsetTop : 0,
                           exitBar ? exitBar.getBoundingClientRect().bottom : 0);
    var formBox = form.getBoundingClientRect();
    var lastBox = last.getBoundingClientRect();
    // bring the message box into view, but never push the newest message off the top
    var offset = 0;
    if (formBox.bottom > viewBottom) { offset = formBox.bottom - viewBottom; }
    if (lastBox.top - offset < viewTop) { offset = lastBox.top - viewTop; }
    if (offset) { window.scrollBy(0, offset); }
  }

  /* The on-screen keyboard shrinks the visual viewport, not the layout one: size the log
     to what is visible (--chat-viewport) and keep the message box above the keyboard. */
  function fitViewport() {
    var view = window.visualViewport;
    if (!view) { return; }
    root.style.setProperty("--chat-viewport", Math.round(view.height) + "px");
    if (document.activeElement === input) {
      var box = form.getBoundingClientRect();
      var bottom = view.offsetTop + view.height;
      if (box.bottom > bottom || box.top < view.offsetTop) {
        window.scrollBy(0, box.bottom - bottom);
      }
    }
  }

  function showEntry(entry) {
    var empty = document.getElementById("chat-empty");
    if (empty) { empty.remove(); }
    if (suggestions) { suggestions.hidden = true; }
    log.appendChild(renderEntry(entry));
  }

  function record(entry) {
    history.push(entry);
    if (history.length > MAX_HISTORY) { history = history.slice(-MAX_HISTORY); }
    saveHistory();
    showEntry(entry);
    scrollToEnd();
  }

  function flush() {
    while (ready && pending.length) {
      socket.emit("user_uttered", {
        message: pending.shift(),
        session_id: sessionId,
        metadata: { council: council }
      });
    }
    if (pending.length) {
      setStatus("Not connected yet: your message will be sent when the connection is back.", true);
    }
  }

  function send(payload, shown) {
    removeQuickReplies();
    record({ role: "user", text: shown, time: new Date().toISOString() });
    pending.push(payload);
    showTyping();
    flush();
  }

  function setStaffPresent(present) {
    staffPresent = present;
    if (present) { storage.setItem(KEY + "staff", "1"); } else { storage.removeItem(KEY + "staff"); }
  }

  /* Who sent a bot_uttered message: "staff" (with a name if it carries one) or "bot". */
  function sender(message, text) {
    var meta = message.metadata && typeof message.metadata === "object" ? message.metadata : {};
    var action = meta.utter_action || message.utter_action;
    if (action === "utter_staff_joined") { setStaffPresent(true); return { role: "bot" }; }
    if (action === "utter_staff_left") { setStaffPresent(false); return { role: "bot" }; }
    var name = meta.staff_name || meta.staff_first_name || "";
    if (meta.sender === "staff" || action === "utter_staff_message") {
      return { role: "staff", name: typeof name === "string" ? name : "" };
    }
    if (STAFF_JOINED.test(text)) { setStaffPresent(true); return { role: "bot" }; }
    if (STAFF_LEFT.test(text)) { setStaffPresent(false); return { role: "bot" }; }
    return staffPresent ? { role: "staff", name: "" } : { role: "bot" };
  }

  function normaliseReplies(message) {
    var raw = message.quick_replies || message.buttons || [];
    if (!Array.isArray(raw)) { return []; }
    return raw.filter(function (reply) {
      return reply && (reply.title || reply.payload);
    }).map(function (reply) {
      return { title: String(reply.title || reply.payload), payload: String(reply.payload || reply.title) };
    });
  }

  function receive(message) {
    if (!message || typeof message !== "object") { return; }
    var text = typeof message.text === "string" ? message.text : "";
    var attachment = message.attachment;
    if (!text && attachment && attachment.payload && attachment.payload.src) {
      text = "Image: " + attachment.payload.src;
    }
    var replies = normaliseReplies(message);
    if (!text && !replies.length) { return; }
    hideTyping();
    removeQuickReplies();
    var from = sender(message, text);
    var entry = { role: from.role, text: text, time: new Date().toISOString(), replies: replies };
    if (from.name) { entry.name = firstName(from.name); }
    record(entry);
    if (replies.length) { renderQuickReplies(replies); scrollToEnd(); }
  }

  function renderHistory() {
    history.forEach(showEntry);
    var last = history[history.length - 1];
    if (last && last.role !== "user" && last.replies && last.replies.length) {
      renderQuickReplies(last.replies);
    }
    scrollToEnd(true);  // on load: the log only, the page stays at the top
  }

  function clearConversation() {
    if (!window.confirm("Clear this conversation from this device and start a new one?")) { return; }
    history = [];
    pending = [];
    hideTyping();
    setStaffPresent(false);
    storage.removeItem(KEY + "history");
    if (socket && ready && sessionId) {  // ends the conversation on the server as well
      socket.emit("session_end", { session_id: sessionId });
    }
    sessionId = "";
    storage.removeItem(KEY + "session");
    while (log.firstChild) { log.removeChild(log.firstChild); }
    log.appendChild(element("p", "chat__empty", "No messages yet.")).id = "chat-empty";
    if (suggestions) { suggestions.hidden = false; }
    ready = false;
    if (socket) { socket.disconnect(); socket.connect(); }
    setStatus("Conversation cleared. You can start again.");
    input.focus();
  }

  function connect() {
    if (typeof window.io !== "function") {
      setStatus("The assistant could not load. Please use the contact details on this page.", true);
      input.disabled = true;
      sendButton.disabled = true;
      return;
    }
    setStatus("Connecting to the assistant…");
    socket = window.io(socketUrl, {
      transports: ["websocket", "polling"],
      reconnectionDelayMax: 10000,
      timeout: 10000
    });
    socket.on("connect", function () {
      socket.emit("session_request", sessionId ? { session_id: sessionId } : {});
    });
    socket.on("session_confirm", function (issued) {
      // The server keeps our id if it issued it, else gives a new one: use what it says.
      if (typeof issued === "string" && issued) {
        sessionId = issued;
        storage.setItem(KEY + "session", sessionId);
      }
      ready = true;
      setStatus("Connected. Type your question below.");
      flush();
    });
    socket.on("bot_uttered", function (message) {
      receive(message);
      if (ready && !pending.length) { setStatus("Connected."); }
    });
    socket.on("disconnect", function () {
      ready = false;
      setStatus("Connection lost. Reconnecting… If it is urgent, use the phone numbers on this page.", true);
    });
    socket.on("connect_error", function () {
      ready = false;
      setStatus("Cannot reach the assistant at the moment. Trying again… If it is urgent, use the phone numbers on this page.", true);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      setStatus("Type a message first.");
      input.focus();
      return;
    }
    send(text, text);
    input.value = "";
    input.focus();
  });

  if (suggestions) {
    suggestions.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-message]");
      if (!button) { return; }
      var message = button.getAttribute("data-message");
      send(message, message);
      input.focus();
    });
  }
  resetButton.addEventListener("click", clearConversation);
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", fitViewport);
    fitViewport();
  }
  input.addEventListener("focus", function () { window.setTimeout(fitViewport, 300); });

  renderHistory();
  connect();
}());
