import {
  PASSWORD,
  addCurrentProductToCart,
  checkout,
  expect,
  expectOk,
  loginThroughUi,
  makePng,
  registerThroughUi,
  staffToken,
  test,
  uniqueEmail,
  uniqueWord,
  waitForApi,
} from './support';
import type { APIResponse } from '@playwright/test';

async function json<T>(response: APIResponse): Promise<T> {
  expect(response.status(), await response.text()).toBeLessThan(300);
  return (await response.json()) as T;
}

test('a shopper from a search engine buys, reviews; staff approves; the rating shows in search; the vendor page and a guest wishlist', async ({
  page,
  browser,
  request,
}) => {
  const vendorEmail = uniqueEmail('maker');
  const shopperEmail = uniqueEmail('reviewer');
  const word = uniqueWord('Starry');
  const productName = `${word} Reading Lamp`;
  const shopName = `Star Shop ${word}`;
  let vendorSlug = '';
  let productSlug = '';
  const staff = { Authorization: `Bearer ${await staffToken(request)}` };

  await test.step('an approved vendor with an approved product (through the API)', async () => {
    await json(
      await request.post('/api/v1/auth/register/', {
        data: { email: vendorEmail, password: PASSWORD, first_name: 'Mae', last_name: 'Ker' },
      }),
    );
    const { access } = await json<{ access: string }>(
      await request.post('/api/v1/auth/token/', {
        data: { email: vendorEmail, password: PASSWORD },
      }),
    );
    const asVendor = { Authorization: `Bearer ${access}` };
    vendorSlug = (
      await json<{ slug: string }>(
        await request.post('/api/v1/vendors/', {
          headers: asVendor,
          data: { name: shopName, description: 'Lamps to read by.', contact_email: vendorEmail },
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
          description: 'A lamp that earns its stars.',
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

  await test.step('the served HTML carries the title and JSON-LD before any script runs', async () => {
    const response = await request.get(`/products/${productSlug}`);
    expect(response.status()).toBe(200);
    const html = await response.text();
    expect(html).toContain(`<title>${productName}`);
    const ld = [...html.matchAll(/<script type="application\/ld\+json"[^>]*>([\s\S]*?)<\/script>/g)]
      .map((m) => JSON.parse(m[1] ?? 'null') as Record<string, unknown>)
      .flatMap((data) => (Array.isArray(data['@graph']) ? data['@graph'] : [data])) as Record<
      string,
      unknown
    >[];
    const productLd = ld.find((item) => item['@type'] === 'Product');
    expect(productLd?.name).toBe(productName);
    expect(JSON.stringify(productLd?.offers)).toContain('40.00');
    expect((await request.get('/products/no-such-product-anywhere')).status()).toBe(404);

    // And with scripts off, the browser shows the same title.
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const still = await noScript.newPage();
    await still.goto(`/products/${productSlug}`);
    await expect(still).toHaveTitle(new RegExp(productName));
    await noScript.close();
  });

  const shopperContext = await browser.newContext();
  const shopper = await shopperContext.newPage();

  await test.step('the shopper lands on the product page and buys it', async () => {
    await registerThroughUi(shopper, shopperEmail, `/products/${productSlug}`);
    await expect(shopper.getByRole('heading', { level: 1, name: productName })).toBeVisible();
    await expect(shopper.getByText('No reviews yet', { exact: true })).toBeVisible();
    await addCurrentProductToCart(shopper);
    await shopper
      .getByRole('dialog', { name: 'Your cart' })
      .getByRole('link', { name: 'Go to checkout' })
      .click();
    await checkout(shopper);
  });

  await test.step('the vendor ships it once the worker has confirmed the order', async () => {
    await page.goto('/login?next=/vendor/orders');
    await loginThroughUi(page, { email: vendorEmail, password: PASSWORD });
    await expect(async () => {
      await page.goto('/vendor/orders');
      await expect(page.getByRole('button', { name: 'Mark as shipped' })).toBeVisible({
        timeout: 2_000,
      });
    }).toPass({ timeout: 30_000, intervals: [1_000, 2_000] });
    await page.getByRole('button', { name: 'Mark as shipped' }).click();
    await page.getByLabel('Tracking number').fill('TRACK-STARS-1');
    const shipped = waitForApi(page, 'POST', /\/vendor\/orders\/\d+\/ship\/$/);
    await page.getByRole('button', { name: 'Confirm shipment' }).click();
    await expectOk(await shipped);
  });

  let reviewId = 0;
  await test.step('the shopper reviews what shipped, with a photo', async () => {
    await shopper.goto('/account/reviews');
    const toReview = shopper.getByRole('list', { name: 'Purchases to review' });
    await toReview
      .getByRole('listitem')
      .filter({ hasText: productName })
      .getByRole('button', { name: 'Write a review' })
      .click();
    await shopper.getByLabel('Rating').selectOption('4');
    await shopper.getByRole('textbox', { name: /Title/ }).fill('Warm and steady');
    await shopper.getByRole('textbox', { name: /Your review/ }).fill('Reads well at night.');
    await shopper
      .getByLabel('Photos (optional)')
      .setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: makePng() });
    const created = waitForApi(shopper, 'POST', '/me/reviews/');
    const photo = waitForApi(shopper, 'POST', /\/me\/reviews\/\d+\/photos\/$/);
    await shopper.getByRole('button', { name: 'Submit review' }).click();
    const response = await created;
    await expectOk(response);
    await expectOk(await photo);
    reviewId = ((await response.json()) as { id: number }).id;
    await expect(shopper.getByText('Thank you! Your review is saved.')).toBeVisible();
    await expect(
      shopper.getByRole('list', { name: 'Your reviews' }).getByText('Pending'),
    ).toBeVisible();
  });

  await test.step('staff approve it from the moderation queue', async () => {
    const queue = await json<{ results: { id: number; actions: string[] }[] }>(
      await request.get('/api/v1/moderation/reviews/?page_size=100', { headers: staff }),
    );
    expect(queue.results.find((r) => r.id === reviewId)?.actions).toContain('approve');
    await json(
      await request.post(`/api/v1/moderation/reviews/${reviewId}/approve/`, { headers: staff }),
    );
  });

  await test.step('the rating appears on the card in search results', async () => {
    await expect(async () => {
      const searched = waitForApi(shopper, 'GET', '/search/');
      await shopper.goto(`/search?q=${encodeURIComponent(word)}`);
      await searched;
      const card = shopper
        .getByRole('list', { name: 'Search results' })
        .getByRole('listitem')
        .filter({ hasText: productName });
      await expect(card.getByRole('img', { name: 'Rated 4.0 out of 5, 1 review' })).toBeVisible({
        timeout: 2_000,
      });
    }).toPass({ timeout: 30_000, intervals: [1_000, 2_000] });
  });

  await test.step('the product page shows the review with its photo', async () => {
    await shopper.goto(`/products/${productSlug}`);
    const reviews = shopper.getByRole('list', { name: 'Reviews' });
    await expect(reviews.getByText('Warm and steady')).toBeVisible();
    await expect(reviews.getByText(/Verified purchase/)).toBeVisible();
    await expect(reviews.getByRole('img', { name: /review/ })).toBeVisible();
  });

  await test.step("the vendor page lists only that vendor's products", async () => {
    await shopper.getByRole('link', { name: shopName }).first().click();
    await shopper.waitForURL(`**/vendors/${vendorSlug}`);
    await expect(shopper.getByRole('heading', { level: 1, name: shopName })).toBeVisible();
    await expect(
      shopper.getByRole('img', { name: 'Rated 4.0 out of 5, 1 review' }).first(),
    ).toBeVisible();
    const grid = shopper.getByRole('list', { name: `Products by ${shopName}` });
    await expect(grid.getByRole('link', { name: productName })).toBeVisible();
    const cards = grid.getByRole('listitem');
    await expect(cards).toHaveCount(1);
    await expect(cards.first()).toContainText(`by ${shopName}`);
  });
  await shopperContext.close();

  await test.step("a guest's wishlist hearts survive sign-in", async () => {
    const guestContext = await browser.newContext();
    const guest = await guestContext.newPage();
    await guest.goto(`/products/${productSlug}`);
    await guest.getByRole('button', { name: /Save .* to your wishlist/ }).click();
    await expect(guest.getByRole('button', { name: /Remove .* from your wishlist/ })).toBeVisible();
    await guest.reload();
    await expect(guest.getByRole('button', { name: /Remove .* from your wishlist/ })).toBeVisible();
    const merged = waitForApi(guest, 'POST', '/me/wishlist/merge/');
    await guest.goto('/login');
    await loginThroughUi(guest, { email: shopperEmail, password: PASSWORD });
    await expectOk(await merged);
    await guest.goto('/account/wishlist');
    const saved = guest.getByRole('list', { name: 'Saved products' });
    await expect(saved.getByRole('link', { name: productName })).toBeVisible();
    await guestContext.close();
  });
});
