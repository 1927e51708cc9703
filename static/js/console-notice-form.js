// Notice form of the console (progressive enhancement: the form works without it).
// - shows the "Fin prévue" field only when the duration is "other" (or when it has an error);
// - says whether the main button will publish now or schedule, as the start changes.
// - moves the focus to the error summary, so that screen readers announce it (RGAA 11.10).
(function () {
  "use strict";
  var summary = document.getElementById("erreurs");
  if (summary) summary.focus();

  var form = document.querySelector(".notice-form");
  if (!form) return;

  var duration = form.querySelector("[name=duration]");
  var endGroup = form.querySelector("[data-notice-end]");
  function toggleEnd() {
    if (!duration || !endGroup) return;
    var hasError = endGroup.querySelector("[aria-invalid=true]");
    endGroup.hidden = duration.value !== "other" && !hasError;
  }
  if (duration) duration.addEventListener("change", toggleEnd);
  toggleEnd();

  var date = form.querySelector("[name=starts_at_0]");
  var time = form.querySelector("[name=starts_at_1]");
  var button = form.querySelector("[data-publish-button]");
  var hint = form.querySelector("[data-publish-hint]");
  var zone = button && button.dataset.timeZone;
  // Now, as "YYYY-MM-DDTHH:MM" on the territory's clock: the fields hold Paris time whatever
  // zone the operator's computer is set to (a laptop left on UTC would otherwise be told that
  // a notice starting now will be scheduled). The server decides anyway.
  function wallClockNow() {
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
    } catch (unknownZone) {
      return null;
    }
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  }
  function startsLater() {
    if (!date || !time || !date.value || !time.value) return null;
    var start = date.value + "T" + time.value.slice(0, 5);
    var now = wallClockNow();
    if (!now || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(start)) return null;
    return start > now;  // same fixed-width format: the text order is the time order
  }
  function updateButton() {
    var later = startsLater();
    if (later === null || !button) return;
    button.textContent = later ? button.dataset.labelLater : button.dataset.labelNow;
    if (hint) hint.textContent = later ? hint.dataset.hintLater : hint.dataset.hintNow;
  }
  [date, time].forEach(function (input) {
    if (!input) return;
    input.addEventListener("change", updateButton);
    input.addEventListener("input", updateButton);
  });
  // The operator may have typed a start before this script ran (a slow connection): label the
  // button from what the fields hold now, not from what the server rendered.
  updateButton();
})();

// Affected communes (templates/console/notices/_communes.html): once commune-picker.js has turned
// the list into a search with chips, the reload-the-form search button is not needed; the site
// is shown on a small map, which follows the site chosen. The map is decoration (aria-hidden,
// not focusable): the chips and the caption say everything.
(function () {
  "use strict";
  var form = document.querySelector(".notice-form");
  if (!form) return;
  var select = form.querySelector("select[data-commune-picker]");
  var button = form.querySelector("[data-notice-commune-button]");
  if (select && select.hidden && button) button.hidden = true;

  var figure = form.querySelector("[data-notice-map]");
  var data = document.getElementById("notice-site-locations");
  var siteSelect = form.querySelector("[name=site]");
  if (!figure || !data || !siteSelect || !window.L) return;
  var L = window.L;
  var locations = JSON.parse(data.textContent);
  var caption = figure.querySelector("[data-notice-map-caption]");
  var site = locations[siteSelect.value];
  if (!site) return;

  figure.hidden = false;
  figure.classList.add("notice-map--active");
  var map = L.map(figure.querySelector(".notice-map__map"), {
    zoomControl: false, attributionControl: false, keyboard: false, dragging: false, touchZoom: false,
    scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false
  });
  L.tileLayer(figure.getAttribute("data-tiles"), { maxZoom: 19 }).addTo(map);
  var marker = L.circleMarker([site.lat, site.lon], { radius: 8, weight: 3, interactive: false }).addTo(map);

  // The chosen communes as small dots around the site, redrawn as chips are added or removed.
  var communeData = document.getElementById("notice-commune-locations");
  var communePlaces = communeData ? JSON.parse(communeData.textContent) : {};
  var dots = L.layerGroup().addTo(map);

  function chosenPlaces() {
    if (!select) return [];
    return Array.prototype.filter.call(select.options, function (o) { return o.selected; })
      .map(function (o) { return communePlaces[o.value]; })
      .filter(Boolean);
  }

  function show(place) {
    marker.setLatLng([place.lat, place.lon]);
    dots.clearLayers();
    var bounds = L.latLngBounds([[place.lat, place.lon]]);
    chosenPlaces().forEach(function (commune) {
      L.circleMarker([commune.lat, commune.lon], { radius: 4, weight: 1, fillOpacity: 0.7, interactive: false }).addTo(dots);
      bounds.extend([commune.lat, commune.lon]);
    });
    map.fitBounds(bounds.pad(0.15), { maxZoom: 12 });
    if (caption) caption.textContent = caption.getAttribute("data-template").replace("%(site)s", place.name);
  }
  show(locations[siteSelect.value] || site);  // the site may have been changed before this script ran
  siteSelect.addEventListener("change", function () {
    if (locations[siteSelect.value]) show(locations[siteSelect.value]);
  });
  if (select) select.addEventListener("change", function () { show(locations[siteSelect.value] || site); });
})();
