// Aggregated map of reports: one hexagon per H3 cell with its count, never a precise position.
(function () {
  "use strict";
  var box = document.querySelector("#carte-signalements, #carte-episode");
  if (!box || !window.L || !box.dataset.url) { return; }
  var map = window.L.map(box, { zoomControl: false }).setView([46.6, 2.4], 5);
  // Zoom buttons in the page's language (Leaflet's own titles are English).
  window.L.control.zoom({ zoomInTitle: box.dataset.zoomIn || "+", zoomOutTitle: box.dataset.zoomOut || "-" }).addTo(map);  // France, until the cells are drawn
  window.L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 16 }).addTo(map);
  fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var layers = [];
    (data.cells || []).forEach(function (c) {
      var shape = window.L.polygon(c.boundary, { weight: 1, fillOpacity: Math.min(0.2 + c.count / 10, 0.8) });
      shape.bindTooltip(String(c.count) + " " + (box.dataset.countLabel || ""));
      layers.push(shape.addTo(map));
    });
    (data.sites || []).forEach(function (s) {
      layers.push(window.L.circleMarker([s.lat, s.lon], { radius: 6 }).bindTooltip(s.name).addTo(map));
    });
    if (layers.length) { map.fitBounds(window.L.featureGroup(layers).getBounds().pad(0.3)); }
  });
})();
