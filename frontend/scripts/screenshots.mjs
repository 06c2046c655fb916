// Saves PNGs of the main pages at desktop and phone widths into screenshots/ (git-ignored).
// Against the real stack at E2E_BASE_URL when it answers; otherwise against the built SPA
// served by `vite preview` with the API mocked (SCREENSHOTS_MOCK=1 forces that).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { createMockApi } from './mock-api.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = new URL('../screenshots/', import.meta.url).pathname;
const BACKEND = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'mobile', width: 360, height: 780 },
];
const STAFF = { email: 'admin@example.com', password: 'AgoraAdmin123!' };

async function reachable(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return response.ok;
  } catch {
    return false;
  }
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`)),
    );
  });
}

async function startPreview() {
  if (!existsSync(new URL('../dist/index.html', import.meta.url)))
    await run('npm', ['run', 'build']);
  // Vite's own bin, not npx: killing npx would orphan the server and hold the port.
  const vite = new URL('../node_modules/vite/bin/vite.js', import.meta.url).pathname;
  const args = [vite, 'preview', '--host', '127.0.0.1', '--port', '4173', '--strictPort'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  const base = 'http://127.0.0.1:4173';
  for (let i = 0; i < 50 && !(await reachable(base)); i += 1)
    await new Promise((r) => setTimeout(r, 200));
  return { base, stop: () => child.kill('SIGTERM') };
}

async function api(path, { method = 'GET', body, token } = {}) {
  const response = await fetch(`${BACKEND}/api/v1${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/** A fresh, approved vendor on the real stack, for the product form shot. */
async function makeVendor() {
  const email = `shots+${Date.now()}@example.com`;
  const password = 'Screenshot-Password-1!';
  await api('/auth/register/', { method: 'POST', body: { email, password } });
  const tokens = await api('/auth/token/', { method: 'POST', body: { email, password } });
  const vendor = await api('/vendors/', {
    method: 'POST',
    token: tokens.access,
    body: {
      name: `Screenshot Shop ${Date.now()}`,
      description: 'Screenshots',
      contact_email: email,
    },
  });
  const staff = await api('/auth/token/', { method: 'POST', body: STAFF });
  await api(`/moderation/vendors/${vendor.slug}/approve/`, { method: 'POST', token: staff.access });
  return { email, password };
}

const mock = process.env.SCREENSHOTS_MOCK === '1' || !(await reachable(`${BACKEND}/health/`));
const preview = mock ? await startPreview() : null;
const base = preview?.base ?? BACKEND;
console.log(
  mock ? `No backend at ${BACKEND}: using vite preview with a mocked API.` : `Using ${BACKEND}.`,
);

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
});
let vendorLogin = null;
try {
  if (mock) vendorLogin = { email: 'vendor@example.com', password: 'mock' };
  else
    vendorLogin = await makeVendor().catch(
      (error) => (console.warn(`vendor form skipped: ${error.message}`), null),
    );

  let productSlug = 'brass-desk-lamp';
  if (!mock) {
    const list = await api('/products/?page_size=1&in_stock=true');
    productSlug = list.results[0]?.slug ?? productSlug;
  }

  for (const size of WIDTHS) {
    const context = await browser.newContext({
      viewport: { width: size.width, height: size.height },
      deviceScaleFactor: 1,
    });
    if (mock) await createMockApi()(context);
    const page = await context.newPage();
    const shot = async (name) => {
      await page.waitForLoadState('networkidle');
      const file = `${OUT}${name}-${size.name}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(`saved ${file}`);
    };

    await page.goto(`${base}/`);
    await page.getByRole('list', { name: 'Featured products' }).waitFor();
    await shot('home');

    await page.goto(`${base}/products`);
    await page.getByRole('list', { name: 'Products' }).waitFor();
    await shot('listing');

    await page.goto(`${base}/products/${productSlug}`);
    await page.getByRole('button', { name: 'Add to cart' }).waitFor();
    await shot('product');

    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page
      .getByRole('dialog', { name: 'Your cart' })
      .getByRole('link', { name: 'Go to checkout' })
      .waitFor();
    await page.screenshot({ path: `${OUT}cart-${size.name}.png` });
    console.log(`saved ${OUT}cart-${size.name}.png`);
    await page.keyboard.press('Escape');
    if (mock) {
      // a second vendor's product: checkout shows a parcel (and a shipping choice) per vendor
      await page.goto(`${base}/products/stoneware-mug`);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByRole('dialog', { name: 'Your cart' }).waitFor();
      await page.keyboard.press('Escape');
    }

    await page.goto(`${base}/checkout`);
    await page.getByRole('button', { name: 'Place order' }).waitFor();
    await page
      .getByRole('group', { name: /^From / })
      .first()
      .waitFor();
    await shot('checkout');

    if (vendorLogin) {
      // Signed in as the storefront is: the refresh token in the HttpOnly cookie (real stack),
      // and the "signed in" hint in storage; the page renews its access token from the cookie.
      if (!mock) {
        const login = await context.request.post(`${base}/api/v1/auth/token/`, {
          data: { ...vendorLogin, mode: 'cookie' },
        });
        if (!login.ok()) throw new Error(`vendor sign-in: ${login.status()}`);
      }
      const vendorPage = await context.newPage();
      await vendorPage.addInitScript(() =>
        globalThis.localStorage.setItem('agora.session', 'true'),
      );
      await vendorPage.goto(`${base}/vendor/products/${mock ? '7' : 'new'}`);
      await vendorPage.getByRole('form', { name: 'Product details' }).waitFor();
      await vendorPage.waitForLoadState('networkidle');
      await vendorPage.screenshot({
        path: `${OUT}vendor-product-form-${size.name}.png`,
        fullPage: true,
      });
      console.log(`saved ${OUT}vendor-product-form-${size.name}.png`);

      // After sale: the portal's orders, returns and shipping pages (a new vendor's are empty
      // on the real stack), and, mocked, a shopper's order with parcels, a cancellation and a return.
      for (const [name, path, ready] of [
        ['vendor-orders', '/vendor/orders', 'Orders to fulfil'],
        ['vendor-returns', '/vendor/returns', 'Returns'],
        ['vendor-shipping', '/vendor/shipping', 'Policies'],
        ...(mock ? [['order', '/account/orders/AG-7K2M9QX4RT', 'Returns']] : []),
      ]) {
        await vendorPage.goto(`${base}${path}`);
        await vendorPage.getByRole('heading', { name: ready }).waitFor();
        await vendorPage.waitForLoadState('networkidle');
        await vendorPage.screenshot({ path: `${OUT}${name}-${size.name}.png`, fullPage: true });
        console.log(`saved ${OUT}${name}-${size.name}.png`);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
  preview?.stop();
}
