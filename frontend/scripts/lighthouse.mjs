// Runs Lighthouse (pinned in package.json) against the listing page of the real stack and
// prints the performance and accessibility scores. Needs Debian's chromium.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const base = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
const url = process.env.LIGHTHOUSE_URL ?? `${base}/products`;
const outDir = new URL('../lighthouse-report/', import.meta.url).pathname;
const report = `${outDir}report.json`;
const flags = ['--headless=new', ...CHROMIUM_ARGS].join(' ');

mkdirSync(outDir, { recursive: true });
const bin = new URL('../node_modules/.bin/lighthouse', import.meta.url).pathname;
const result = spawnSync(
  bin,
  [
    url,
    '--only-categories=performance,accessibility',
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
console.log(`lighthouse ${url}`);
console.log(`  performance:   ${score('performance')}`);
console.log(`  accessibility: ${score('accessibility')}`);
console.log(
  `  LCP ${audit('largest-contentful-paint')}, CLS ${audit('cumulative-layout-shift')}, TBT ${audit('total-blocking-time')}`,
);
const failing = Object.values(data.audits).filter(
  (a) =>
    a.score !== null &&
    a.score < 1 &&
    data.categories.accessibility.auditRefs.some((r) => r.id === a.id && r.weight > 0),
);
for (const a of failing) console.log(`  a11y: ${a.id} — ${a.title}`);
console.log(`  full report: ${report}`);
