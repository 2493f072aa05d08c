/* Staff console: keep the queue and an open case's transcript current without a reload.
   Both feeds return HTML rendered (and escaped) by the server's own Jinja partials, so this
   file never builds markup from case data. Refreshing pauses while focus is inside the
   region being replaced, so keyboard users do not lose their place. */
(function () {
  "use strict";

  function poll(region, intervalMs, onData, isEnabled) {
    function tick() {
      if (document.hidden || (isEnabled && !isEnabled())) { return; }
      if (region.contains(document.activeElement) && document.activeElement !== region) {
        return;
      }
      fetch(region.dataset.feed, {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (response.status === 401) {
          window.location.reload();  // signed out: the page redirects to sign-in
          throw new Error("signed out");
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(onData, function () { onData(null); });
    }
    return window.setInterval(tick, intervalMs);
  }

  var queue = document.getElementById("queue-table");
  if (queue) {
    var toggle = document.getElementById("auto-refresh");
    var counts = document.getElementById("queue-counts");
    var queueStatus = document.getElementById("queue-refresh-status");
    var lastSummary = null;
    poll(queue, 15000, function (data) {
      if (!data) {
        queueStatus.textContent = "Could not update the list just now; trying again.";
        return;
      }
      queue.innerHTML = data.table_html;
      counts.innerHTML = data.counts_html;
      var summary = data.counts.total + " open, " + data.counts.breached + " past deadline";
      if (lastSummary !== null && summary !== lastSummary) {
        queueStatus.textContent = "List updated: " + summary + ".";
      }
      lastSummary = summary;
    }, function () { return !toggle || toggle.checked; });
  }

  var transcript = document.getElementById("transcript");
  if (transcript) {
    var transcriptStatus = document.getElementById("transcript-status");
    var lastCount = transcript.querySelectorAll(".transcript li").length;
    var lastPaused = null;
    poll(transcript, 5000, function (data) {
      if (!data) {
        transcriptStatus.textContent = "Could not refresh the conversation; trying again.";
        return;
      }
      if (data.count === lastCount && data.paused === lastPaused) { return; }
      var lastLine = null;
      transcript.innerHTML = data.html;
      lastLine = transcript.querySelector(".transcript li:last-child");
      if (data.count > lastCount && lastLine && lastLine.classList.contains("msg--user")) {
        transcriptStatus.textContent = "New message from the resident.";
      }
      lastCount = data.count;
      lastPaused = data.paused;
    });
  }
}());
