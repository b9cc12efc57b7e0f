// Copy the front-end libraries the web view needs from node_modules into the package's
// static/vendor folder, so the app serves every script and style itself (no CDN, CSP 'self').
// Run by `make assets` after `npm ci`; fails loudly if a file is missing so a broken
// install is noticed at build time, not as a blank page.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "src", "dutygraph", "web", "static", "vendor");
const modules = join(root, "node_modules");

// [package, file inside the package, name under static/vendor]
const FILES = [
  ["@zazuko/yasgui", "build/yasgui.min.js", "yasgui/yasgui.min.js"],
  ["@zazuko/yasgui", "build/yasgui.min.css", "yasgui/yasgui.min.css"],
  ["@zazuko/yasgui", "package.json", "yasgui/package.json"],
  ["cytoscape", "dist/cytoscape.min.js", "cytoscape/cytoscape.min.js"],
  ["cytoscape", "LICENSE", "cytoscape/LICENSE"],
  ["cytoscape", "package.json", "cytoscape/package.json"],
  // The authority graph's layered layout (cytoscape-dagre over dagre) and its SVG export.
  ["dagre", "dist/dagre.min.js", "dagre/dagre.min.js"],
  ["dagre", "LICENSE", "dagre/LICENSE"],
  ["dagre", "package.json", "dagre/package.json"],
  ["cytoscape-dagre", "cytoscape-dagre.js", "cytoscape-dagre/cytoscape-dagre.js"],
  ["cytoscape-dagre", "LICENSE", "cytoscape-dagre/LICENSE"],
  ["cytoscape-dagre", "package.json", "cytoscape-dagre/package.json"],
  ["cytoscape-svg", "cytoscape-svg.js", "cytoscape-svg/cytoscape-svg.js"],
  ["cytoscape-svg", "LICENSE", "cytoscape-svg/LICENSE"],
  ["cytoscape-svg", "package.json", "cytoscape-svg/package.json"],
];
// axe-core (devDependencies) is not copied: the browser tests inject it from node_modules,
// and the app never serves it.

function packageDir(name) {
  return join(modules, ...name.split("/"));
}

rmSync(vendor, { recursive: true, force: true });
const versions = {};
for (const [pkg, file, target] of FILES) {
  const source = join(packageDir(pkg), file);
  if (!existsSync(source)) {
    console.error(`copy-assets: ${pkg} has no ${file} (looked at ${source}); run npm ci`);
    process.exit(1);
  }
  const dest = join(vendor, target);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(source, dest);
  versions[pkg] = JSON.parse(readFileSync(join(packageDir(pkg), "package.json"), "utf8")).version;
}
writeFileSync(join(vendor, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`copy-assets: ${FILES.length} files into ${vendor}`);
