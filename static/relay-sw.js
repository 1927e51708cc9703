// Service worker for the relay's web push: shows the notice and opens it when clicked.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: "Riverains", body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "Riverains", {
    body: data.body || "",
    tag: data.tag,
    data: { url: data.url || "/" },
    lang: "fr"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.openWindow(url));
});
