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

  // A YASGUI share link carries the tab in the URL's fragment (or, from older links, its query
  // string): query=..., tabTitle=..., endpoint=..., outputFormat=... YASGUI's own reading of it
  // (populateFromUrl) would also take a foreign endpoint and mix with stored tabs, so the page
  // reads the query and title itself and opens them as the first, selected tab.
  function shared() {
    var out = null;
    [window.location.hash.replace(/^#/, ""), window.location.search.replace(/^\?/, "")]
      .forEach(function (part) {
        if (out || !part) { return; }
        var params = new URLSearchParams(part);
        if (params.has("query")) {
          out = { query: params.get("query"), name: params.get("tabTitle") || "Shared query",
                  outputFormat: params.get("outputFormat") || "" };
        }
      });
    return out;
  }

  // YASGUI's markup misses a few accessibility basics (axe: critical and serious findings);
  // mend them after it draws and whenever it redraws (a new tab, a new results view).
  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }
  function repair() {
    // A tab's aria-controls must name a panel that exists (YASGUI draws panels lazily).
    root.querySelectorAll(".tabsList a[role=tab]").forEach(function (tab) {
      var target = tab.getAttribute("aria-controls");
      if (target && !document.getElementById(target)) { tab.removeAttribute("aria-controls"); }
      setAttr(tab, "aria-selected", tab.parentNode.classList.contains("active") ? "true" : "false");
      var rename = tab.querySelector("input");
      if (rename) { setAttr(rename, "aria-label", "Tab name"); }
    });
    // A tablist holds only tabs: the add-tab button is announced as the tab that adds one.
    root.querySelectorAll(".tabsList .addTab").forEach(function (button) {
      setAttr(button, "role", "tab");
      setAttr(button, "aria-selected", "false");
    });
    root.querySelectorAll("input.autocomplete").forEach(function (input) {
      setAttr(input, "aria-label", "SPARQL endpoint");
    });
    root.querySelectorAll(".CodeMirror textarea").forEach(function (area) {
      setAttr(area, "aria-label", "SPARQL query");
    });
    root.querySelectorAll(".yasr select").forEach(function (select) {
      setAttr(select, "aria-label", "Download format");
    });
    // The editor's scroll box is reached by keyboard (arrow keys scroll long queries).
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (box) {
      setAttr(box, "tabindex", "0");
      setAttr(box, "aria-label", "SPARQL query, scrollable");
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; repair(); });
  }).observe(root, { childList: true, subtree: true });

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
      var share = shared();
      if (share) {
        tabs = [share].concat(tabs);
      }
      tabs.forEach(function (tab, i) {
        yasgui.addTab(i === 0, {
          name: tab.name,
          yasqe: { value: tab.query },
          requestConfig: { endpoint: endpoint, method: "POST" }
        });
      });
      repair();
      window.dutygraphYasgui = yasgui;
      root.setAttribute("data-state", "ready");
      root.setAttribute("data-tab-count", String(tabs.length));
      if (share) { root.setAttribute("data-shared", "true"); }
      say((share ? "The shared query is in the first tab. " : "") + tabs.length + " example tabs, one per named query. Run a query with the triangle button or Ctrl+Enter.");
    })
    .catch(function (err) {
      root.setAttribute("data-state", "error");
      say("The editor could not start (" + err.message + ").");
    });
}());
