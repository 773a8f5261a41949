// Staff app: note counter and the session expiry warning. Loaded from 'self' (CSP); no inline script.
(function () {
  "use strict";

  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }

  // ---- note counter: "123 van 5.000 tekens"; over the limit: a clear message (the server refuses too)
  document.querySelectorAll("textarea[data-max]").forEach(function (area) {
    var max = parseInt(area.getAttribute("data-max"), 10);
    var out = document.getElementById(area.getAttribute("aria-describedby"));
    if (!out) { return; }
    function update() {
      var n = area.value.length;
      if (n > max) {
        out.textContent = "Te lang: " + thousands(n) + " van maximaal " + thousands(max) +
          " tekens. Maak je notitie " + thousands(n - max) + " tekens korter.";
        out.classList.add("over");
      } else {
        out.textContent = thousands(n) + " van " + thousands(max) + " tekens";
        out.classList.remove("over");
      }
    }
    area.addEventListener("input", update);
    update();
  });

  // ---- session warning before expiry
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "", 10);
  var absolute = parseInt(body.getAttribute("data-absolute-seconds") || "", 10);
  var warnBefore = parseInt(body.getAttribute("data-warning-seconds") || "120", 10);
  var box = document.getElementById("session-warning");
  if (isNaN(idle) || isNaN(absolute) || !box) { return; }
  var text = document.getElementById("session-warning-text");
  var stay = document.getElementById("session-stay");
  var timers = [];

  function clearTimers() { timers.forEach(clearTimeout); timers = []; }

  function schedule(idleSeconds, absoluteSeconds) {
    clearTimers();
    box.hidden = true;
    var ends = Math.min(idleSeconds, absoluteSeconds);
    var hardEnd = absoluteSeconds <= idleSeconds;
    timers.push(setTimeout(function () {
      var minutes = Math.max(1, Math.round(Math.min(warnBefore, ends) / 60));
      if (hardEnd) {
        text.textContent = "Je sessie eindigt over " + minutes + (minutes === 1 ? " minuut" : " minuten") +
          " (je kunt maximaal een werkdag ingelogd blijven). Sla je notitie op; daarna log je opnieuw in.";
        stay.hidden = true;
      } else {
        text.textContent = "Je sessie verloopt over " + minutes + (minutes === 1 ? " minuut" : " minuten") +
          " omdat je niets hebt gedaan. Wil je ingelogd blijven?";
        stay.hidden = false;
      }
      box.hidden = false;
    }, Math.max(0, ends - warnBefore) * 1000));
    timers.push(setTimeout(function () {
      text.textContent = "Je sessie is verlopen. Wat je nu opslaat, blijft bewaard: je logt opnieuw in en " +
        "komt terug bij deze aanmelding.";
      stay.hidden = true;
      box.hidden = false;
    }, ends * 1000));
  }

  stay.addEventListener("click", function () {
    var token = document.querySelector('meta[name="csrf-token"]');
    fetch("/session/ping", {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.getAttribute("content") : "" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("expired"); }
      return response.json();
    }).then(function (data) {
      schedule(data.idle_seconds, data.absolute_seconds);
    }).catch(function () {
      text.textContent = "Je sessie is al verlopen. Log opnieuw in.";
      stay.hidden = true;
    });
  });

  schedule(idle, absolute);
})();

// The message thread page: new messages appear without a reload (what you are typing stays).
(function () {
  "use strict";
  var list = document.getElementById("thread");
  if (!list || !list.dataset.poll) { return; }
  var seconds = Math.max(3, parseInt(list.dataset.interval, 10) || 15);
  var busy = false;
  function lastId() {
    var ids = Array.prototype.map.call(list.querySelectorAll("li[data-id]"), function (li) {
      return parseInt(li.dataset.id, 10) || 0;
    });
    return ids.length ? Math.max.apply(null, ids) : 0;
  }
  var timer = setInterval(function () {
    if (busy) { return; }
    busy = true;
    fetch(list.dataset.poll + "?na=" + lastId(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        data.messages.forEach(function (m) {
          if (!document.getElementById("bericht-" + m.id)) { list.insertAdjacentHTML("beforeend", m.html); }
        });
        if (data.messages.length) { document.getElementById("no-messages").hidden = true; }
        if ((data.handoff_by || "") !== list.dataset.handoff) { document.getElementById("handoff-changed").hidden = false; }
      })
      .catch(function () { clearInterval(timer); })  // logged out or gone: stop asking
      .then(function () { busy = false; });
  }, seconds * 1000);
}());
