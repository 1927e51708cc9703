/* Perception zones on maps (zones app).
 *
 * The page says everything in words first (the sentence with the communes); this only adds
 * the shapes. On a notice page it draws its own small map (#zone-carte) from the GeoJSON in
 * #zone-donnees's data-geojson attribute (no inline script on any page); on a territory page it
 * adds the current zones (#zones-donnees) to the sites'
 * map, which public-map.js announces with a "riverains:map" event. Zones are drawn hatched-
 * looking (dashed outline and light fill) so they never rest on colour alone, and popups are
 * built with textContent: operators' titles never become markup. */
(function () {
  "use strict";

  var STYLE = { color: "#8a3b00", weight: 2, dashArray: "6 4", fillColor: "#d9822b", fillOpacity: 0.18 };

  function readJSON(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.dataset.geojson);
    } catch (error) {
      return null;
    }
  }

  function popup(properties) {
    var box = document.createElement("div");
    if (properties.url) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = properties.title || "";
      box.appendChild(link);
    }
    var text = document.createElement("p");
    text.textContent = properties.sentence || "";
    box.appendChild(text);
    return box;
  }

  function layerOf(data) {
    return L.geoJSON(data, {
      style: function () { return STYLE; },
      interactive: true,
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popup(feature.properties || {}));
      }
    });
  }

  function drawOwnMap(container, data) {
    if (typeof L === "undefined" || !container.dataset.tileUrl) {
      return;
    }
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(container.dataset.tileUrl, { attribution: container.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    var layer = layerOf(data).addTo(map);
    var lat = parseFloat(container.dataset.siteLat), lon = parseFloat(container.dataset.siteLon);
    if (isFinite(lat) && isFinite(lon)) {
      L.marker([lat, lon], { title: container.dataset.siteName || "", alt: container.dataset.siteName || "", keyboard: true }).addTo(map);
    }
    map.fitBounds(layer.getBounds(), { padding: [20, 20] });
  }

  // The territory page: public-map.js sends its map once drawn.
  document.addEventListener("riverains:map", function (event) {
    var data = readJSON("zones-donnees");
    if (data && data.features && data.features.length && event.detail) {
      layerOf(data).addTo(event.detail);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("zone-carte");
    var data = readJSON("zone-donnees");
    if (container && data) {
      drawOwnMap(container, data);
    }
  });
})();
