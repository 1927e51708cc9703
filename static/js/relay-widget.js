/* Inside the widget's iframe: tell the embedding page our height (widget.js resizes the frame). */
(function () {
  "use strict";
  function report() {
    if (window.parent !== window) {
      window.parent.postMessage({ riverainsHeight: document.documentElement.scrollHeight }, "*");
    }
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
})();
