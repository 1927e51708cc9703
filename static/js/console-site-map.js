// Site location picker: click the map (or drag the marker) to fill latitude and longitude.
// Without Leaflet (not loaded, or tiles blocked) the typed coordinates are enough.
(function () {
  "use strict";
  var container = document.querySelector("[data-site-map]");
  var latInput = document.querySelector("[data-coordinate=latitude]");
  var lonInput = document.querySelector("[data-coordinate=longitude]");
  if (!container || !latInput || !lonInput || !window.L) return;
  var L = window.L;
  var FRANCE = [46.6, 2.4];

  function read(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function write(latlng) {
    // 5 decimals is about a metre: what the database keeps.
    latInput.value = latlng.lat.toFixed(5);
    lonInput.value = latlng.lng.toFixed(5);
  }

  container.classList.add("site-map--active");
  container.setAttribute("role", "application");
  container.setAttribute("aria-label", container.getAttribute("data-label") || "");
  var lat = read(latInput), lon = read(lonInput);
  var start = lat !== null && lon !== null ? [lat, lon] : FRANCE;
  var map = L.map(container);
  L.tileLayer(container.getAttribute("data-tiles"), {
    maxZoom: 19,
    attribution: container.getAttribute("data-attribution")
  }).addTo(map);
  var marker = null;

  function place(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.marker(latlng, { draggable: true }).addTo(map);
      marker.on("dragend", function () { write(marker.getLatLng()); });
    }
  }

  // The commune chosen above places the map on its centre (shipped open data, zones/data), so
  // that the operator only has to click the spot; the marker is not moved for them.
  var communeSelect = document.querySelector("select[name=commune]");
  var centresData = document.getElementById("site-commune-locations");
  var centres = centresData ? JSON.parse(centresData.textContent) : {};
  function toCommune() {
    var found = communeSelect && centres[communeSelect.value];
    if (found) {
      map.setView(found, 14);
      return true;
    }
    // No commune yet: the whole territory rather than the whole of France.
    var all = Object.keys(centres).map(function (code) { return centres[code]; });
    if (all.length) map.fitBounds(L.latLngBounds(all));
    return all.length > 0;
  }
  // The first view is set once, not animated: Leaflet drops a view asked for during a zoom animation.
  if (start !== FRANCE) map.setView(start, 14);
  else if (!toCommune()) map.setView(FRANCE, 5);
  if (start !== FRANCE) place(start);
  map.on("click", function (event) {
    place(event.latlng);
    write(event.latlng);
  });

  function fromInputs() {
    var a = read(latInput), b = read(lonInput);
    if (a === null || b === null) return;
    place([a, b]);
    map.panTo([a, b]);
  }
  latInput.addEventListener("change", fromInputs);
  lonInput.addEventListener("change", fromInputs);

  if (communeSelect) communeSelect.addEventListener("change", toCommune);
})();
