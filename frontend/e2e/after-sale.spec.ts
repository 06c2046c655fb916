import type { APIRequestContext, Browser, Locator, Page } from '@playwright/test';
import {
  STAFF,
  VENDOR_A,
  VENDOR_B,
  addCurrentProductToCart,
  addMoney,
  escapeRegExp,
  eur,
  expect,
  expectOk,
  loginThroughUi,
  readEmail,
  registerThroughUi,
  staffToken,
  test,
  uniqueEmail,
  uniqueWord,
  waitForApi,
  watchCsp,
} from './support';

/** The demo vendors (seed_demo): A ships with the platform's methods, B with its own. */
const A = { slug: 'aurora-home-goods', name: 'Aurora Home Goods', login: VENDOR_A };
const B = { slug: 'northwind-audio', name: 'Northwind Audio', login: VENDOR_B };

type Pick = { slug: string; name: string; variant: string; price: string };
type OrderLine = {
  id: number;
  product_name: string;
  variant_name: string;
  unit_price: string;
  quantity: number;
};
type SubOrder = {
  id: number;
  vendor: { slug: string; name: string };
  subtotal: string;
  shipping: string;
  shipping_method: string;
  lines: OrderLine[];
};
type PlacedOrder = { number: string; total: string; shipping: string; vendor_orders: SubOrder[] };

/**
 * Products of a vendor whose preselected option (the first in stock) has at least `stock`
 * units: the product page adds that one.
 */
async function pickProducts(
  request: APIRequestContext,
  vendor: string,
  count: number,
  stock: number,
): Promise<Pick[]> {
  const listing = await request.get(
    `/api/v1/products/?vendor=${vendor}&in_stock=true&page_size=100`,
  );
  expect(listing.status()).toBe(200);
  const { results } = (await listing.json()) as { results: { slug: string }[] };
  const picks: Pick[] = [];
  for (const { slug } of results) {
    const detail = (await (await request.get(`/api/v1/products/${slug}/`)).json()) as {
      name: string;
      variants: { name: string; price: string; stock_available: number }[];
    };
    const first = detail.variants.find((v) => v.stock_available > 0);
    // distinct names: the journey finds order lines by product name
    if (first && first.stock_available >= stock && !picks.some((p) => p.name === detail.name)) {
      picks.push({ slug, name: detail.name, variant: first.name, price: first.price });
    }
    if (picks.length === count) return picks;
  }
  throw new Error(`${vendor}: fewer than ${count} products with ${stock} units in stock`);
}

async function signedInPage(browser: Browser, login: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const csp = watchCsp(page);
  await page.goto('/login');
  await loginThroughUi(page, login);
  return { context, page, csp };
}

