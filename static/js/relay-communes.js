// Commune search on the subscribe and manage forms: the search field filters the multi-select
// as you type (name anywhere, postcode from its start, accents and case ignored, same rule as
// relay/forms.py) and the live region says how many communes match. Without JavaScript the
// same field sends a GET search (relay.forms.PreferencesForm._narrow_communes).
(function () {
  "use strict";
  var query = document.getElementById("relay-commune-query");
  var count = document.getElementById("relay-commune-count");
  var select = query && document.getElementById(query.getAttribute("aria-controls"));
  if (!query || !count || !select) { return; }
  var button = document.querySelector(".relay-commune-search-button");

  function folded(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-'’]/g, " ").replace(/\s+/g, " ").trim();
  }

  // Every option once, in the server's order, with what it is searched by.
  var all = Array.prototype.map.call(select.options, function (option) {
    var label = option.textContent;
    var codes = (label.match(/\(([\d ,]+)\)$/) || ["", ""])[1].split(/[ ,]+/).filter(Boolean);
    return { option: option, name: folded(label.replace(/\s*\([\d ,]+\)$/, "")), codes: codes };
  });

  function matches(entry, q) {
    if (!q) { return true; }
    if (/^\d+$/.test(q)) {
      return entry.codes.some(function (code) { return code.indexOf(q) === 0; });
    }
    return entry.name.indexOf(q) !== -1;
  }

  function announce(found, q) {
    if (!q) { count.textContent = ""; return; }
    if (found === 0) { count.textContent = count.dataset.none; return; }
    count.textContent = found === 1 ? count.dataset.one : count.dataset.many.replace("%(count)s", found);
  }

  var timer = null;
  function filter() {
    var q = folded(query.value);
    var found = 0;
    // Options are taken out of the list rather than hidden (hidden options still show in some
    // browsers); chosen communes always stay, so that filtering never drops one from the form.
    all.forEach(function (entry) {
      var match = matches(entry, q);
      if (match) { found += 1; }
      var keep = match || entry.option.selected;
      if (keep && entry.option.parentNode !== select) {
        select.appendChild(entry.option);
      } else if (!keep && entry.option.parentNode === select) {
        select.removeChild(entry.option);
      }
    });
    all.forEach(function (entry) {  // put the kept ones back in the server's order
      if (entry.option.parentNode === select) { select.appendChild(entry.option); }
    });
    // Let the screen reader finish the keystroke before speaking the count.
    clearTimeout(timer);
    timer = setTimeout(function () { announce(found, q); }, 400);
  }

  // The list is filtered as you type: no need for the fallback's button nor its page load.
  if (button) { button.hidden = true; }
  query.addEventListener("input", filter);
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); select.focus(); }
  });
  if (query.value) { filter(); }
})();
