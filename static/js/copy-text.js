/* "Copier le texte": copies a read-only text area in one click (console/kit/_town_hall_text.html).
   Without this script the text area stays, to select and copy by hand. */
(function () {
  "use strict";
  function copy(area) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(area.value).then(function () { return true; }, function () { return fallback(area); });
    }
    return Promise.resolve(fallback(area));
  }
  function fallback(area) {
    area.focus();
    area.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var area = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentElement.querySelector(".copy-text__status");
    if (!area) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(area).then(function (copied) {
        status.textContent = copied ? button.getAttribute("data-copied") : button.getAttribute("data-failed");
        if (!copied) { area.focus(); area.select(); }
      });
    });
  });
})();
