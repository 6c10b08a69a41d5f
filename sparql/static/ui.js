// The query UI: YASGUI pointed at this endpoint, with Museion's example queries.
(function () {
  "use strict";
  const examples = JSON.parse(document.getElementById("example-queries").textContent);
  // The endpoint's path is the page's to say: under a proxy's path prefix it is not /sparql.
  const endpoint = new URL(document.getElementById("yasgui").dataset.endpoint, window.location.href).toString();
  const params = new URLSearchParams(window.location.search);
  const first = params.get("query") || (examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10");
  Yasgui.Yasqe.defaults.value = first;
  // No network but this endpoint: prefixes come from the query, not from prefix.cc.
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    persistenceId: null,
    autoAddOnInit: true,
    yasqe: { value: first },
  });
  window.museionYasgui = yasgui;
  // Accessibility repairs of YASGUI's markup (axe-core: no serious or critical violations):
  // the add-tab button sits outside the tab list, the endpoint box and editor are reachable
  // and named.
  function repair() {
    document.querySelectorAll(".tabsList .addTab").forEach(function (button) {
      const holder = button.parentElement;
      const list = holder && holder.parentElement;
      if (list && list.classList.contains("tabsList")) { list.after(holder); }
    });
    document.querySelectorAll("input.autocomplete").forEach(function (input) {
      input.setAttribute("aria-label", "SPARQL endpoint");
    });
    document.querySelectorAll(".tabsList input[type=text]").forEach(function (input) {
      input.setAttribute("aria-label", "Tab name");
    });
    document.querySelectorAll(".CodeMirror textarea").forEach(function (area) {
      area.setAttribute("aria-label", "SPARQL query");
    });
    document.querySelectorAll(".CodeMirror-scroll").forEach(function (area) {
      area.setAttribute("tabindex", "0");
      area.setAttribute("aria-label", "SPARQL query editor");
    });
  }
  repair();
  yasgui.on("tabChange", repair);
  yasgui.on("tabAdd", function () { window.setTimeout(repair, 0); });
  const select = document.getElementById("examples");
  const about = document.getElementById("example-description");
  select.addEventListener("change", function () {
    if (select.value === "") { return; }
    const example = examples[Number(select.value)];
    const tab = yasgui.getTab();
    tab.setQuery(example.query);
    tab.setName ? tab.setName(example.title) : null;
    about.textContent = example.description;
    if (params.get("run") !== "no") { tab.query(); }
  });
  if (params.get("query") && params.get("run") !== "no") {
    yasgui.getTab().query();
  }
}());
