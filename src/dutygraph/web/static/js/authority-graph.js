// The authority page's graph of who answers to whom, drawn with Cytoscape.js (served from
// static/vendor, built from npm). Data comes from /authority/<slug>/graph.json; every edge is
// labelled with its relation and provision. The same links are in a table on the page, so the
// graph is a picture for sighted users, not the only way to the facts.
(function () {
  "use strict";

  var container = document.getElementById("authority-graph");
  var status = document.getElementById("graph-status");
  if (!container) { return; }

  function say(text) { if (status) { status.textContent = text; } }

  if (typeof window.cytoscape !== "function") {
    say("The graph library did not load; the links are listed in the table below.");
    container.setAttribute("data-state", "error");
    return;
  }

  var COLOURS = { post: "#0b5394", body: "#38761d", report: "#7f6000", person: "#741b47", other: "#595959" };
  var SHAPES = { post: "round-rectangle", body: "rectangle", report: "tag", person: "ellipse", other: "diamond" };

  fetch(container.getAttribute("data-graph-url"), { headers: { "Accept": "application/json" } })
    .then(function (r) {
      if (!r.ok) { throw new Error("the server answered " + r.status); }
      return r.json();
    })
    .then(function (data) {
      var elements = data.elements || { nodes: [], edges: [] };
      if (!elements.nodes.length) {
        say("No local links are recorded for this authority, so there is nothing to draw.");
        container.setAttribute("data-state", "empty");
        container.setAttribute("data-node-count", "0");
        return;
      }
      var cy = window.cytoscape({
        container: container,
        elements: elements,
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: {
            "label": "data(label)", "text-wrap": "wrap", "text-max-width": "160px",
            "font-size": "11px", "color": "#ffffff", "text-valign": "center", "text-halign": "center",
            "width": "180px", "height": "54px", "padding": "6px",
            "shape": function (n) { return SHAPES[n.data("kind")] || SHAPES.other; },
            "background-color": function (n) { return COLOURS[n.data("kind")] || COLOURS.other; }
          } },
          { selector: "edge", style: {
            "label": "data(label)", "font-size": "10px", "text-wrap": "wrap", "text-max-width": "150px",
            "text-background-color": "#ffffff", "text-background-opacity": 0.9, "text-background-padding": "2px",
            "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 2,
            "line-color": "#8a8f98", "target-arrow-color": "#8a8f98", "color": "#1b1f23"
          } },
          { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffbf47" } }
        ],
        // Those held to account at the top: breadthfirst puts the sources of the arrows
        // (whoever answers) first, so the layout is turned upside down.
        layout: { name: "breadthfirst", directed: true, spacingFactor: 1.4, padding: 24,
                  transform: function (node, pos) { return { x: pos.x, y: -pos.y }; } }
      });
      cy.on("tap", "node", function (evt) {
        var href = evt.target.data("href");
        if (href) { window.location.assign(href); }
      });
      window.dutygraphCy = cy;
      container.setAttribute("data-state", "ready");
      container.setAttribute("data-node-count", String(cy.nodes().length));
      container.setAttribute("data-edge-count", String(cy.edges().length));
      say(cy.nodes().length + " posts and bodies, " + cy.edges().length + " links drawn.");
    })
    .catch(function (err) {
      container.setAttribute("data-state", "error");
      say("The graph could not be drawn (" + err.message + "); the links are listed in the table below.");
    });
}());
