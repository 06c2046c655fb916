import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  test as base,
  expect,
  type APIRequestContext,
  type Page,
  type Response,
} from '@playwright/test';

/**
 * Every journey fails on a Content-Security-Policy violation: the server's strict policy must
 * never block what the storefront does.
 */
export const test = base.extend<{ cspGuard: undefined }>({
  cspGuard: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) violations.push(message.text());
      });
      await use(undefined);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Signed in through the storefront, no token is readable by page script. */
export async function expectNoReadableTokens(page: Page): Promise<void> {
  const readable = await page.evaluate(() => ({
    storage: JSON.stringify(window.localStorage) + JSON.stringify(window.sessionStorage),
    cookies: document.cookie,
  }));
  expect(readable.storage).not.toMatch(/eyJ[\w-]+\.[\w-]+/); // no JWT in storage
  expect(readable.cookies).not.toContain('agora_refresh');
  const cookies = await page.context().cookies();
  const refresh = cookies.find((cookie) => cookie.name === 'agora_refresh');
  expect(refresh, 'the refresh cookie').toBeDefined();
  expect(refresh?.httpOnly).toBe(true);
  expect(refresh?.sameSite).toBe('Strict');
  expect(refresh?.path).toBe('/api/v1/auth/token/refresh/');
}

/**
 * The newest email to `to` whose subject contains `subject`, from the folder the stack's file
 * email backend writes to (scripts/e2e.sh sets E2E_MAIL_DIR), waiting for the worker to send it.
 */
export async function readEmail(to: string, subject: string): Promise<string> {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error('E2E_MAIL_DIR is not set: run the journeys through scripts/e2e.sh');
  let found: string | undefined;
  await expect
    .poll(
      () => {
        if (!existsSync(dir)) return false;
        const messages = readdirSync(dir)
          .sort()
          .flatMap((name) => readFileSync(join(dir, name), 'utf8').split(/^-{79}$/m));
        found = messages
          .reverse()
          .find((text) => text.includes(`To: ${to}`) && text.includes(subject));
        return Boolean(found);
      },
      { message: `an email to ${to} about "${subject}"`, timeout: 30_000 },
    )
    .toBe(true);
  return found as string;
}

/** The first link to `path` in an email's text part. */
export function linkIn(email: string, path: string): string {
  const match = email.match(new RegExp(`https?://[^\\s"<>]+${path}[^\\s"<>]*`));
  if (!match) throw new Error(`no ${path} link in:\n${email}`);
  return match[0];
}

export const STAFF = { email: 'admin@example.com', password: 'AgoraAdmin123!' };
export const SHOPPER = { email: 'shopper@example.com', password: 'AgoraShopper123!' };
/** The demo vendors' owners (seed_demo): Aurora Home Goods and Northwind Audio. */
export const VENDOR_A = { email: 'vendor@example.com', password: 'AgoraVendor123!' };
export const VENDOR_B = { email: 'vendor2@example.com', password: 'AgoraVendor123!' };

/** CSP violations on a page other than the fixture's (a second browser context). */
export function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return violations;
}

/** An amount as the storefront shows it (en-US, the browser's locale here). */
export function eur(amount: string | number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(
    Number(amount),
  );
}

/** Decimal money strings added in cents: "10.10" + "0.20" = "10.30". */
export function addMoney(...amounts: string[]): string {
  const cents = amounts.reduce((sum, amount) => sum + Math.round(Number(amount) * 100), 0);
  return (cents / 100).toFixed(2);
}

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const PASSWORD = 'E2e-Password-123!';

const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** An address nobody else's run will use. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}+${runId}-${Math.random().toString(36).slice(2, 6)}@example.com`;
}

/** Letters only, so full-text search tokenises it as one word. */
export function uniqueWord(prefix: string): string {
  const letters = Array.from({ length: 8 }, () =>
    String.fromCharCode(97 + Math.floor(Math.random() * 26)),
  ).join('');
  return `${prefix}${letters}`;
}

/** Resolves with the first response to `METHOD /api/v1<path>`; start it before the click. */
export function waitForApi(page: Page, method: string, path: string | RegExp): Promise<Response> {
  return page.waitForResponse((response) => {
    if (response.request().method() !== method) return false;
    const pathname = new URL(response.url()).pathname;
    return typeof path === 'string' ? pathname === `/api/v1${path}` : path.test(pathname);
  });
}

export async function expectOk(response: Response): Promise<void> {
  expect(
    response.status(),
    `${response.request().method()} ${response.url()}: ${await response.text()}`,
  ).toBeLessThan(300);
}

export async function staffToken(request: APIRequestContext): Promise<string> {
  const response = await request.post('/api/v1/auth/token/', { data: STAFF });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { access: string }).access;
}

export async function registerThroughUi(
  page: Page,
  email: string,
  next = '/account',
): Promise<void> {
  await page.goto(`/register?next=${encodeURIComponent(next)}`);
  await page.getByLabel('First name').fill('Ee');
  await page.getByLabel('Last name').fill('Tester');
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByLabel(/^Confirm password/).fill(PASSWORD);
  const registered = waitForApi(page, 'POST', '/auth/register/');
  const token = waitForApi(page, 'POST', '/auth/token/');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectOk(await registered);
  await expectOk(await token);
  await page.waitForURL((url) => url.pathname === next);
}

export async function loginThroughUi(
  page: Page,
  credentials: { email: string; password: string },
): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith('/login')) {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Sign in' })
      .click();
  }
  await page.getByLabel(/^Email/).fill(credentials.email);
  await page.getByLabel(/^Password/).fill(credentials.password);
  const token = waitForApi(page, 'POST', '/auth/token/');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectOk(await token);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expectNoReadableTokens(page);
}

/** On a product page: add the preselected variant to the cart and wait for the server. */
export async function addCurrentProductToCart(page: Page): Promise<void> {
  const add = page.getByRole('button', { name: 'Add to cart' });
  await expect(add).toBeEnabled();
  const added = waitForApi(page, 'POST', '/cart/items/');
  await add.click();
  await expectOk(await added);
  await expect(page.getByRole('dialog', { name: 'Your cart' })).toBeVisible();
}

/** Fill the checkout form (dummy gateway), place the order and return its number. */
export async function checkout(page: Page, email?: string): Promise<string> {
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  if (email) await page.getByLabel(/^Email/).fill(email);
  await expect(page.getByLabel(/^Email/)).not.toHaveValue('');
  await page.getByLabel(/^Full name/).fill('Ee Tester');
  await page.getByLabel(/^Address line 1/).fill('Teststraße 1');
  await page.getByLabel(/^Postal code/).fill('10115');
  await page.getByLabel(/^City/).fill('Berlin');
  await page.getByLabel(/^Country/).selectOption('DE');
  await expect(page.getByRole('radio').first()).toBeChecked();
  await expect(page.getByLabel(/^Payment token/)).toHaveValue('tok_visa');
  const placed = waitForApi(page, 'POST', '/checkout/');
  await page.getByRole('button', { name: 'Place order' }).click();
  const response = await placed;
  await expectOk(response);
  expect(response.request().headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  const order = (await response.json()) as { number: string };
  await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  return order.number;
}

// A small valid PNG (a few hundred bytes), built here so no binary sits in the repo.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
export function makePng(width = 48, height = 48): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour RGB
  const rows: number[] = [];
  for (let y = 0; y < height; y += 1) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x += 1) rows.push((x * 5) & 0xff, (y * 5) & 0xff, 160);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
