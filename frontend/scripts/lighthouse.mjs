// Runs Lighthouse (pinned in package.json) with Debian's chromium against the real stack and
// prints the performance, accessibility and SEO scores of the home page and a product page
// (the issue-17 targets: SEO 100, performance ≥ 95). `LIGHTHOUSE_URL` measures one page instead.
// Exits 1 when a page misses a target (LIGHTHOUSE_NO_FAIL=1 only prints).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const base = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
const TARGETS = { performance: 95, seo: 100 };
const outDir = new URL('../lighthouse-report/', import.meta.url).pathname;
const flags = ['--headless=new', ...CHROMIUM_ARGS].join(' ');

async function pages() {
  if (process.env.LIGHTHOUSE_URL) return { page: process.env.LIGHTHOUSE_URL };
  const response = await fetch(`${base}/api/v1/products/?page_size=1`);
  const { results } = await response.json();
  if (!results?.length) throw new Error(`no public product at ${base} to measure`);
  return { home: `${base}/`, product: `${base}/products/${results[0].slug}` };
}

function run(name, url) {
  const report = `${outDir}${name}.json`;
  const bin = new URL('../node_modules/.bin/lighthouse', import.meta.url).pathname;
  const result = spawnSync(
    bin,
    [
      url,
      '--only-categories=performance,accessibility,seo',
      '--output=json',
      `--output-path=${report}`,
      `--chrome-flags=${flags}`,
      '--quiet',
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? CHROMIUM_PATH },
    },
  );
  if (result.status !== 0) {
    console.error(`lighthouse failed (exit ${result.status}); is the stack serving ${url}?`);
    process.exit(result.status ?? 1);
  }
  const data = JSON.parse(readFileSync(report, 'utf8'));
  const score = (id) => Math.round((data.categories[id]?.score ?? 0) * 100);
  const audit = (id) => data.audits[id]?.displayValue ?? 'n/a';
  console.log(`lighthouse ${name}: ${url}`);
  console.log(`  performance:   ${score('performance')}`);
  console.log(`  accessibility: ${score('accessibility')}`);
  console.log(`  seo:           ${score('seo')}`);
  console.log(
    `  LCP ${audit('largest-contentful-paint')}, CLS ${audit('cumulative-layout-shift')}, TBT ${audit('total-blocking-time')}`,
  );
  for (const category of ['accessibility', 'seo']) {
    const failing = Object.values(data.audits).filter(
      (a) =>
        a.score !== null &&
        a.score < 1 &&
        data.categories[category].auditRefs.some((r) => r.id === a.id && r.weight > 0),
    );
    for (const a of failing) console.log(`  ${category}: ${a.id} — ${a.title}`);
  }
  console.log(`  full report: ${report}`);
  return Object.entries(TARGETS).filter(([id, target]) => score(id) < target);
}

mkdirSync(outDir, { recursive: true });
let missed = false;
for (const [name, url] of Object.entries(await pages())) {
  const misses = run(name, url);
  for (const [id, target] of misses) console.log(`  MISSED: ${id} below ${target}`);
  missed ||= misses.length > 0;
}
if (missed && !process.env.LIGHTHOUSE_NO_FAIL) process.exitCode = 1;
