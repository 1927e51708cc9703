/* Riverains service worker (served as /sw.js by public/app.py, version __VERSION__).
 *
 * Offline: public pages are fetched from the network first and a copy is kept; without a
 * network the last copy is shown (the page itself then says "dernière mise à jour à HH h MM",
 * js/public-app.js). Static files come from the cache first (their names change with their
 * content in production). Forms, the console, the API and anything private are never kept.
 * Web push: shows the notice and opens it when clicked (was static/relay-sw.js). */
"use strict";
var VERSION = "__VERSION__";
var SHELL_CACHE = "riverains-shell-" + VERSION;
var PAGES_CACHE = "riverains-pages";
var SHELL = {{ shell_json|safe }};
var MAX_PAGES = 40;
// Never kept: the console, the API, the phone line, feeds and every form or answer page.
var NEVER = /^\/(?:en\/)?(?:console|admin|api|voix|relais|signalements|i18n|sante)\/|\/(?:abonnement|signaler)\//;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("riverains-shell-") === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepable(response) {
  var control = response.headers.get("Cache-Control") || "";
  return response.ok && response.type === "basic" && !/no-store|private/.test(control) && !response.headers.has("Set-Cookie");
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (key) { return cache.delete(key); }));
  });
}

// The copy kept of a page carries the time it was fetched (X-Riverains-Saved).
function keep(request, response) {
  var headers = new Headers(response.headers);
  headers.set("X-Riverains-Saved", String(Date.now()));
  return response.blob().then(function (body) {
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.put(request, new Response(body, { status: response.status, statusText: response.statusText, headers: headers }))
        .then(function () { return trim(cache); });
    });
  });
}

// The page shown from the copy says so: js/public-app.js reads data-copy (when it was saved).
function fromCopy(cached) {
  var saved = cached.headers.get("X-Riverains-Saved") || "0";
  return cached.text().then(function (html) {
    return new Response(html.replace('id="hors-ligne"', 'id="hors-ligne" data-copy="' + saved + '"'),
      { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

function page(request) {
  return fetch(request).then(function (response) {
    if (keepable(response)) { keep(request, response.clone()); }
    return response;
  }).catch(function () {
    return caches.open(PAGES_CACHE).then(function (cache) { return cache.match(request, { ignoreVary: true }); })
      .then(function (cached) {
        return cached ? fromCopy(cached) : new Response(
          "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
          "<title>{{ offline_title|escapejs }} — Riverains</title><h1>{{ offline_title|escapejs }}</h1>" +
          "<p>Cette page n'a pas encore été enregistrée sur cet appareil. Elle s'affichera au retour du réseau.</p>" +
          "<p lang=\"en\">This page is not saved on this device yet; it will show when the network is back.</p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || NEVER.test(url.pathname)) { return; }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (cached) {
      return cached || fetch(request).then(function (response) {
        if (keepable(response)) {
          var copy = response.clone();
          caches.open(SHELL_CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: "Riverains", body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "Riverains", {
    body: data.body || "",
    tag: data.tag,
    icon: SHELL[4],
    data: { url: data.url || "/" },
    lang: "fr"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.openWindow(url));
});
