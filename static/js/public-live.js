/* Live refresh of a territory page: residents see a new notice without reloading.
 *
 * Every N seconds (data-interval on #live-status, 30 by default), and as soon as the tab comes
 * back into view, the page asks etat.json "changed since this ETag?". Nothing changed costs a
 * 304 with no body, served from the cache. When the territory changed, the page itself is fetched
 * once and only the "En ce moment" and "Prévu" sections are swapped, then "Nouveaux messages" is
 * announced in the polite live region. Focus never moves; polling pauses while the tab is hidden.
 * Without JavaScript the page is simply static (a reload shows the news). */
(function () {
  "use strict";

  var SECTIONS = ["en-cours", "a-venir"];
  var status = document.getElementById("live-status");
  if (!status || !window.fetch || !window.DOMParser) {
    return;
  }
  var stateUrl = status.dataset.stateUrl;
  var etag = strong(status.dataset.etag);
  var interval = Math.max(1, parseFloat(status.dataset.interval) || 30) * 1000;
  var timer = null;
  var busy = false;

  // A compressing proxy marks the page's ETag weak (W/"…"); the state's stays strong. Same tag.
  function strong(tag) {
    return (tag || "").replace(/^W\//, "");
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = document.hidden ? null : window.setTimeout(poll, interval);
  }

  function poll() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(stateUrl, { headers: headers, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status !== 200) {
          return null; // 304: nothing new; anything else: try again at the next tick
        }
        var fresh = strong(response.headers.get("ETag"));
        return fresh && fresh !== etag ? refresh(fresh) : null;
      })
      .catch(function () { /* offline or server busy: the next tick tries again */ })
      .then(function () {
        busy = false;
        schedule();
      });
  }

  function refresh(fresh) {
    return fetch(window.location.pathname, { cache: "no-cache", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) {
          return;
        }
        return response.text().then(function (html) {
          var next = new DOMParser().parseFromString(html, "text/html");
          if (swapSections(next)) {
            etag = strong(response.headers.get("ETag")) || fresh;
            // public-territory.js sets its controls up again in the new section.
            document.dispatchEvent(new CustomEvent("riverains:refreshed"));
            announce();
          }
        });
      });
  }

  // Replaces the sections' content by the new page's; the element a reader had focused inside
  // them (a "Détails" link, say) gets focus back in its new copy, so nobody loses their place.
  function swapSections(next) {
    var changed = false;
    var focusedHref = focusedLinkIn(SECTIONS);
    SECTIONS.forEach(function (id) {
      var current = document.getElementById(id);
      var incoming = next.getElementById(id);
      if (!current || !incoming || current.innerHTML === incoming.innerHTML) {
        return;
      }
      current.replaceChildren.apply(current, Array.prototype.map.call(incoming.childNodes, function (node) {
        return document.importNode(node, true);
      }));
      changed = true;
    });
    if (focusedHref) {
      restoreFocus(focusedHref);
    }
    return changed;
  }

  function focusedLinkIn(ids) {
    var active = document.activeElement;
    if (!active || !active.getAttribute) {
      return null;
    }
    var inside = ids.some(function (id) {
      var section = document.getElementById(id);
      return section && section.contains(active);
    });
    return inside ? active.getAttribute("href") : null;
  }

  function restoreFocus(href) {
    var links = document.querySelectorAll("#en-cours a, #a-venir a");
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("href") === href) {
        links[i].focus({ preventScroll: true });
        return;
      }
    }
  }

  function announce() {
    // Emptied first so that a second "Nouveaux messages" is announced again.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = status.dataset.message;
    }, 100);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else {
      poll();
    }
  });
  schedule();
})();
