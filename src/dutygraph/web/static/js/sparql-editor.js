// The SPARQL editor: YASGUI (from npm, served from static/vendor) against this server's
// /sparql endpoint, one tab per named query. Set up to work offline and inside a strict CSP:
// no remote endpoint catalogue, no Linked Open Vocabularies autocompletion (it would call
// lov.linkeddata.es), no localStorage tabs that would hide the current catalogue.
(function () {
  "use strict";

  var root = document.getElementById("yasgui");
  var status = document.getElementById("editor-status");
  if (!root) { return; }
  function say(text) { if (status) { status.textContent = text; } }

  if (typeof window.Yasgui !== "function") {
    say("The editor did not load. You can still send queries to /sparql with any SPARQL client.");
    root.setAttribute("data-state", "error");
    return;
  }

  var Yasgui = window.Yasgui;
  // Only the completers that work from the page itself.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];

  fetch(root.getAttribute("data-examples-url"), { headers: { "Accept": "application/json" } })
    .then(function (r) {
      if (!r.ok) { throw new Error("the server answered " + r.status); }
      return r.json();
    })
    .then(function (data) {
      var endpoint = new URL(data.endpoint || "/sparql", window.location.href).href;
      var yasgui = new Yasgui(root, {
        requestConfig: { endpoint: endpoint, method: "POST" },
        copyEndpointOnNewTab: true,
        persistenceId: null,
        autoAddOnInit: false,
        populateFromUrl: false,
        endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
        yasqe: { autocompleters: ["variables", "prefixes"] }
      });
      var tabs = data.tabs || [];
      if (!tabs.length) {
        tabs = [{ name: "Query", query: "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10" }];
      }
      tabs.forEach(function (tab, i) {
        yasgui.addTab(i === 0, {
          name: tab.name,
          yasqe: { value: tab.query },
          requestConfig: { endpoint: endpoint, method: "POST" }
        });
      });
      window.dutygraphYasgui = yasgui;
      root.setAttribute("data-state", "ready");
      root.setAttribute("data-tab-count", String(tabs.length));
      say(tabs.length + " example tabs, one per named query. Run a query with the triangle button or Ctrl+Enter.");
    })
    .catch(function (err) {
      root.setAttribute("data-state", "error");
      say("The editor could not start (" + err.message + ").");
    });
}());
