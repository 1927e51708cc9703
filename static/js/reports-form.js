// Report form: the phone's position on request, or a point on the map; descriptors only for
// odours; the time field only for "earlier today". Without JavaScript, every field is shown
// and the commune list gives the place.
(function () {
  "use strict";
  var form = document.querySelector(".report-form");
  if (!form) { return; }
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var state = document.getElementById("position-etat");
  var geo = document.querySelector(".report-geo");
  var button = document.getElementById("localiser");
  var mapBox = document.getElementById("carte-position");
  var marker = null;
  var map = null;

  function setPosition(latitude, longitude, message) {
    lat.value = latitude.toFixed(5);
    lon.value = longitude.toFixed(5);
    state.textContent = message;
    if (map) {
      if (marker) { marker.setLatLng([latitude, longitude]); } else { marker = window.L.marker([latitude, longitude]).addTo(map); }
      map.setView([latitude, longitude], Math.max(map.getZoom(), 13));
    }
  }

  if ("geolocation" in navigator && geo) {
    geo.hidden = false;
    button.addEventListener("click", function () {
      state.textContent = state.dataset.searching;
      navigator.geolocation.getCurrentPosition(function (p) {
        setPosition(p.coords.latitude, p.coords.longitude,
          state.dataset.found.replace("%s", String(Math.round(p.coords.accuracy))));
      }, function () {
        state.textContent = state.dataset.failed;
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }

  if (mapBox && window.L && mapBox.dataset.tiles && mapBox.dataset.lat) {
    mapBox.hidden = false;
    map = window.L.map(mapBox, { zoomControl: false }).setView([parseFloat(mapBox.dataset.lat), parseFloat(mapBox.dataset.lon)], 11);
    window.L.tileLayer(mapBox.dataset.tiles, { attribution: mapBox.dataset.attribution, maxZoom: 18 }).addTo(map);
    // Zoom buttons in the page's language (Leaflet's own titles are English).
    window.L.control.zoom({ zoomInTitle: mapBox.dataset.zoomIn || "+", zoomOutTitle: mapBox.dataset.zoomOut || "-" }).addTo(map);
    map.on("click", function (e) { setPosition(e.latlng.lat, e.latlng.lng, state.dataset.picked); });
    if (lat.value && lon.value) { setPosition(parseFloat(lat.value), parseFloat(lon.value), state.textContent); }
  }

  var descriptors = document.getElementById("descripteurs");
  var time = document.getElementById("id_time");
  function refresh() {
    var kind = form.querySelector("input[name=kind]:checked");
    descriptors.hidden = !(kind && kind.value === "odour");
    var when = form.querySelector("input[name=when]:checked");
    time.disabled = !(when && when.value === "earlier");
  }
  form.addEventListener("change", refresh);
  refresh();
  var errors = document.getElementById("erreurs");
  if (errors) { errors.focus(); }
})();
