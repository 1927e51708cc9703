// The console's menu on a phone: folded behind one button, so that the page starts with its
// content and nothing scrolls sideways. Without this script the menu is simply shown, wrapped.
(function () {
  "use strict";
  var nav = document.querySelector("[data-console-nav]");
  if (!nav) return;
  var button = nav.querySelector(".console-nav__toggle");
  nav.setAttribute("data-js", "");
  button.hidden = false;

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("console-nav--open", open);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
