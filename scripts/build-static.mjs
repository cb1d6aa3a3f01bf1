// Copy the built front-end packages from node_modules into static/vendor (served by Django).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "static", "vendor");
const copies = [
  ["node_modules/@uswds/uswds/dist/css", "uswds/css"],
  ["node_modules/@uswds/uswds/dist/js", "uswds/js"],
  ["node_modules/@uswds/uswds/dist/fonts", "uswds/fonts"],
  ["node_modules/@uswds/uswds/dist/img", "uswds/img"],
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["node_modules/cytoscape/dist/cytoscape.min.js", "cytoscape/cytoscape.min.js"],
];
rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of copies) {
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(root, from), target, { recursive: true });
}
console.log(`static/vendor built (${copies.length} copies)`);
