/* Resident web chat on Rasa's socket.io channel (credentials.yml: socketio with
   session_persistence). Why it looks like this:
   - one session id per council, kept in localStorage, so a reload rejoins the same Rasa
     conversation; the visible history is kept beside it and re-rendered on load;
   - every message carries {metadata: {council: "<id>"}}: Rasa 3.6's socketio channel reads
     data["metadata"] (its metadata_key) into UserMessage.metadata, which actions read as
     tracker.latest_message["metadata"]["council"];
   - all text goes in with textContent, never as HTML;
   - websocket first: Rasa's socket.io server does not check origins for websockets, and the
     polling fallback needs the page origin in `rasa run --cors`. */
(function () {
  "use strict";

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
  var KEY = "council-chat:" + council + ":";
  var MAX_HISTORY = 200;

  var storage = (function () {
    try {
      window.localStorage.setItem(KEY + "probe", "1");
      window.localStorage.removeItem(KEY + "probe");
      return window.localStorage;
    } catch (error) {  // storage disabled: the chat still works, just not across reloads
      var memory = {};
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(memory, k) ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; }
      };
    }
  }());

  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

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
  }

  var sessionId = storage.getItem(KEY + "session");
  if (!sessionId) {
    sessionId = newSessionId();
    storage.setItem(KEY + "session", sessionId);
  }
  var history = readHistory();
  var pending = [];
  var ready = false;
  var socket = null;

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

  function renderEntry(entry) {
    var mine = entry.role === "user";
    var box = element("div", "msg " + (mine ? "msg--user" : "msg--bot"));
    box.appendChild(element("span", "msg__who", mine ? "You" : "Council"));
    box.appendChild(element("p", "msg__text", entry.text));
    var time = timeLabel(entry.time);
    if (time) { box.appendChild(element("span", "msg__time", time)); }
    return box;
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

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
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
    flush();
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
    removeQuickReplies();
    record({ role: "bot", text: text, time: new Date().toISOString(), replies: replies });
    if (replies.length) { renderQuickReplies(replies); scrollToEnd(); }
  }

  function renderHistory() {
    history.forEach(showEntry);
    var last = history[history.length - 1];
    if (last && last.role === "bot" && last.replies && last.replies.length) {
      renderQuickReplies(last.replies);
    }
    scrollToEnd();
  }

  function clearConversation() {
    if (!window.confirm("Clear this conversation from this device and start a new one?")) { return; }
    history = [];
    pending = [];
    storage.removeItem(KEY + "history");
    sessionId = newSessionId();
    storage.setItem(KEY + "session", sessionId);
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
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function () {
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

  renderHistory();
  connect();
}());
