// Prints the initial JavaScript (gzip) a visitor downloads for the home and listing routes:
// the entry chunk, its static imports, and the lazy chunk of each route with its imports.
// Reads dist/.vite/manifest.json, so run `npm run build` first.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const DIST = new URL('../dist/', import.meta.url).pathname;
const MANIFEST = join(DIST, '.vite', 'manifest.json');
const BUDGET_KB = 90;
const ROUTES = {
  home: 'src/app/routes/home.tsx',
  listing: 'src/app/routes/products.tsx',
  product: 'src/app/routes/product.tsx',
  checkout: 'src/app/routes/checkout.tsx',
  vendor: 'src/app/routes/vendor.tsx',
  shop: 'src/app/routes/vendor-store.tsx',
};

if (!existsSync(MANIFEST)) {
  console.error(`No manifest at ${MANIFEST}; run \`npm run build\` first.`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);

/** A chunk and everything it imports statically (what the browser must fetch before running it). */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key]?.imports ?? []) closure(dep, seen);
  return seen;
}

const gzipCache = new Map();
function gzipBytes(file) {
  if (!gzipCache.has(file))
    gzipCache.set(file, gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length);
  return gzipCache.get(file);
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const entryChunks = closure(entryKey);
const entryBytes = [...entryChunks].reduce((sum, key) => sum + gzipBytes(manifest[key].file), 0);
console.log(
  `entry (${manifest[entryKey].file} + ${entryChunks.size - 1} shared): ${kb(entryBytes)} kB gzip`,
);

let failed = false;
for (const [route, source] of Object.entries(ROUTES)) {
  if (!manifest[source]) {
    console.log(`${route}: no chunk for ${source}`);
    continue;
  }
  const files = new Set([...entryChunks, ...closure(source)].map((key) => manifest[key].file));
  const total = [...files].reduce((sum, file) => sum + gzipBytes(file), 0);
  const routeOnly = total - entryBytes;
  const budgeted = route === 'home' || route === 'listing';
  const over = budgeted && total / 1024 > BUDGET_KB;
  failed ||= over;
  console.log(
    `${route.padEnd(8)} initial JS: ${kb(total).padStart(6)} kB gzip (route chunks ${kb(routeOnly)} kB, ${files.size} files)` +
      (budgeted ? `  budget ${BUDGET_KB} kB ${over ? 'OVER' : 'ok'}` : ''),
  );
}
const css = Object.values(manifest).flatMap((chunk) => chunk.css ?? []);
const cssBytes = [...new Set(css)].reduce((sum, file) => sum + gzipBytes(file), 0);
console.log(`css: ${kb(cssBytes)} kB gzip`);
if (failed) process.exitCode = 1;
