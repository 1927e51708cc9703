/* Every public page: the service worker (offline copies, web push) and the offline notice.
 *
 * The worker (/sw.js) shows the last copy of a page when there is no network, marked with the
 * time it was saved (data-copy on #hors-ligne). This script then says so at the top of the page:
 * "Hors ligne : dernière mise à jour à 08 h 05", and reloads the page as soon as the network is
 * back (the browser's "online" event, or a light request every few seconds). */
(function () {
  "use strict";
  var script = document.currentScript;
  var banner = document.getElementById("hors-ligne");
  var KEY = "riverains:vu:" + window.location.pathname;

  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () { /* no offline copy, that's all */ });
  }
  if (!banner) { return; }

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private browsing: nothing kept */ }
  }

  function read(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Hours and minutes in the territory's time zone, like every time the server writes on the
  // page (a phone abroad, or set to UTC, would otherwise say another hour).
  function clockOf(when) {
    try {
      var parts = new Intl.DateTimeFormat("fr-FR", {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: banner.dataset.zone
      }).formatToParts(when);
      var pick = function (type) { return parts.filter(function (p) { return p.type === type; })[0].value; };
      return [pick("hour"), pick("minute")];
    } catch (e) {
      return [pad(when.getHours()), pad(when.getMinutes())];
    }
  }

  var retry = null;
  function backOnline() {
    window.clearInterval(retry);
    window.location.reload();
  }

  function showOffline() {
    var seen = parseInt(banner.dataset.copy, 10) || parseInt(read(KEY), 10);
    if (seen) {
      var clock = clockOf(new Date(seen));
      var hour = banner.dataset.hour.replace("%(h)s", clock[0]).replace("%(m)s", clock[1]);
      banner.textContent = banner.dataset.template.replace("%(time)s", hour);
    } else {
      banner.textContent = banner.dataset.unknown;
    }
    banner.hidden = false;
    if (!retry && window.fetch) {
      retry = window.setInterval(function () {
        fetch(window.location.href, { method: "HEAD", cache: "no-store", credentials: "omit" })
          .then(function (response) { if (response.ok) { backOnline(); } }).catch(function () { /* still offline */ });
      }, 5000);
    }
  }

  if (banner.dataset.copy !== undefined || !navigator.onLine) {
    showOffline();
  } else {
    store(KEY, String(Date.now()));
  }
  window.addEventListener("offline", showOffline);
  window.addEventListener("online", function () {
    if (!banner.hidden) { backOnline(); }
  });
})();
