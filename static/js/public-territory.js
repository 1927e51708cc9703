/* Territory page: the notices nearest to the resident first, and the "Écouter" button.
 *
 * "Ma commune en premier": a commune chosen in the list, or the phone's position, is kept on this
 * device (localStorage: no account, no cookie, nothing sent to the server, so the page itself
 * stays the same for everyone and cacheable). Current notices that name that commune, or whose
 * site is nearest to the position, move to the top of the short list and of the cards below.
 * Both controls live in the "En ce moment" section, which the live refresh (public-live.js)
 * replaces: everything is set up again on its "riverains:refreshed" event. */
(function () {
  "use strict";
  var audio = null;
  var listenButton = null;

  function setPlaying(playing) {
    if (!listenButton) { return; }
    var label = listenButton.querySelector("span");
    if (!listenButton.dataset.idle) { listenButton.dataset.idle = label.textContent; }
    listenButton.setAttribute("aria-pressed", playing ? "true" : "false");
    label.textContent = playing ? listenButton.dataset.playing : listenButton.dataset.idle;
  }

  // "Écouter": plays the territory's bulletin in place (without JavaScript the link opens the MP3).
  function setUpListen() {
    listenButton = document.getElementById("ecouter");
    if (!listenButton || !window.Audio) { return; }
    listenButton.setAttribute("role", "button");
    setPlaying(!!(audio && !audio.paused));
    listenButton.addEventListener("click", function (event) {
      event.preventDefault();
      if (!audio) {
        audio = new Audio(listenButton.dataset.listen);
        audio.addEventListener("ended", function () { setPlaying(false); });
      }
      if (audio.paused) { audio.play(); setPlaying(true); } else { audio.pause(); setPlaying(false); }
    });
    listenButton.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); listenButton.click(); }
    });
  }

  function storage(key, value) {
    try {
      if (value === undefined) { return JSON.parse(window.localStorage.getItem(key) || "null"); }
      if (value) { window.localStorage.setItem(key, JSON.stringify(value)); } else { window.localStorage.removeItem(key); }
    } catch (e) { return null; /* private browsing: the choice lasts for this page only */ }
    return null;
  }

  function distance(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var x = (lon2 - lon1) * rad * Math.cos((lat1 + lat2) * rad / 2);
    var y = (lat2 - lat1) * rad;
    return Math.sqrt(x * x + y * y) * 6371;
  }

  // Smaller is nearer: 0 for a notice naming the commune, else the distance from the position.
  function rank(element, place) {
    if (place.commune) {
      return (element.dataset.near || "").split(" ").indexOf(place.commune) !== -1 ? 0 : 1;
    }
    return distance(place.lat, place.lon, parseFloat(element.dataset.lat), parseFloat(element.dataset.lon));
  }

  function reorder(place) {
    var list = document.querySelector("[data-near-list]");
    if (!list) { return; }
    var lines = Array.prototype.slice.call(list.children);
    lines.forEach(function (line, index) { if (!line.dataset.order) { line.dataset.order = index; } });
    lines.sort(function (a, b) {
      if (!place) { return a.dataset.order - b.dataset.order; }
      return (rank(a, place) - rank(b, place)) || (a.dataset.order - b.dataset.order);
    });
    lines.forEach(function (line) {
      list.appendChild(line);
      var mine = !!(place && place.commune && rank(line, place) === 0);
      line.classList.toggle("now-line--near", mine);
      line.querySelector(".now-line__near").hidden = !mine;
      // The full cards follow the same order, after the short list.
      var card = document.getElementById(line.querySelector("a").getAttribute("href").slice(1));
      if (card) { card.parentNode.appendChild(card); }
    });
  }

  function setUpNear() {
    var form = document.getElementById("pres-de-chez-moi");
    if (!form || !window.localStorage) { return; }
    var key = "riverains:" + form.dataset.slug + ":pres";
    var select = document.getElementById("ma-commune");
    var locate = document.getElementById("me-localiser");
    var status = form.querySelector(".near__status");

    var communePage = document.getElementById("page-de-ma-commune");

    function apply(place, announce) {
      reorder(place);
      select.value = place && place.commune ? place.commune : "";
      if (communePage) {  // the commune's own page (public/communes.py), once one is chosen
        communePage.hidden = !select.value;
        if (select.value) {
          communePage.href = communePage.dataset.url.replace("CODE", encodeURIComponent(select.value));
          communePage.textContent = communePage.dataset.label.replace("%(commune)s", select.options[select.selectedIndex].textContent);
        }
      }
      if (announce) {
        var name = !place ? "" : place.commune ? select.options[select.selectedIndex].textContent : form.dataset.position;
        status.textContent = place ? form.dataset.near.replace("%(place)s", name) : "";
      }
    }

    form.hidden = false;
    select.addEventListener("change", function () {
      var place = select.value ? { commune: select.value } : null;
      storage(key, place);
      apply(place, true);
    });
    if ("geolocation" in navigator) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          // Rounded to about a kilometre: enough to sort a handful of sites, and nothing finer is kept.
          var place = { lat: Math.round(position.coords.latitude * 100) / 100, lon: Math.round(position.coords.longitude * 100) / 100 };
          storage(key, place);
          apply(place, true);
        }, function () { status.textContent = form.dataset.failed; }, { timeout: 10000, maximumAge: 600000 });
      });
    } else {
      locate.hidden = true;
    }
    apply(storage(key), false);
  }

  function setUp() {
    setUpListen();
    setUpNear();
  }

  setUp();
  document.addEventListener("riverains:refreshed", setUp);
})();
