/* Map of a territory's sites, drawn from the list of sites that follows it.
 *
 * The page is complete without this script: the list (#liste-sites) gives every site with a link,
 * and says in words which ones have something going on. The map only adds the geography. Sites
 * with a current notice get a different marker shape with a "!" and the words "Activité en
 * cours" in their popup, so the difference never rests on colour alone. */
(function () {
  "use strict";

  function readSites(list) {
    return Array.prototype.map.call(list.querySelectorAll("li[data-lat]"), function (item) {
      var link = item.querySelector("a");
      var meta = item.querySelector(".site-item__meta");
      return {
        lat: parseFloat(item.dataset.lat),
        lon: parseFloat(item.dataset.lon),
        busy: item.dataset.busy === "1",
        name: link ? link.textContent : "",
        url: link ? link.getAttribute("href") : "",
        meta: meta ? meta.textContent : ""
      };
    }).filter(function (site) {
      return isFinite(site.lat) && isFinite(site.lon);
    });
  }

  function markerIcon(busy) {
    var element = document.createElement("span");
    element.className = "map-marker" + (busy ? " map-marker--busy" : "");
    element.textContent = busy ? "!" : "";
    // The "!" is drawn for the eye; the marker's name (set in draw) says it in words.
    element.setAttribute("aria-hidden", "true");
    return L.divIcon({
      html: element,
      className: "map-marker-wrap",
      iconSize: busy ? [34, 34] : [22, 22],
      iconAnchor: busy ? [17, 17] : [11, 11]
    });
  }

  // Built with DOM nodes and textContent: site names never become markup.
  function popupContent(site, labels) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = site.url;
    link.textContent = site.name;
    box.appendChild(link);
    var meta = document.createElement("p");
    meta.textContent = site.meta;
    box.appendChild(meta);
    if (site.busy) {
      var busy = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = labels.busy;
      busy.appendChild(strong);
      box.appendChild(busy);
    }
    return box;
  }

  function draw(container, list) {
    var sites = readSites(list);
    if (!sites.length || typeof L === "undefined") {
      return;
    }
    container.hidden = false;
    var labels = { busy: container.dataset.labelBusy || "", quiet: container.dataset.labelQuiet || "" };
    // Zoom buttons in the page's language (Leaflet's own titles are English).
    var map = L.map(container, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: container.dataset.zoomIn || "+", zoomOutTitle: container.dataset.zoomOut || "-" }).addTo(map);
    L.tileLayer(container.dataset.tileUrl, {
      attribution: container.dataset.attribution || "",
      maxZoom: 18
    }).addTo(map);
    var bounds = [];
    sites.forEach(function (site) {
      var marker = L.marker([site.lat, site.lon], {
        icon: markerIcon(site.busy),
        // The marker's name, in words: which site, and whether something is going on there.
        title: site.name + (container.dataset.colon || " : ") + (site.busy ? labels.busy : labels.quiet),
        alt: site.name,
        keyboard: true,
        zIndexOffset: site.busy ? 1000 : 0
      });
      marker.bindPopup(popupContent(site, labels));
      marker.addTo(map);
      bounds.push([site.lat, site.lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 12);
    } else {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
    }
    // Other layers (js/zones-map.js: perception zones) join the same map.
    document.dispatchEvent(new CustomEvent("riverains:map", { detail: map }));
  }

  // Leaflet (its script and style sheet) is loaded only when the map is about to be seen: the
  // first screen of a phone, which answers "what is happening now", never waits for it.
  function load(container, list) {
    var css = container.dataset.leafletCss;
    if (css && !document.querySelector('link[href="' + css + '"]')) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = css;
      document.head.appendChild(link);
    }
    if (typeof L !== "undefined" || !container.dataset.leafletJs) {
      draw(container, list);
      return;
    }
    var script = document.createElement("script");
    script.src = container.dataset.leafletJs;
    script.onload = function () { draw(container, list); };
    document.head.appendChild(script);
  }

  function start() {
    var container = document.getElementById("carte");
    var list = document.getElementById("liste-sites");
    if (!container || !list || !container.dataset.tileUrl) {
      return;
    }
    if (!("IntersectionObserver" in window)) {
      load(container, list);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        load(container, list);
      }
    }, { rootMargin: "600px 0px" });
    observer.observe(list);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
