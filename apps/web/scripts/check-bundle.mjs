// Measures the JavaScript a first visit downloads before any route chunk: the entry script(s) in
// dist/index.html and every chunk it modulepreloads, gzipped. Fails above the budget (KB, 1 KB = 1024 B).
//   node scripts/check-bundle.mjs [distDir]      WEB_INITIAL_JS_BUDGET_KB=250 by default
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = resolve(process.argv[2] ?? fileURLToPath(new URL("../dist", import.meta.url)));
const budgetKb = Number(process.env.WEB_INITIAL_JS_BUDGET_KB ?? 250);

let html;
try {
  html = readFileSync(join(dist, "index.html"), "utf8");
} catch {
  console.error(`check-bundle: no ${join(dist, "index.html")}; run \`npm run build -w @arte/web\` first`);
  process.exit(2);
}

const refs = new Set();
for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) refs.add(m[1]);
for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) refs.add(m[1]);
if (refs.size === 0) {
  console.error("check-bundle: index.html names no module script");
  process.exit(2);
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (b) => (b / 1024).toFixed(1);
let initial = 0;
const rows = [];
for (const ref of refs) {
  const file = join(dist, ref.replace(/^\//, ""));
  const size = gz(file);
  initial += size;
  rows.push(`  ${ref}  ${kb(statSync(file).size)} KB raw, ${kb(size)} KB gzipped`);
}

// Route chunks, for information: the biggest lazy chunk a page adds.
const assets = join(dist, "assets");
const lazy = readdirSync(assets)
  .filter((f) => f.endsWith(".js") && !refs.has(`/assets/${f}`))
  .map((f) => ({ f, size: gz(join(assets, f)) }))
  .sort((a, b) => b.size - a.size);

console.log("initial JavaScript (entry + modulepreloaded chunks):");
for (const r of rows) console.log(r);
console.log(`  total ${kb(initial)} KB gzipped (budget ${budgetKb} KB)`);
if (lazy[0])
  console.log(
    `largest route chunk: ${lazy[0].f} ${kb(lazy[0].size)} KB gzipped (${lazy.length} lazy chunks)`,
  );

if (initial > budgetKb * 1024) {
  console.error(
    `check-bundle: initial JavaScript ${kb(initial)} KB gzipped is above the ${budgetKb} KB budget`,
  );
  process.exit(1);
}
console.log("check-bundle: ok");
