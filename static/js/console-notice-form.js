// Notice form of the console (progressive enhancement: the form works without it).
// - shows the "Fin prévue" field only when the duration is "other" (or when it has an error);
// - says whether the main button will publish now or schedule, as the start changes.
// - moves the focus to the error summary, so that screen readers announce it (RGAA 11.10).
(function () {
  "use strict";
  var summary = document.getElementById("erreurs");
  if (summary) summary.focus();

  var form = document.querySelector(".notice-form");
  if (!form) return;

  var duration = form.querySelector("[name=duration]");
  var endGroup = form.querySelector("[data-notice-end]");
  function toggleEnd() {
    if (!duration || !endGroup) return;
    var hasError = endGroup.querySelector("[aria-invalid=true]");
    endGroup.hidden = duration.value !== "other" && !hasError;
  }
  if (duration) duration.addEventListener("change", toggleEnd);
  toggleEnd();

  var date = form.querySelector("[name=starts_at_0]");
  var time = form.querySelector("[name=starts_at_1]");
  var button = form.querySelector("[data-publish-button]");
  var hint = form.querySelector("[data-publish-hint]");
  function startsLater() {
    if (!date || !time || !date.value || !time.value) return null;
    // The browser's clock and zone stand in for Paris time: close enough to choose a label,
    // and the server decides anyway.
    var start = new Date(date.value + "T" + time.value);
    return isNaN(start) ? null : start > new Date();
  }
  function updateButton() {
    var later = startsLater();
    if (later === null || !button) return;
    button.textContent = later ? button.dataset.labelLater : button.dataset.labelNow;
    if (hint) hint.textContent = later ? hint.dataset.hintLater : hint.dataset.hintNow;
  }
  [date, time].forEach(function (input) {
    if (input) input.addEventListener("change", updateButton);
  });
})();
