// The question box on the home page: suggestions as you type, from /api/search (the named
// `search` query). An ARIA 1.2 combobox: arrow keys move through the suggestions, Enter or a
// click picks one (filling the hidden `function` field with its IRI), Escape closes the list.
// Without JavaScript the form still works: the server resolves the typed words itself.
(function () {
  "use strict";

  var input = document.getElementById("question");
  var list = document.getElementById("suggestions");
  var hidden = document.getElementById("function");
  var status = document.getElementById("suggestion-status");
  if (!input || !list || !hidden) { return; }

  var FUNCTION_NS = "https://w3id.org/dutygraph/id/function/";
  var PREFIX = /^\s*(who\s+is\s+)?(accountable|responsible)\s+for\s+/i;
  var searchUrl = input.getAttribute("data-search-url") || "/api/search";
  var items = [];
  var active = -1;
  var timer = null;
  var latest = 0;

  function words(text) { return text.replace(PREFIX, "").replace(/[?.\s]+$/, "").trim(); }

  // The search endpoint answers rows of the `search` query; find the IRI and label columns
  // without depending on one exact shape.
  function rowsOf(data) {
    if (Array.isArray(data)) { return data; }
    if (data && Array.isArray(data.rows)) { return data.rows; }
    if (data && Array.isArray(data.results)) { return data.results; }
    if (data && data.results && Array.isArray(data.results.bindings)) { return data.results.bindings; }
    return [];
  }
  function plain(v) { return v && typeof v === "object" && "value" in v ? v.value : v; }
  function toItem(row) {
    var iri = null, label = null, kind = null, k;
    var keys = ["item", "entity", "iri", "function", "s", "x", "thing"];
    for (k = 0; k < keys.length && !iri; k++) { if (row[keys[k]]) { iri = plain(row[keys[k]]); if (row[keys[k] + "Label"]) { label = plain(row[keys[k] + "Label"]); } } }
    if (!iri) {
      for (k in row) { if (Object.prototype.hasOwnProperty.call(row, k) && /^https?:/.test(String(plain(row[k])))) { iri = plain(row[k]); if (row[k + "Label"]) { label = plain(row[k + "Label"]); } break; } }
    }
    if (!iri) { return null; }
    label = label || plain(row.label) || plain(row.name) || iri;
    kind = plain(row.typeLabel) || plain(row.kindLabel) || plain(row.kind) || null;
    return { iri: String(iri), label: String(label), kind: kind ? String(kind) : null };
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function render() {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.setAttribute("data-iri", item.iri);
      li.textContent = item.label;            // text, never HTML: labels come from data
      if (item.kind) {
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = item.kind;
        li.appendChild(kind);
      }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
      list.appendChild(li);
    });
    if (items.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", "suggestion-" + active);
      var el = document.getElementById("suggestion-" + active);
      if (el && el.scrollIntoView) { el.scrollIntoView({ block: "nearest" }); }
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function pick(i) {
    var item = items[i];
    if (!item) { return; }
    input.value = item.label;
    hidden.value = item.iri;
    close();
    if (status) { status.textContent = "Chosen: " + item.label + "."; }
  }

  function search() {
    var text = words(input.value);
    if (text.length < 2) { items = []; render(); return; }
    var ticket = ++latest;
    fetch(searchUrl + "?text=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (data) {
        if (ticket !== latest) { return; }   // a newer keystroke has asked again
        var all = rowsOf(data).map(toItem).filter(Boolean);
        var seen = {};
        var fns = all.filter(function (it) {
          if (it.iri.indexOf(FUNCTION_NS) !== 0 || seen[it.iri]) { return false; }
          seen[it.iri] = true;
          return true;
        });
        items = fns.slice(0, 12);
        active = -1;
        render();
        if (status) {
          status.textContent = items.length ? items.length + " suggestion" + (items.length === 1 ? "" : "s") + "." : "No function matches yet.";
        }
      })
      .catch(function () { items = []; render(); });
  }

  input.addEventListener("input", function () {
    hidden.value = "";                       // typing again un-picks the suggestion
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(search, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      if (list.hidden && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      if (items.length) { active = (active + 1) % items.length; render(); }
      e.preventDefault();
    } else if (e.key === "ArrowUp") {
      if (items.length) { active = active <= 0 ? items.length - 1 : active - 1; render(); }
      e.preventDefault();
    } else if (e.key === "Enter") {
      if (!list.hidden && active >= 0) { pick(active); e.preventDefault(); }
    } else if (e.key === "Escape") {
      if (!list.hidden) { close(); e.preventDefault(); }
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
}());
