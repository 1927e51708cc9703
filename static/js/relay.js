// Subscribe form: for browser notifications, ask permission, subscribe through the service
// worker and put the subscription in the hidden field before sending the form.
(function () {
  "use strict";
  // Errors take the focus, so that a screen reader and a thumb both land on what to fix.
  var errors = document.getElementById("erreurs");
  if (errors) { errors.focus(); }
  var form = document.getElementById("relay-subscribe");
  if (!form) { return; }
  var status = document.getElementById("relay-push-status");
  var hidden = form.querySelector("input[name=push_subscription]");
  var address = form.querySelector("input[name=address]");
  var pushRadio = form.querySelector("input[name=channel][value=push]");

  function urlBase64ToUint8Array(value) {
    var padding = "=".repeat((4 - (value.length % 4)) % 4);
    var raw = atob((value + padding).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  var supported = "serviceWorker" in navigator && "PushManager" in window && form.dataset.vapidKey;
  if (pushRadio && !supported) {
    pushRadio.disabled = true;
    var label = form.querySelector("label[for=" + pushRadio.id + "]");
    if (label) { label.textContent += " " + form.dataset.unavailable; }
  }

  function selectedChannel() {
    var checked = form.querySelector("input[name=channel]:checked");
    return checked ? checked.value : "";
  }

  function toggleAddress() {
    if (address) { address.disabled = selectedChannel() === "push"; }
  }
  form.addEventListener("change", toggleAddress);
  toggleAddress();

  form.addEventListener("submit", function (event) {
    if (selectedChannel() !== "push" || hidden.value) { return; }
    event.preventDefault();
    status.textContent = form.dataset.asking;
    navigator.serviceWorker.register(form.dataset.sw, { scope: form.dataset.swScope || "/" }).then(function (registration) {
      return navigator.serviceWorker.ready.then(function () {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: urlBase64ToUint8Array(form.dataset.vapidKey)
        });
      });
    }).then(function (subscription) {
      hidden.value = JSON.stringify(subscription.toJSON());
      form.submit();
    }).catch(function () {
      status.textContent = form.dataset.refused;
    });
  });
})();
