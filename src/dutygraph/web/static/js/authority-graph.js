// The authority page's graph of who answers to whom, drawn with Cytoscape.js and laid out in
// layers by dagre, links along dagre's routes (all served from static/vendor, built from
// npm; cytoscape-dagre is not used, see layOut). Data comes from
// /authority/<slug>/graph.json. The same links are in a table on the page, so the graph is a
// picture for sighted users, not the only way to the facts.
//
// Readability: each kind of link has its own colour and each legal force its own line style
// (the legend on the page says which); edges carry no text, so no label can overlap another,
// and the selected link's relation, force and provision are written out below the graph.
// Keyboard: the graph is one tab stop; arrow keys move from box to box and link to link,
// Enter opens the selected box's page, + and - zoom, 0 fits the whole graph.
(function () {
  "use strict";

  var container = document.getElementById("authority-graph");
  var status = document.getElementById("graph-status");
  var detail = document.getElementById("graph-selected");
  if (!container) { return; }

  function say(text) { if (status) { status.textContent = text; } }

  if (typeof window.cytoscape !== "function") {
    say("The graph library did not load; the links are listed in the table below.");
    container.setAttribute("data-state", "error");
    return;
  }
  var cytoscape = window.cytoscape;
  [window.cytoscapeSvg].forEach(function (ext) {
    if (ext) { try { cytoscape.use(ext); } catch (e) { /* already registered */ } }
  });
  var dagre = window.dagre;

  // Layers: whoever answers below, whoever they answer to above (dagre ranks the arrows'
  // sources first, so bottom-to-top). Wide separations leave room between boxes and ranks.
  var DAGRE = { rankdir: "BT", nodesep: 60, edgesep: 30, ranksep: 110, ranker: "network-simplex" };
  var PADDING = 24;

  // dagre itself (the library cytoscape-dagre wraps), not the cytoscape-dagre extension,
  // because the extension keeps dagre's box positions and throws its link routes away: a link
  // that skips a layer was then drawn straight, across the layer between, where dagre had
  // left room only for the route it planned, so it could pass through an unrelated box (the
  // Bromley DCS box of the 2025 record, under the Independent Chair's links to the Chief
  // Executive). Here each box is given to dagre at its drawn size, label included, and each
  // link is drawn through the points dagre routed it by (its "dummy nodes", which dagre
  // spaces like boxes in every layer the link crosses).
  function layOut(cy) {
    var g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph(Object.assign({}, DAGRE));
    g.setDefaultEdgeLabel(function () { return {}; });
    cy.nodes().forEach(function (n) {
      var box = n.boundingBox({ includeLabels: true });
      g.setNode(n.id(), { width: box.w, height: box.h });
    });
    cy.edges().forEach(function (e) {
      g.setEdge(e.source().id(), e.target().id(), { minlen: 1, weight: 1 }, e.id());
    });
    dagre.layout(g);
    cy.nodes().positions(function (n) { var p = g.node(n.id()); return { x: p.x, y: p.y }; });
    cy.edges().forEach(function (e) {
      var points = g.edge(e.source().id(), e.target().id(), e.id()).points || [];
      route(e, points.slice(1, -1));  // the first and last are where it meets the boxes
    });
    cy.fit(undefined, PADDING);
  }

  // Cytoscape places a segment point at weight w along the line between the two boxes'
  // centres and distance d off it, to the left of the direction it measures from (source to
  // target, or the reverse when a pair of boxes has links both ways): w and d for each of
  // dagre's points, checked against where Cytoscape put them, else measured the other way.
  function route(edge, points) {
    var s = edge.source().position(), t = edge.target().position();
    var dx = t.x - s.x, dy = t.y - s.y, length = Math.sqrt(dx * dx + dy * dy);
    if (!points.length || !length) { return; }
    var weights = points.map(function (p) { return ((p.x - s.x) * dx + (p.y - s.y) * dy) / (length * length); });
    var distances = points.map(function (p) { return (dx * (p.y - s.y) - dy * (p.x - s.x)) / length; });
    function use(ws, ds) {
      edge.style({ "curve-style": "segments", "edge-distances": "node-position",
                   "segment-weights": ws.join(" "), "segment-distances": ds.join(" ") });
      var drawn = edge.segmentPoints() || [];
      return drawn.length === points.length && points.every(function (p, i) {
        return Math.abs(drawn[i].x - p.x) < 1 && Math.abs(drawn[i].y - p.y) < 1;
      });
    }
    if (!use(weights, distances)) {
      use(weights.map(function (w) { return 1 - w; }), distances.map(function (d) { return -d; }));
    }
  }

  var COLOURS = { post: "#0b5394", body: "#38761d", report: "#7f6000", person: "#741b47", other: "#595959" };
  var SHAPES = { post: "round-rectangle", body: "rectangle", report: "tag", person: "ellipse", other: "diamond" };
  // Kinds of link (relation words from graph.json) and their colours: the legend's swatches
  // read the same table from data-colour attributes, so picture and legend cannot disagree.
  var RELATIONS = {
    "reports to": "#1d4f91", "is accountable to": "#8b1a1a", "is appointed by": "#5b2c83",
    "is chaired by": "#00695c", "is scrutinised by": "#8d3c00"
  };
  var OTHER_RELATION = "#4a4a4a";
  // Legal force: must (law) solid, should (statutory guidance) dashed, a local commitment dotted.
  function lineStyle(edge) {
    var force = String(edge.data("modality") || "");
    if (/must/.test(force)) { return "solid"; }
    if (/should/.test(force)) { return "dashed"; }
    return "dotted";
  }

  function download(name, blob) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.dutygraphLastExport = { name: name, url: url, type: blob.type, size: blob.size, blob: blob };
    container.setAttribute("data-last-export", name);
  }

  function describe(el) {
    if (el.isNode()) {
      return el.data("label").replace(/\n/g, " ") + " (" + (el.data("kind") || "other") +
        "). " + el.connectedEdges().length + " links. Press Enter to open its page.";
    }
    return el.source().data("label").replace(/\n/g, " ") + " " +
      (el.data("proposed") ? "(proposed only) " : "") + el.data("relation") + " " +
      el.target().data("label").replace(/\n/g, " ") + ". Force: " +
      (el.data("modality") || "not recorded") + ". " + el.data("provision") + ".";
  }

  function draw(data) {
    var elements = data.elements || { nodes: [], edges: [] };
    if (!elements.nodes.length) {
      say("No local links are recorded for this authority, so there is nothing to draw.");
      container.setAttribute("data-state", "empty");
      container.setAttribute("data-node-count", "0");
      return;
    }
    var layered = !!dagre && typeof dagre.layout === "function";
    var cy = cytoscape({
      container: container,
      elements: elements,
      wheelSensitivity: 0.3,
      minZoom: 0.2,
      maxZoom: 3,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "text-wrap": "wrap", "text-max-width": "160px",
          "font-size": "11px", "color": "#ffffff", "text-valign": "center", "text-halign": "center",
          "width": "180px", "height": "58px", "padding": "6px",
          "shape": function (n) { return SHAPES[n.data("kind")] || SHAPES.other; },
          "background-color": function (n) { return COLOURS[n.data("kind")] || COLOURS.other; }
        } },
        { selector: "edge", style: {
          "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 2.5,
          "line-style": lineStyle,
          "line-color": function (e) { return RELATIONS[e.data("relation")] || OTHER_RELATION; },
          "target-arrow-color": function (e) { return RELATIONS[e.data("relation")] || OTHER_RELATION; }
        } },
        // Only proposed by a document (dg:proposed): thin, sparse dashes and a hollow arrow,
        // so a proposal never looks like an arrangement in place.
        { selector: "edge[?proposed]", style: {
          "width": 1.5, "line-style": "dashed", "line-dash-pattern": [2, 8],
          "target-arrow-fill": "hollow"
        } },
        { selector: "edge:selected", style: {
          "width": 5, "label": "data(relation)", "font-size": "11px", "color": "#0b0c0c",
          "text-background-color": "#ffffff", "text-background-opacity": 1,
          "text-background-padding": "3px", "z-index": 10
        } },
        { selector: "node:selected", style: { "border-width": 5, "border-color": "#ffbf47" } }
      ],
      layout: layered ? { name: "preset", fit: false }
        : { name: "breadthfirst", directed: true, spacingFactor: 1.4, padding: PADDING }
    });
    if (layered) { layOut(cy); }
    // The order the keyboard walks: boxes top to bottom, left to right, then the links.
    function order() {
      var nodes = cy.nodes().sort(function (a, b) {
        return (a.position("y") - b.position("y")) || (a.position("x") - b.position("x"));
      });
      return nodes.toArray().concat(cy.edges().toArray());
    }
    function select(el) {
      cy.elements().unselect();
      el.select();
      var text = describe(el);
      if (detail) { detail.textContent = text; }
      container.setAttribute("data-selected", el.id());
      if (!cy.extent().x1 || !el.isNode() || !inView(el)) { cy.center(el); }
    }
    function inView(el) {
      var e = cy.extent(), p = el.position();
      return p.x > e.x1 && p.x < e.x2 && p.y > e.y1 && p.y < e.y2;
    }
    function zoomBy(factor) {
      cy.zoom({ level: cy.zoom() * factor,
                renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
      container.setAttribute("data-zoom", cy.zoom().toFixed(3));
    }
    function fit() {
      cy.fit(undefined, PADDING);
      container.setAttribute("data-zoom", cy.zoom().toFixed(3));
    }
    cy.on("tap", "node", function (evt) {
      var href = evt.target.data("href");
      if (href) { window.location.assign(href); }
    });
    cy.on("tap", "edge", function (evt) { select(evt.target); });
    container.addEventListener("keydown", function (evt) {
      var list = order();
      var current = cy.$(":selected")[0];
      var index = current ? list.indexOf(current) : -1;
      var handled = true;
      switch (evt.key) {
        case "ArrowRight": case "ArrowDown": select(list[(index + 1) % list.length]); break;
        case "ArrowLeft": case "ArrowUp": select(list[(index - 1 + list.length) % list.length]); break;
        case "Home": select(list[0]); break;
        case "End": select(list[list.length - 1]); break;
        case "+": case "=": zoomBy(1.25); break;
        case "-": case "_": zoomBy(0.8); break;
        case "0": fit(); break;
        case "Enter":
          if (current && current.isNode() && current.data("href")) {
            window.location.assign(current.data("href"));
          } else { handled = false; }
          break;
        default: handled = false;
      }
      if (handled) { evt.preventDefault(); }
    });
    function on(id, action) {
      var button = document.getElementById(id);
      if (button) { button.hidden = false; button.addEventListener("click", action); }
    }
    on("graph-zoom-in", function () { zoomBy(1.25); });
    on("graph-zoom-out", function () { zoomBy(0.8); });
    on("graph-fit", fit);
    var name = (container.getAttribute("data-name") || "authority-graph");
    on("graph-png", function () {
      download(name + ".png", cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }));
    });
    if (typeof cy.svg === "function") {
      on("graph-svg", function () {
        download(name + ".svg", new Blob([cy.svg({ full: true, bg: "#ffffff" })],
                                          { type: "image/svg+xml" }));
      });
    }
    var controls = document.getElementById("graph-controls");
    if (controls) { controls.hidden = false; }
    window.dutygraphCy = cy;
    container.setAttribute("data-layout", layered ? "dagre" : "breadthfirst");
    container.setAttribute("data-state", "ready");
    container.setAttribute("data-node-count", String(cy.nodes().length));
    container.setAttribute("data-edge-count", String(cy.edges().length));
    container.setAttribute("data-zoom", cy.zoom().toFixed(3));
    say(cy.nodes().length + " posts and bodies, " + cy.edges().length + " links drawn.");
  }

  fetch(container.getAttribute("data-graph-url"), { headers: { "Accept": "application/json" } })
    .then(function (r) {
      if (!r.ok) { throw new Error("the server answered " + r.status); }
      return r.json();
    })
    .then(draw)
    .catch(function (err) {
      container.setAttribute("data-state", "error");
      say("The graph could not be drawn (" + err.message + "); the links are listed in the table below.");
    });
}());
