import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type APIRequestContext } from '@playwright/test';
import {
  PASSWORD,
  addCurrentProductToCart,
  checkout,
  expectOk,
  loginThroughUi,
  registerThroughUi,
  staffToken,
  uniqueEmail,
  uniqueWord,
  waitForApi,
} from './support';

const BACKEND = fileURLToPath(new URL('../../backend/', import.meta.url));
const PYTHON = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));

/** A management command on the stack's database (scripts/e2e.sh exports its settings). */
function manage(...args: string[]): string {
  return execFileSync(PYTHON, ['manage.py', ...args], { cwd: BACKEND, encoding: 'utf8' });
}

async function json<T>(response: Awaited<ReturnType<APIRequestContext['post']>>): Promise<T> {
  expect(response.status(), await response.text()).toBeLessThan(300);
  return (await response.json()) as T;
}

test('vendor connects payouts → shopper buys → vendor ships → hold passes → payout, chart and statement', async ({
  page,
  browser,
  request,
}) => {
  const vendorEmail = uniqueEmail('payee');
  const word = uniqueWord('Payout');
  const productName = `${word} Lantern`;
  let vendorSlug = '';
  let productSlug = '';

  await test.step('an approved vendor with an approved product (through the API)', async () => {
    await json(
      await request.post('/api/v1/auth/register/', {
        data: { email: vendorEmail, password: PASSWORD, first_name: 'Pay', last_name: 'Ee' },
      }),
    );
    const { access } = await json<{ access: string }>(
      await request.post('/api/v1/auth/token/', {
        data: { email: vendorEmail, password: PASSWORD },
      }),
    );
    const asVendor = { Authorization: `Bearer ${access}` };
    const staff = { Authorization: `Bearer ${await staffToken(request)}` };
    vendorSlug = (
      await json<{ slug: string }>(
        await request.post('/api/v1/vendors/', {
          headers: asVendor,
          data: {
            name: `Payout Shop ${word}`,
            description: 'Lanterns.',
            contact_email: vendorEmail,
          },
        }),
      )
    ).slug;
    await json(
      await request.post(`/api/v1/moderation/vendors/${vendorSlug}/approve/`, { headers: staff }),
    );
    const product = await json<{ id: number; slug: string }>(
      await request.post('/api/v1/vendor/products/', {
        headers: asVendor,
        data: {
          name: productName,
          description: 'A lantern that pays its maker.',
          category: 'lighting',
          variants: [
            {
              sku: `SKU-${word}`.toUpperCase().slice(0, 40),
              name: 'Brass',
              price: '40.00',
              stock: 5,
            },
          ],
        },
      }),
    );
    productSlug = product.slug;
    await json(
      await request.post(`/api/v1/vendor/products/${product.id}/submit/`, { headers: asVendor }),
    );
    await json(
      await request.post(`/api/v1/moderation/products/${product.id}/approve/`, { headers: staff }),
    );
  });

  await test.step('the vendor connects payouts through the (dummy) provider’s onboarding', async () => {
    await page.goto('/login?next=/vendor/payouts');
    await loginThroughUi(page, { email: vendorEmail, password: PASSWORD });
    await page.goto('/vendor/payouts');
    await expect(
      page.getByText('Connect a payout account to receive your earnings.'),
    ).toBeVisible();
    const connected = waitForApi(page, 'POST', '/vendor/payout-account/');
    await page.getByRole('button', { name: 'Connect payouts' }).click();
    // the answer's link opens at once (a full page load): only its status can still be read
    expect((await connected).status()).toBe(200);
    await page.waitForURL(/\/vendor\/payouts\/onboarding\?account=acct_dummy_/);
    const completed = waitForApi(page, 'POST', '/vendor/payout-account/dummy-onboarding/');
    await page.getByRole('button', { name: 'Complete test onboarding' }).click();
    await expectOk(await completed);
    await page.waitForURL(/\/vendor\/payouts\?onboarding=return/);
    await expect(page.getByText('Payouts are enabled.')).toBeVisible();
  });

  await test.step('a shopper buys the product', async () => {
    const shopperContext = await browser.newContext();
    const shopper = await shopperContext.newPage();
    await registerThroughUi(shopper, uniqueEmail('buyer'), `/products/${productSlug}`);
    await expect(shopper.getByRole('heading', { level: 1, name: productName })).toBeVisible();
    await addCurrentProductToCart(shopper);
    await shopper
      .getByRole('dialog', { name: 'Your cart' })
      .getByRole('link', { name: 'Go to checkout' })
      .click();
    await checkout(shopper);
    await shopperContext.close();
  });

  await test.step('the vendor ships it once the worker has confirmed the order', async () => {
    await expect(async () => {
      await page.goto('/vendor/orders');
      await expect(page.getByRole('button', { name: 'Ship a parcel' })).toBeVisible({
        timeout: 2_000,
      });
    }).toPass({ timeout: 30_000, intervals: [1_000, 2_000] });
    await page.getByRole('button', { name: 'Ship a parcel' }).click();
    // the parcel holds everything left by default: one parcel ships the whole sub-order
    const form = page.getByRole('form', { name: /^Ship a parcel of order / });
    await form.getByLabel('Carrier').fill('DHL');
    await form.getByLabel('Tracking number').fill('TRACK-PAYOUT-1');
    const shipped = waitForApi(page, 'POST', /\/vendor\/orders\/\d+\/parcels\/$/);
    await form.getByRole('button', { name: 'Ship parcel' }).click();
    await expectOk(await shipped);
  });

  // The vendor earns 40.00 less 10 % commission, plus the 4.90 the shopper paid for its parcel
  // (shipping is the vendor's, without commission by default): 40.90; its gross sales are 44.90.
  await test.step('while the sale is held, it is pending and nothing is paid', async () => {
    await page.goto('/vendor/payouts');
    const balance = page.getByRole('list', { name: 'Balance in EUR' });
    await expect(balance.getByRole('listitem').filter({ hasText: 'Pending' })).toContainText(
      '40.90',
    );
    expect(manage('payouts_run', '--vendor', vendorSlug)).toContain('Created 0 payout(s)');
  });

  await test.step('the hold passes: the payout run pays the vendor', () => {
    expect(manage('payouts_run', '--now', '+8d', '--vendor', vendorSlug)).toContain(
      'Created 1 payout(s)',
    );
  });

  await test.step('the payout shows on the Payouts page, with the chart', async () => {
    await page.reload();
    const payouts = page.getByRole('table', { name: 'Payouts' });
    await expect(payouts.getByRole('row').nth(1)).toContainText('40.90');
    await expect(payouts.getByRole('row').nth(1)).toContainText('Paid');
    const balance = page.getByRole('list', { name: 'Balance in EUR' });
    await expect(balance.getByRole('listitem').filter({ hasText: 'Paid out' })).toContainText(
      '40.90',
    );
    const chart = page.getByRole('img', { name: /Daily sales and payouts/ });
    await expect(chart).toBeVisible();
    await expect(chart).toHaveAccessibleName(/44\.90 sold, .*40\.90 paid out/);
    await expect(page.getByRole('table', { name: 'Ledger' })).toContainText('Sale');
  });

  await test.step('the monthly statement downloads as CSV and PDF', async () => {
    const month = new Date().toISOString().slice(0, 7);
    await page.getByLabel('Month', { exact: true }).selectOption(month);
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe(`statement-${vendorSlug}-${month}.csv`);
    const text = readFileSync((await csv.path()) ?? '', 'utf8');
    expect(text).toContain('sale,40.00,EUR');
    expect(text).toContain('shipping_share,4.90,EUR');
    expect(text).toContain('payout,-40.90,EUR');
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toBe(`statement-${vendorSlug}-${month}.pdf`);
    expect(
      readFileSync((await pdf.path()) ?? '')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });
});