/** The value next to a label in a sub-order's facts (`<dt>label</dt><dd>value</dd>`). */
const fact = (container: Locator, label: string) =>
  container
    .locator('.sub-order__facts > div', {
      has: container.page().locator('dt', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    })
    .locator('dd');

/** The amount of a row of the order's totals on the shopper's page. */
const totalsRow = (page: Page, label: RegExp) =>
  page.getByLabel('Order totals').locator('div', { has: page.locator('dt', { hasText: label }) });

/** What staff see in the admin: the order's total, what was refunded and each sub-order. */
async function staffSees(page: Page, number: string) {
  await page.goto(`/admin/orders/order/?q=${number}`);
  await page.getByRole('link', { name: number, exact: true }).click();
  await page.waitForURL((url) => /^\/admin\/orders\/order\/\d+\/change\/$/.test(url.pathname));
  await expect(page.locator('#vendor_orders-group tr.dynamic-vendor_orders')).toHaveCount(2);
  const cell = (row: Locator, field: string) => row.locator(`td.field-${field}`);
  const subOrders: Record<string, { status: string; subtotal: string; shipping: string }> = {};
  for (const row of await page.locator('#vendor_orders-group tr.dynamic-vendor_orders').all()) {
    const vendor = (await cell(row, 'vendor').innerText()).trim();
    subOrders[vendor] = {
      status: (await cell(row, 'status').innerText()).trim(),
      subtotal: (await cell(row, 'subtotal').innerText()).trim(),
      shipping: (await cell(row, 'shipping_total').innerText()).trim(),
    };
  }
  return {
    status: (await page.locator('.field-status .readonly').innerText()).trim(),
    total: (await page.locator('.field-total .readonly').innerText()).trim(),
    refunded: (
      await page.locator('#payments-group tr.dynamic-payments td.field-amount_refunded').innerText()
    ).trim(),
    subOrders,
  };
}

test('two vendors with their own methods → A ships in two parcels → B cancels a line → the shopper returns a line of A → A refunds it; shopper, vendors and staff see the same totals', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(300_000);
  const run = uniqueWord('').slice(0, 6);
  const shopperEmail = uniqueEmail('aftersale');
  const methodName = `E2E Parcel ${run}`;
  const methodCode = `e2e-${run}`;
  // A: two lamps of one product (two units, two parcels between the lines) and one other;
  // B: two products, one of which it cannot ship after all.
  const [a1, a2] = (await pickProducts(request, A.slug, 2, 3)) as [Pick, Pick];
  const [b1, b2] = (await pickProducts(request, B.slug, 2, 2)) as [Pick, Pick];

  const vendorA = await signedInPage(browser, A.login);
  const vendorB = await signedInPage(browser, B.login);
  const staff = await browser.newContext();
  const staffPage = await staff.newPage();
  await staffPage.goto('/admin/login/');
  await staffPage.locator('#id_username').fill(STAFF.email);
  await staffPage.locator('#id_password').fill(STAFF.password);
  await staffPage.locator('input[type="submit"]').click();
  await staffPage.waitForURL((url) => url.pathname === '/admin/');
  const staffApi = { Authorization: `Bearer ${await staffToken(request)}` };

  let order = {} as PlacedOrder;
  const sub = (vendor: { slug: string }) =>
    order.vendor_orders.find((vo) => vo.vendor.slug === vendor.slug) as SubOrder;
  const line = (vendor: { slug: string }, pick: Pick) =>
    sub(vendor).lines.find((l) => l.product_name === pick.name) as OrderLine;
  const vendorLineName = (l: OrderLine) => `${l.product_name} (${l.variant_name})`;

  /**
   * At each step the shopper's order page, each vendor's orders page and the admin agree:
   * the order total, what was refunded, and each vendor's part (items, shipping, status).
   */
  async function totalsAgree(
    refunded: string,
    status: { order: string; [vendorSlug: string]: string },
  ) {
    await test.step(`shopper sees total ${order.total}, refunded ${refunded}`, async () => {
      await page.goto(`/account/orders/${order.number}`);
      await expect(totalsRow(page, /^Total$/)).toContainText(eur(order.total));
      if (Number(refunded) > 0) {
        await expect(totalsRow(page, /^Refunded$/)).toContainText(eur(refunded));
      } else {
        await expect(totalsRow(page, /^Refunded$/)).toHaveCount(0);
      }
      await expect(
        page.getByText('Status', { exact: true }).locator('xpath=following-sibling::dd[1]'),
      ).toHaveText(status.order);
      for (const vendor of [A, B]) {
        const part = page.getByRole('region', { name: `Shipment from ${vendor.name}` });
        await expect(fact(part, 'Items')).toHaveText(eur(sub(vendor).subtotal));
        await expect(fact(part, 'Shipping')).toHaveText(
          `${sub(vendor).shipping_method} · ${eur(sub(vendor).shipping)}`,
        );
        await expect(part.locator('.badge').first()).toHaveText(status[vendor.slug] ?? '');
      }
    });
    for (const [vendor, portal] of [
      [A, vendorA],
      [B, vendorB],
    ] as const) {
      await test.step(`${vendor.name} sees its part and the refunded total`, async () => {
        await portal.page.goto('/vendor/orders');
        const item = portal.page.getByRole('listitem', { name: `Order ${order.number}` });
        await expect(fact(item, 'Items')).toHaveText(eur(sub(vendor).subtotal));
        await expect(fact(item, 'Shipping')).toHaveText(
          `${sub(vendor).shipping_method} · ${eur(sub(vendor).shipping)}`,
        );
        await expect(item.locator('.badge').last()).toHaveText(status[vendor.slug] ?? '');
        if (Number(refunded) > 0) {
          await expect(fact(item, 'Refunded on the order')).toHaveText(eur(refunded));
        } else {
          await expect(fact(item, 'Refunded on the order')).toHaveCount(0);
        }
      });
    }
    await test.step('staff see the same in the admin', async () => {
      const seen = await staffSees(staffPage, order.number);
      expect(seen.total).toBe(order.total);
      expect(seen.refunded).toBe(refunded);
      expect(seen.status.toLowerCase()).toBe(status.order.toLowerCase());
      for (const vendor of [A, B]) {
        expect(seen.subOrders[vendor.name]).toEqual({
          status: status[vendor.slug],
          subtotal: sub(vendor).subtotal,
          shipping: sub(vendor).shipping,
        });
      }
    });
  }

  try {
    await test.step('vendor B adds its own shipping method (Germany and Austria only)', async () => {
      const p = vendorB.page;
      await p.goto('/vendor/shipping');
      await p.getByRole('button', { name: 'New method' }).click();
      const form = p.getByRole('form', { name: 'New shipping method' });
      await form.getByLabel(/^Name/).fill(methodName);
      await form.getByLabel(/^Code/).fill(methodCode);
      await form.getByLabel(/^Price/).fill('5.50');
      await form.getByLabel(/^Ships to/).fill('de, at');
      await form.getByLabel(/^Delivery from/).fill('2');
      await form.getByLabel(/^Delivery up to/).fill('4');
      const created = waitForApi(p, 'POST', '/vendor/shipping-methods/');
      await form.getByRole('button', { name: 'Add method' }).click();
      await expectOk(await created);
      await expect(p.getByRole('listitem', { name: methodName })).toContainText('ships to AT, DE');
    });

    await test.step('a new shopper fills the cart from both vendors', async () => {
      await registerThroughUi(page, shopperEmail);
      for (const [pick, quantity] of [
        [a1, 2],
        [a2, 1],
        [b1, 1],
        [b2, 1],
      ] as const) {
        await page.goto(`/products/${pick.slug}`);
        await page.getByLabel('Quantity').fill(String(quantity));
        await addCurrentProductToCart(page);
        await page.keyboard.press('Escape');
      }
    });

    await test.step('checkout: each vendor ships its way; B does not ship to the US', async () => {
      await page.goto('/checkout');
      await page.getByLabel(/^Full name/).fill('Ee Tester');
      await page.getByLabel(/^Address line 1/).fill('Teststraße 1');
      await page.getByLabel(/^Postal code/).fill('10115');
      await page.getByLabel(/^City/).fill('Berlin');
      const groupA = page.getByRole('group', { name: `From ${A.name}` });
      const groupB = page.getByRole('group', { name: `From ${B.name}` });
      const bMethod = groupB.getByRole('radio', { name: new RegExp(`^${methodName}`) });
      await expect(bMethod).toBeEnabled();
      await expect(bMethod).toHaveAccessibleDescription('Arrives in 2–4 days');

      const us = waitForApi(page, 'GET', '/cart/shipping-options/');
      await page.getByLabel(/^Country/).selectOption('US');
      await expectOk(await us);
      await expect(bMethod).toBeDisabled();
      await expect(bMethod).toHaveAccessibleDescription(/^Does not ship to United States/);
      await expect(groupB).toContainText(`${B.name} does not ship to United States`);
      await page.getByLabel(/^Country/).selectOption('DE');
      await expect(bMethod).toBeEnabled();

      await groupA.getByRole('radio', { name: /^Express/ }).check();
      await bMethod.check();
      const summary = page.getByRole('complementary', { name: 'Order summary' });
      const row = (label: string) =>
        summary.locator('dl > div', {
          has: page.locator('dt', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
        });
      await expect(row(`Shipping from ${A.name}`)).toContainText(eur('9.90'));
      await expect(row(`Shipping from ${B.name}`)).toContainText(eur('5.50'));
      const shownTotal = (await row('Total').locator('dd').innerText()).trim();

      const placed = waitForApi(page, 'POST', '/checkout/');
      await page.getByRole('button', { name: 'Place order' }).click();
      const response = await placed;
      await expectOk(response);
      expect(response.request().postDataJSON()).toMatchObject({
        shipping_methods: [
          { vendor: A.slug, method: 'express' },
          { vendor: B.slug, method: methodCode },
        ],
      });
      order = (await response.json()) as PlacedOrder;
      await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
      // what the summary promised is what was charged: each vendor's parcel, and the total
      expect(shownTotal).toBe(eur(order.total));
      expect(sub(A).shipping).toBe('9.90');
      expect(sub(B).shipping).toBe('5.50');
      expect(order.shipping).toBe('15.40');
      expect(sub(B).shipping_method).toBe(methodName);
    });

    await test.step('both sub-orders are confirmed by the worker', async () => {
      for (const portal of [vendorA, vendorB]) {
        await expect(async () => {
          await portal.page.goto('/vendor/orders');
          await expect(
            portal.page
              .getByRole('listitem', { name: `Order ${order.number}` })
              .getByRole('button', { name: 'Ship a parcel' }),
          ).toBeVisible({ timeout: 2_000 });
        }).toPass({ timeout: 30_000, intervals: [1_000, 2_000] });
      }
    });

    await totalsAgree('0.00', {
      order: 'Processing',
      [A.slug]: 'Processing',
      [B.slug]: 'Processing',
    });

    await test.step('vendor A ships its part in two parcels with tracking', async () => {
      const p = vendorA.page;
      await p.goto('/vendor/orders');
      const item = p.getByRole('listitem', { name: `Order ${order.number}` });
      const parcels = [
        { carrier: 'DHL', tracking: `DHL${run}1`, keep: line(A, a1), skip: line(A, a2) },
        { carrier: 'UPS', tracking: `UPS${run}2`, keep: line(A, a2), skip: null },
      ];
      for (const parcel of parcels) {
        await item.getByRole('button', { name: 'Ship a parcel' }).click();
        const form = item.getByRole('form', { name: `Ship a parcel of order ${order.number}` });
        // all that is left goes by default: the first parcel leaves the second line out
        await expect(
          form.getByRole('spinbutton', {
            name: `Units in the parcel of ${vendorLineName(parcel.keep)}`,
          }),
        ).toHaveValue(String(parcel.keep.quantity));
        if (parcel.skip) {
          await form
            .getByRole('spinbutton', {
              name: `Units in the parcel of ${vendorLineName(parcel.skip)}`,
            })
            .fill('0');
        }
        await form.getByLabel('Carrier').fill(parcel.carrier);
        await form.getByLabel('Tracking number').fill(parcel.tracking);
        await form
          .getByLabel('Tracking link')
          .fill(`https://tracking.example.com/${parcel.tracking}`);
        const shipped = waitForApi(p, 'POST', `/vendor/orders/${sub(A).id}/parcels/`);
        await form.getByRole('button', { name: 'Ship parcel' }).click();
        const response = await shipped;
        await expectOk(response);
        expect(response.request().postDataJSON()).toMatchObject({
          lines: [{ line: parcel.keep.id, quantity: parcel.keep.quantity }],
        });
      }
      await expect(
        item.getByRole('list', { name: `Parcels of order ${order.number}` }),
      ).toContainText(`UPS · UPS${run}2`);
      await readEmail(shopperEmail, `${A.name} shipped a parcel of order ${order.number}`);
      await readEmail(shopperEmail, `${A.name} shipped your items of order ${order.number}`);
    });

    await test.step('the shopper sees both parcels with tracking links', async () => {
      await page.goto(`/account/orders/${order.number}`);
      const parcels = page.getByRole('list', { name: `Parcels from ${A.name}` });
      await expect(parcels.getByRole('listitem')).toHaveCount(2);
      await expect(parcels.getByRole('listitem').first()).toContainText(
        `DHL · tracking number DHL${run}1`,
      );
      await expect(parcels.getByRole('link', { name: 'Track parcel 2' })).toHaveAttribute(
        'href',
        `https://tracking.example.com/UPS${run}2`,
      );
    });

    await totalsAgree('0.00', {
      order: 'Processing',
      [A.slug]: 'Shipped',
      [B.slug]: 'Processing',
    });

    const cancelled = line(B, b2);
    await test.step('vendor B cancels a line it cannot ship: that part is refunded', async () => {
      const p = vendorB.page;
      await p.goto('/vendor/orders');
      const item = p.getByRole('listitem', { name: `Order ${order.number}` });
      await item.getByRole('button', { name: 'Cancel lines' }).click();
      const form = item.getByRole('form', { name: `Cancel lines of order ${order.number}` });
      await form
        .getByRole('spinbutton', { name: `Units to cancel of ${vendorLineName(cancelled)}` })
        .fill('1');
      await form.getByLabel(/^Reason/).fill('The last one was damaged in the warehouse.');
      const done = waitForApi(p, 'POST', `/vendor/orders/${sub(B).id}/cancel-lines/`);
      await form.getByRole('button', { name: 'Cancel these items' }).click();
      await expectOk(await done);
      await expect(item).toContainText(`${vendorLineName(cancelled)} — 1 cancelled`);
      await readEmail(shopperEmail, `${B.name} cancelled part of your order ${order.number}`);
    });

    const afterCancel = cancelled.unit_price;
    await totalsAgree(afterCancel, {
      order: 'Partially refunded',
      [A.slug]: 'Shipped',
      [B.slug]: 'Processing',
    });

    const returned = line(A, a1);
    let returnId = 0;
    await test.step('the shopper returns one unit of a line from A', async () => {
      await page.goto(`/account/orders/${order.number}`);
      const part = page.getByRole('region', { name: `Shipment from ${B.name}` });
      await expect(part).toContainText('1 cancelled by the seller');
      await page.getByRole('button', { name: 'Return items' }).click();
      const form = page.getByRole('form', { name: 'Return items' });
      await form
        .getByLabel(
          new RegExp(`^${escapeRegExp(`${returned.product_name} — ${returned.variant_name}`)}`),
        )
        .fill('1');
      await form.getByLabel(/^Why are you returning them/).fill('Two were one too many.');
      const asked = waitForApi(page, 'POST', `/orders/${order.number}/returns/`);
      await form.getByRole('button', { name: 'Request return' }).click();
      const response = await asked;
      await expectOk(response);
      returnId = ((await response.json()) as { id: number }).id;
      await expect(page.getByText(`Your return request went to ${A.name}`)).toBeVisible();
      await expect(page.getByRole('listitem', { name: `Return ${returnId}` })).toContainText(
        `Waiting for ${A.name} to answer.`,
      );
    });

    await test.step('vendor A approves it, then refunds it on receipt and restocks', async () => {
      const p = vendorA.page;
      await p.goto('/vendor/returns?status=requested');
      const item = p.getByRole('listitem', { name: `Return ${returnId}` });
      await expect(item).toContainText(`order ${order.number}`);
      const approved = waitForApi(p, 'POST', `/vendor/returns/${returnId}/approve/`);
      await item.getByRole('button', { name: 'Approve return' }).click();
      await expectOk(await approved);
      await p.goto('/vendor/returns?status=approved');
      await item.getByRole('button', { name: 'Items received: refund' }).click();
      const form = item.getByRole('form', { name: `Refund return ${returnId}` });
      await expect(form.getByLabel('Amount to refund')).toHaveAccessibleDescription(
        new RegExp(`full value, ${escapeRegExp(eur(returned.unit_price))}`),
      );
      await form.getByLabel(/restock/).check();
      const refunded = waitForApi(p, 'POST', `/vendor/returns/${returnId}/refund/`);
      await form.getByRole('button', { name: 'Refund' }).click();
      await expectOk(await refunded);
      await p.goto('/vendor/returns?status=refunded');
      await expect(item).toContainText(`Refunded ${eur(returned.unit_price)} · restocked`);
      await readEmail(shopperEmail, `Refund for your return #${returnId}`);
    });

    await test.step('staff find the refunded return with its amount', async () => {
      const answer = await request.get(
        '/api/v1/moderation/returns/?status=refunded&page_size=100',
        {
          headers: staffApi,
        },
      );
      expect(answer.status()).toBe(200);
      const { results } = (await answer.json()) as {
        results: { id: number; order_number: string; refund: { amount: string } | null }[];
      };
      expect(results.find((r) => r.id === returnId)).toMatchObject({
        order_number: order.number,
        refund: { amount: returned.unit_price },
      });
    });

    await totalsAgree(addMoney(afterCancel, returned.unit_price), {
      order: 'Partially refunded',
      [A.slug]: 'Shipped',
      [B.slug]: 'Processing',
    });

    await test.step('the shopper sees the return refunded', async () => {
      await page.goto(`/account/orders/${order.number}`);
      const item = page.getByRole('listitem', { name: `Return ${returnId}` });
      await expect(item).toContainText(`Refunded ${eur(returned.unit_price)}`);
      await expect(item).toContainText(`${A.name} received the items and refunded you.`);
    });

    await test.step('vendor B removes its method again', async () => {
      const p = vendorB.page;
      await p.goto('/vendor/shipping');
      const method = p.getByRole('listitem', { name: methodName });
      await method.getByRole('button', { name: 'Delete', exact: true }).click();
      const deleted = waitForApi(p, 'DELETE', /\/vendor\/shipping-methods\/\d+\/$/);
      await method.getByRole('button', { name: `Delete ${methodName} for good` }).click();
      expect((await deleted).status()).toBe(204);
      await expect(method).toHaveCount(0);
    });

    expect([...vendorA.csp, ...vendorB.csp], 'Content-Security-Policy violations').toEqual([]);
  } finally {
    // A failed run must not leave B shipping only to DE/AT for the journeys after this one.
    const token = await request.post('/api/v1/auth/token/', { data: B.login });
    const headers = {
      Authorization: `Bearer ${((await token.json()) as { access: string }).access}`,
    };
    const mine = await request.get('/api/v1/vendor/shipping-methods/', { headers });
    for (const method of (await mine.json()) as { id: number; code: string }[]) {
      if (method.code === methodCode) {
        await request.delete(`/api/v1/vendor/shipping-methods/${method.id}/`, { headers });
      }
    }
    await Promise.all([vendorA.context.close(), vendorB.context.close(), staff.close()]);
  }
});
