/* Staff console in the browser. Every part is an enhancement: without this file each form
   still posts and each page still shows the truth when loaded.
   - Queue: a server-sent event stream (/staff/api/stream) says when cases change; the table is
     then re-fetched as HTML rendered (and escaped) by the server's own Jinja partial, so this
     file never builds markup from case data. If the stream is refused or drops, the list is
     refreshed every 15 seconds until the stream is back. A new urgent case raises a sound
     (can be muted; remembered), a desktop notification (once permission is given), a count in
     the page title and a highlighted row, and is announced in a live region.
   - Case page: the transcript refreshes every 5 seconds; replies are sent without a reload
     (a refused reply keeps the typed text); the draft is kept in sessionStorage per case;
     who else is viewing and who holds the case are shown live, and the holder is told when a
     colleague takes over.
   Refreshing pauses while focus is inside the region being replaced, so keyboard users do not
   lose their place. */
(function () {
  "use strict";

  var MUTE_KEY = "console:mute-alerts";
  var baseTitle = document.title;

  function getJSON(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 401) {
        window.location.reload();  // signed out: the page redirects to sign-in
        throw new Error("signed out");
      }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function focusInside(region) {
    return region.contains(document.activeElement) && document.activeElement !== region;
  }

  function poll(region, intervalMs, onData, isEnabled) {
    function tick() {
      if (document.hidden || (isEnabled && !isEnabled())) { return; }
      if (focusInside(region)) { return; }
      getJSON(region.dataset.feed).then(onData, function () { onData(null); });
    }
    return window.setInterval(tick, intervalMs);
  }

  /* A live stream with a polling fallback: `onChanges(list)` for each batch of changes. */
  function liveStream(url, onChanges, onState) {
    var source = null;
    var retryTimer = null;
    function open() {
      if (!window.EventSource) { onState("polling"); return; }
      source = new EventSource(url);
      source.addEventListener("hello", function () { onState("live"); });
      source.addEventListener("cases", function (event) {
        var changes = [];
        try { changes = JSON.parse(event.data); } catch (error) { changes = []; }
        onChanges(changes);
      });
      source.addEventListener("bye", function () { /* the browser reconnects by itself */ });
      source.onerror = function () {
        if (source.readyState === EventSource.CLOSED) {
          // refused (too many streams, signed out): poll, and try the stream again later
          onState("polling");
          source = null;
          if (!retryTimer) {
            retryTimer = window.setTimeout(function () { retryTimer = null; open(); }, 60000);
          }
        } else {
          onState("reconnecting");
        }
      };
    }
    open();
  }

  /* ---- alerts for new urgent cases ---------------------------------------------------- */
  var alerts = { unseen: 0, sounds: 0, notifications: 0 };
  window.consoleAlerts = alerts;  // read by the browser tests

  function muted() {
    try { return window.localStorage.getItem(MUTE_KEY) === "1"; } catch (error) { return false; }
  }

  function beep() {
    if (muted()) { return; }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      var context = new Context();
      var tone = context.createOscillator();
      var gain = context.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.2;
      tone.connect(gain);
      gain.connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.4);
      tone.onended = function () { context.close(); };
      alerts.sounds += 1;
    } catch (error) { /* no sound device: the other signals still work */ }
  }

  function notify(change) {
    if (!window.Notification || Notification.permission !== "granted") { return; }
    try {
      var note = new Notification("New urgent case " + change.reference, {
        body: change.about || "An urgent case has reached the queue.",
        tag: "case-" + change.reference
      });
      note.onclick = function () { window.focus(); };
      alerts.notifications += 1;
    } catch (error) { /* some browsers allow notifications only from a service worker */ }
  }

  function showBadge() {
    document.title = alerts.unseen > 0 ? "(" + alerts.unseen + " urgent) " + baseTitle : baseTitle;
  }

  function clearBadge() {
    if (alerts.unseen === 0) { return; }
    alerts.unseen = 0;
    showBadge();
  }

  var queue = document.getElementById("queue-table");
  if (queue) {
    var counts = document.getElementById("queue-counts");
    var liveStatus = document.getElementById("live-status");
    var soundToggle = document.getElementById("sound-toggle");
    var notifyButton = document.getElementById("notify-enable");
    var highlighted = {};
    var pollTimer = null;
    var lastSummary = null;

    var markHighlighted = function () {
      Object.keys(highlighted).forEach(function (reference) {
        var row = queue.querySelector('tr[data-reference="' + reference + '"]');
        if (row) { row.classList.add("row--new"); }
      });
    };

    var refresh = function (announce) {
      return getJSON(queue.dataset.feed).then(function (data) {
        if (!focusInside(queue)) {
          queue.innerHTML = data.table_html;
          markHighlighted();
        }
        counts.innerHTML = data.counts_html;
        var summary = data.counts.total + " open, " + data.counts.breached + " past deadline";
        if (announce) { liveStatus.textContent = announce; }
        else if (lastSummary !== null && summary !== lastSummary) {
          liveStatus.textContent = "List updated: " + summary + ".";
        }
        lastSummary = summary;
        return data;
      }, function () {
        liveStatus.textContent = "Could not update the list just now; trying again.";
      });
    };

    var startPolling = function () {
      if (pollTimer) { return; }
      pollTimer = window.setInterval(function () {
        if (!document.hidden) { refresh(); }
      }, 15000);
    };

    var stopPolling = function () {
      if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
    };

    var urgentArrived = function (changes) {
      var fresh = changes.filter(function (change) {
        return change.new && change.priority === "urgent";
      });
      fresh.forEach(function (change) {
        highlighted[change.reference] = true;
        alerts.unseen += 1;
      });
      return fresh;
    };

    liveStream(queue.dataset.stream, function (changes) {
      var cases = changes.filter(function (change) { return change.viewers === null; });
      if (!cases.length) { return; }
      var fresh = urgentArrived(cases);
      var announce = fresh.length
        ? "New urgent case: " + fresh.map(function (c) { return c.reference; }).join(", ") + "."
        : null;
      refresh(announce).then(function (data) {
        if (!fresh.length) { return; }
        var about = {};
        ((data && data.cases) || []).forEach(function (row) { about[row.reference] = row.about; });
        showBadge();
        beep();
        fresh.forEach(function (change) {
          change.about = about[change.reference];
          notify(change);
        });
      });
    }, function (state) {
      if (state === "live") {
        stopPolling();
        liveStatus.textContent = "Live: new and changed cases appear here by themselves.";
        queue.dataset.live = "1";
      } else if (state === "polling") {
        startPolling();
        liveStatus.textContent = "Live updates unavailable; this list refreshes every 15 seconds.";
        queue.dataset.live = "0";
      }
    });

    ["click", "keydown"].forEach(function (name) {
      document.addEventListener(name, clearBadge);
    });

    if (soundToggle) {
      var showSound = function () {
        var off = muted();
        soundToggle.setAttribute("aria-pressed", off ? "true" : "false");
        soundToggle.textContent = "Sound for new urgent cases: " + (off ? "off" : "on");
      };
      soundToggle.hidden = false;
      showSound();
      soundToggle.addEventListener("click", function () {
        try { window.localStorage.setItem(MUTE_KEY, muted() ? "0" : "1"); } catch (error) { }
        showSound();
      });
    }

    if (notifyButton && window.Notification && Notification.permission === "default") {
      notifyButton.hidden = false;
      notifyButton.addEventListener("click", function () {
        Notification.requestPermission().then(function () { notifyButton.hidden = true; });
      });
    }
  }

  /* ---- case page ---------------------------------------------------------------------- */
  var transcript = document.getElementById("transcript");
  if (transcript) {
    var transcriptStatus = document.getElementById("transcript-status");
    var lastCount = transcript.querySelectorAll(".transcript li").length;
    var lastPaused = null;
    var loadTranscript = function (data) {
      if (!data) {
        transcriptStatus.textContent = "Could not refresh the conversation; trying again.";
        return;
      }
      if (data.count === lastCount && data.paused === lastPaused) { return; }
      transcript.innerHTML = data.html;
      var lastLine = transcript.querySelector(".transcript li:last-child");
      if (data.count > lastCount && lastLine && lastLine.classList.contains("msg--user")) {
        transcriptStatus.textContent = "New message from the resident.";
      }
      lastCount = data.count;
      lastPaused = data.paused;
    };
    poll(transcript, 5000, loadTranscript);
    transcript.refreshNow = function () {
      getJSON(transcript.dataset.feed).then(loadTranscript, function () { loadTranscript(null); });
    };
  }

  var panel = document.getElementById("live-panel");
  var replyForm = document.getElementById("reply-form");
  var draftBox = document.getElementById("reply-message");
  var draftKey = panel ? "console:draft:" + panel.dataset.reference : null;

  function saveDraft() {
    if (!draftKey || !draftBox) { return; }
    try {
      if (draftBox.value) { window.sessionStorage.setItem(draftKey, draftBox.value); }
      else { window.sessionStorage.removeItem(draftKey); }
    } catch (error) { /* storage full or off: the text stays in the box */ }
  }

  function storedDraft() {
    try { return draftKey ? window.sessionStorage.getItem(draftKey) : null; }
    catch (error) { return null; }
  }

  if (draftBox) {
    var kept = storedDraft();
    if (kept && !draftBox.value) {
      draftBox.value = kept;
      var replyStatus0 = document.getElementById("reply-status");
      if (replyStatus0) { replyStatus0.textContent = "Your unsent draft was kept."; }
    }
    draftBox.addEventListener("input", saveDraft);
  }

  var takeForm = document.getElementById("take-form");
  if (takeForm && draftKey && !draftBox) {
    // not holding the case: a draft from before a takeover is still in storage; say so
    var pending = storedDraft();
    if (pending) {
      var note = document.createElement("p");
      note.className = "meta";
      note.textContent = "You have an unsent draft for this case; it comes back when you take the case.";
      takeForm.appendChild(note);
    }
  }

  var cannedChoice = document.getElementById("canned-choice");
  var cannedInsert = document.getElementById("canned-insert");
  if (cannedChoice && draftBox && cannedInsert) {
    cannedInsert.addEventListener("click", function (event) {
      var option = cannedChoice.options[cannedChoice.selectedIndex];
      if (!option || !option.value) { return; }
      event.preventDefault();
      var text = option.getAttribute("data-text") || "";
      draftBox.value = draftBox.value ? draftBox.value.replace(/\s+$/, "") + " " + text : text;
      saveDraft();
      draftBox.focus();
    });
  }

  if (replyForm && draftBox) {
    var replyStatus = document.getElementById("reply-status");
    var sendButton = replyForm.querySelector('button[type="submit"]');
    replyForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!draftBox.value.trim()) {
        replyStatus.textContent = "Write a message before sending.";
        draftBox.focus();
        return;
      }
      sendButton.disabled = true;
      replyStatus.textContent = "Sending…";
      fetch(replyForm.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        body: new FormData(replyForm)
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; },
          function () { return { ok: false, body: { notices: [] } }; });
      }).then(function (result) {
        var texts = (result.body.notices || []).map(function (n) { return n.text; });
        if (result.ok && result.body.ok) {
          draftBox.value = "";
          saveDraft();
          replyStatus.textContent = texts.join(" ") || "Message sent to the resident.";
          if (transcript && transcript.refreshNow) { transcript.refreshNow(); }
        } else {
          replyStatus.textContent = "Not sent: " + (texts.join(" ") ||
            (result.body.error || "please try again.")) + " Your text is still in the box.";
        }
      }, function () {
        replyStatus.textContent = "Not sent: the console could not be reached. Your text is still in the box.";
      }).then(function () { sendButton.disabled = false; });
    });
  }

  if (panel && panel.dataset.stream) {
    var presence = document.getElementById("presence");
    var takeoverAlert = document.getElementById("takeover-alert");
    var me = panel.dataset.me;
    var reference = panel.dataset.reference;
    var holder = panel.dataset.holder || "";
    var holderLine = document.getElementById("holder");

    var showViewers = function (viewers) {
      var others = viewers.filter(function (name) { return name !== me; });
      presence.textContent = others.length
        ? "Also viewing this case now: " + others.join(", ") + "."
        : "Nobody else is viewing this case.";
    };

    liveStream(panel.dataset.stream, function (changes) {
      changes.forEach(function (change) {
        if (change.reference !== reference) { return; }
        if (change.viewers !== null) { showViewers(change.viewers); return; }
        if (change.event === "taken" && change.actor !== me) {
          if (holder === me) {
            takeoverAlert.hidden = false;
            takeoverAlert.textContent = change.actor + " has taken over this case from you. " +
              "The assistant stays paused for them. Your unsent draft is kept in this tab.";
            saveDraft();
            if (replyForm) {
              replyForm.querySelectorAll("textarea, button").forEach(function (el) {
                el.disabled = true;
              });
            }
          } else if (holderLine) {
            holderLine.textContent = change.actor + " has just taken this case. Reload to see the latest.";
          }
          holder = change.actor;
        } else if (change.event === "handed_back" || change.event === "resolved") {
          if (holderLine) { holderLine.textContent = "The case was " +
            (change.event === "resolved" ? "resolved" : "handed back to the assistant") +
            " by " + change.actor + "."; }
          holder = "";
        }
        if (transcript && transcript.refreshNow) { transcript.refreshNow(); }
      });
    }, function () { });
  }
}());
