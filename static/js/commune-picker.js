/* Commune picker (riverains/widgets.py): a search field with suggestions and the chosen
 * communes as removable chips, on top of a <select data-commune-picker> that stays in the form
 * and is what gets submitted. Without JavaScript the <select> is used as it is.
 *
 * The field is an ARIA 1.2 combobox: typing shows up to 8 suggestions (name anywhere, postcode
 * from its start, accents, case and hyphens ignored: the rule of relay/forms.py), arrows move in
 * them, Enter or a tap chooses, Escape closes. Each chip is a button "Retirer Harfleur"; after a
 * removal the focus goes to the next chip or back to the field. A polite live region says how
 * many communes match and what was added or removed. Every target is at least 44 px high. */
(function () {
  "use strict";
  var MAX_SUGGESTIONS = 8;
  var counter = 0;

  function folded(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-'’]/g, " ").replace(/\s+/g, " ").trim();
  }

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function make(tag, attributes, text) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { element.setAttribute(name, attributes[name]); });
    if (text) { element.textContent = text; }
    return element;
  }

  function enhance(select) {
    var d = select.dataset;
    var id = select.id || ("commune-picker-" + (++counter));
    var multiple = select.multiple;
    var entries = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; }).map(function (option) {
      var label = option.textContent.trim();
      var codes = (label.match(/\(([\d ,]+)\)$/) || ["", ""])[1].split(/[ ,]+/).filter(Boolean);
      var name = label.replace(/\s*\([\d ,]+\)$/, "");
      return { option: option, label: label, name: name, key: folded(name), codes: codes };
    });

    var box = make("div", { "class": "picker" });
    select.parentNode.insertBefore(box, select);

    // The search field: an existing one (its label is already on the page) or a new one that
    // takes over the select's label.
    var input = d.pickerSearch && document.getElementById(d.pickerSearch);
    var ownLabel = document.querySelector('label[for="' + id + '"]');
    if (!input) {
      input = make("input", { type: "text", id: id + "-recherche", "class": "picker__input" });
      var hint = make("p", { id: id + "-consigne", "class": "help picker__hint" }, d.pickerHint);
      box.appendChild(hint);
      box.appendChild(input);
      input.setAttribute("aria-describedby", hint.id);
      if (ownLabel) { ownLabel.setAttribute("for", input.id); ownLabel = null; }
    } else {
      input.classList.add("picker__input");  // stays where the page put it, with its label
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");

    var listbox = make("ul", { role: "listbox", id: id + "-suggestions", "class": "picker__suggestions", "aria-label": d.pickerLabel || "" });
    listbox.hidden = true;
    input.setAttribute("aria-controls", listbox.id);
    if (input.parentNode !== box) {
      input.parentNode.insertBefore(listbox, input.nextSibling);
    } else {
      box.appendChild(listbox);
    }

    var chips = make("ul", { "class": "picker__chips", "aria-label": d.pickerChosen || "" });
    box.appendChild(chips);
    var status = make("p", { "class": "visually-hidden picker__status", "aria-live": "polite", "aria-atomic": "true" });
    box.appendChild(status);

    // The select, its own label and the sentences that describe it ("hold Ctrl…") make sense
    // only without this script.
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    if (ownLabel) { ownLabel.hidden = true; }
    (select.getAttribute("aria-describedby") || "").split(/\s+/).forEach(function (ref) {
      var described = ref && document.getElementById(ref);
      if (described && !described.contains(input) && !described.querySelector(".error, .errorlist")) { described.hidden = true; }
    });
    // The search's own button (the GET search without JavaScript) is not needed any more.
    if (input.getAttribute("form")) {
      document.querySelectorAll('button[form="' + input.getAttribute("form") + '"]').forEach(function (b) { b.hidden = true; });
    }

    var shown = [];
    var active = -1;
    var timer = null;

    function say(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function matches(entry, q) {
      if (/^\d+$/.test(q)) { return entry.codes.some(function (code) { return code.indexOf(q) === 0; }); }
      return entry.key.indexOf(q) !== -1;
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function suggest() {
      var q = folded(input.value);
      listbox.replaceChildren();
      shown = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!q) { close(); status.textContent = ""; return; }
      var found = entries.filter(function (e) { return !e.option.selected && matches(e, q); });
      // Names that start with what was typed first ("harf" → Harfleur before Gonfreville-Harfleur).
      found.sort(function (a, b) { return (a.key.indexOf(q) === 0 ? 0 : 1) - (b.key.indexOf(q) === 0 ? 0 : 1); });
      shown = found.slice(0, MAX_SUGGESTIONS);
      shown.forEach(function (entry, index) {
        var item = make("li", { role: "option", id: listbox.id + "-" + index, "class": "picker__option", "aria-selected": "false" }, entry.label);
        // mousedown would blur the field first and close the list before the click lands.
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(entry); });
        listbox.appendChild(item);
      });
      listbox.hidden = shown.length === 0;
      input.setAttribute("aria-expanded", shown.length ? "true" : "false");
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        say(found.length === 0 ? d.pickerNothing : found.length === 1 ? d.pickerOne : format(d.pickerMany, { count: found.length }));
      }, 400);
    }

    function highlight(index) {
      var items = listbox.children;
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function changed() {
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function choose(entry) {
      if (!multiple) { entries.forEach(function (e) { e.option.selected = false; }); }
      entry.option.selected = true;
      input.value = "";
      close();
      drawChips();
      window.clearTimeout(timer);
      say(format(d.pickerAdded, { name: entry.name }));
      changed();
      input.focus();
    }

    function remove(entry, position) {
      entry.option.selected = false;
      if (!multiple) { select.value = ""; }
      drawChips();
      say(format(d.pickerRemoved, { name: entry.name }));
      changed();
      var buttons = chips.querySelectorAll("button");
      (buttons[Math.min(position, buttons.length - 1)] || input).focus();
    }

    function drawChips() {
      chips.replaceChildren();
      entries.filter(function (e) { return e.option.selected; }).forEach(function (entry, position) {
        var item = make("li", { "class": "picker__chip" });
        var button = make("button", { type: "button", "class": "chip", "aria-label": format(d.pickerRemove, { name: entry.name }) });
        button.appendChild(make("span", {}, entry.name));
        button.appendChild(make("span", { "class": "chip__x", "aria-hidden": "true" }, "×"));
        button.addEventListener("click", function () { remove(entry, position); });
        item.appendChild(button);
        chips.appendChild(item);
      });
      chips.hidden = !chips.children.length;
    }

    input.addEventListener("input", suggest);
    input.addEventListener("focus", function () { if (input.value) { suggest(); } });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (listbox.hidden) { suggest(); }
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter") {
        // Never submits the form from here: Enter chooses (the only suggestion, or the highlighted one).
        event.preventDefault();
        if (active >= 0 && shown[active]) { choose(shown[active]); } else if (shown.length === 1) { choose(shown[0]); }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) { event.preventDefault(); close(); } else { input.value = ""; }
      }
    });
    drawChips();
    if (input.value) { suggest(); }
  }

  document.querySelectorAll("select[data-commune-picker]").forEach(enhance);
})();
