// Communes picker of the console: suggestions as you type, from /console/gestion/communes?q=.
// Without JavaScript the same form searches on the server and lists "Ajouter" buttons.
(function () {
  "use strict";
  var form = document.querySelector("[data-commune-search]");
  var results = document.querySelector("[data-commune-results]");
  var addForm = document.querySelector("[data-commune-add-form]");
  if (!form || !results || !addForm || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var timer = null;
  var lastQuery = null;

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text; // textContent: names are never read as HTML
    if (className) node.className = className;
    return node;
  }

  function submitAdd(action, field, value) {
    addForm.elements.action.value = action;
    addForm.elements.commune.value = field === "commune" ? value : "";
    addForm.elements.epci.value = field === "epci" ? value : "";
    addForm.submit();
  }

  function item(label, detail, buttonText, onClick) {
    var li = element("li");
    li.appendChild(document.createTextNode(label + " "));
    if (detail) li.appendChild(element("span", detail, "muted"));
    var button = element("button", buttonText, "button button--small");
    button.type = "button";
    button.addEventListener("click", onClick);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(button);
    return li;
  }

  function render(data) {
    results.textContent = "";
    if (data.epcis.length) {
      results.appendChild(element("h3", "Intercommunalités"));
      var epciList = element("ul", null, "console-list");
      data.epcis.forEach(function (e) {
        epciList.appendChild(item(e.name, "(" + e.communes + " communes)", "Ajouter toutes les communes de " + e.name,
          function () { submitAdd("add_epci", "epci", e.code); }));
      });
      results.appendChild(epciList);
    }
    results.appendChild(element("h3", "Communes"));
    var list = element("ul", null, "console-list");
    if (!data.communes.length) list.appendChild(element("li", "Aucune commune ne correspond."));
    data.communes.forEach(function (c) {
      list.appendChild(item(c.label, c.code, "Ajouter " + c.name, function () { submitAdd("add", "commune", c.code); }));
    });
    results.appendChild(list);
  }

  function search() {
    var query = input.value.trim();
    if (query === lastQuery || query.length < 2) return;
    lastQuery = query;
    var url = form.getAttribute("data-endpoint") + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && query === lastQuery) render(data); })
      .catch(function () { /* the plain search button still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
})();
