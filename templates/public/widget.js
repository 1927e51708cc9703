{% load i18n %}/* Riverains widget: replaces this <script> tag by an iframe showing the current notices. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = script.src.replace(/widget\.js(\?.*)?$/, "");
  var communes = (script.getAttribute("data-communes") || "").replace(/[^0-9AaBb,]/g, "");
  var frame = document.createElement("iframe");
  frame.src = base + (communes ? "?communes=" + communes : "");
  frame.title = "{% filter escapejs %}{% blocktranslate with name=territory.name %}Messages des sites industriels en cours — {{ name }}{% endblocktranslate %}{% endfilter %}";
  frame.width = "100%";
  frame.height = script.getAttribute("data-height") || "360";
  frame.setAttribute("frameborder", "0");
  frame.setAttribute("loading", "lazy");
  frame.style.border = "0";
  frame.style.maxWidth = "100%";
  script.parentNode.insertBefore(frame, script.nextSibling);
  var origin = new URL(base).origin;
  window.addEventListener("message", function (event) {
    if (event.origin === origin && event.source === frame.contentWindow && event.data && event.data.riverainsHeight) {
      frame.height = String(Math.min(Math.max(event.data.riverainsHeight, 120), 2000));
    }
  });
})();
