// Follows a pending receipt: asks the shop for the order's status every few
// seconds; when it changes, says so in the page's polite live region and
// reloads to show the full receipt. Without JavaScript, the page's
// "Check again" link does the same by hand.
(function () {
  "use strict";
  var live = document.querySelector(".status-live[data-status-url]");
  if (!live || !live.dataset.statusUrl || !window.fetch) return;
  var url = live.dataset.statusUrl;
  var shown = live.dataset.status;
  var shownMessage = (live.textContent || "").trim();
  var every = Math.max(2, parseInt(live.dataset.interval, 10) || 3) * 1000;
  var tries = 0;
  function say(text) {
    var p = live.querySelector("[data-testid=status-message]");
    if (!p) {
      p = document.createElement("p");
      p.className = "status-message";
      p.setAttribute("data-testid", "status-message");
      live.appendChild(p);
    }
    p.textContent = text;
  }
  function poll() {
    tries++;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (s && (s.status !== shown || s.message !== shownMessage || !s.open)) {
          say(s.message);
          setTimeout(function () { window.location.reload(); }, 1500);
          return;
        }
        // Slow down after a minute: the reconciler settles what is left.
        setTimeout(poll, tries > 20 ? every * 5 : every);
      })
      .catch(function () { setTimeout(poll, every * 2); });
  }
  setTimeout(poll, every);
})();
