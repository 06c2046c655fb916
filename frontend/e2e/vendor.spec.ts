import {
  expect,
  test,
  expectOk,
  makePng,
  registerThroughUi,
  staffToken,
  uniqueEmail,
  uniqueWord,
  waitForApi,
} from './support';

test('vendor applies → staff approves → product with image → approved → listed and searchable', async ({
  page,
  request,
}) => {
  const email = uniqueEmail('vendor');
  const shopName = `E2E Shop ${uniqueWord('')}`;
  const word = uniqueWord('Lampwright');
  const productName = `${word} Desk Lamp`;
  let vendorSlug = '';
  let productId = 0;

  await test.step('a new user applies to become a vendor', async () => {
    await registerThroughUi(page, email, '/vendor');
    await expect(page.getByRole('heading', { name: 'Become a vendor' })).toBeVisible();
    await page.getByLabel(/^Shop name/).fill(shopName);
    await page.getByLabel(/^What do you sell/).fill('Lamps made for end-to-end tests.');
    await expect(page.getByLabel(/^Contact email/)).toHaveValue(email);
    const applied = waitForApi(page, 'POST', '/vendors/');
    await page.getByRole('button', { name: 'Apply' }).click();
    const response = await applied;
    await expectOk(response);
    vendorSlug = ((await response.json()) as { slug: string }).slug;
    await expect(page.getByText(/your application is under review/)).toBeVisible();
  });

  const staff = await staffToken(request);
  const asStaff = { Authorization: `Bearer ${staff}` };

  await test.step('staff approves the vendor through the API', async () => {
    const approved = await request.post(`/api/v1/moderation/vendors/${vendorSlug}/approve/`, {
      headers: asStaff,
    });
    expect(approved.status(), await approved.text()).toBeLessThan(300);
  });

  await test.step('the vendor creates a product with an option', async () => {
    await page.reload();
    const portal = page.getByRole('navigation', { name: 'Vendor portal' });
    await expect(portal).toBeVisible();
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel(/^Product name/).fill(productName);
    await page.getByLabel(/^Description/).fill('A lamp that only exists in a test run.');
    const category = page.getByLabel(/^Category/);
    const firstCategory = await category.locator('option').nth(1).getAttribute('value');
    await category.selectOption(firstCategory ?? '');
    const option = page.getByRole('listitem', { name: 'Option 1' });
    await option.getByLabel(/^SKU/).fill(`SKU-${word}`.toUpperCase().slice(0, 40));
    await option.getByLabel(/^Price/).fill('24.50');
    await option.getByLabel(/^Stock/).fill('7');
    const created = waitForApi(page, 'POST', '/vendor/products/');
    await page.getByRole('button', { name: 'Create product' }).click();
    const response = await created;
    await expectOk(response);
    productId = ((await response.json()) as { id: number }).id;
    await page.waitForURL(`**/vendor/products/${productId}`);
  });

  await test.step('uploads an image with a preview and submits for review', async () => {
    await page
      .getByLabel('Add an image')
      .setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: makePng() });
    await expect(page.getByRole('img', { name: 'Preview of the chosen file' })).toBeVisible();
    const uploaded = waitForApi(page, 'POST', `/vendor/products/${productId}/images/`);
    await page.getByRole('button', { name: 'Upload image' }).click();
    await expectOk(await uploaded);
    await expect(page.getByText('Image uploaded.')).toBeVisible();
    await expect(page.getByRole('img', { name: `Image 1 of ${productName}` })).toBeVisible();
    const submitted = waitForApi(page, 'POST', `/vendor/products/${productId}/submit/`);
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await expectOk(await submitted);
    await expect(page.getByText('Pending review')).toBeVisible();
  });

  await test.step('staff finds it in the moderation queue and approves it', async () => {
    const queue = await request.get('/api/v1/moderation/products/?page_size=100', {
      headers: asStaff,
    });
    expect(queue.status()).toBe(200);
    const body = (await queue.json()) as { results?: { id: number }[] } | { id: number }[];
    const pending = Array.isArray(body) ? body : (body.results ?? []);
    expect(pending.map((p) => p.id)).toContain(productId);
    const approved = await request.post(`/api/v1/moderation/products/${productId}/approve/`, {
      headers: asStaff,
    });
    expect(approved.status(), await approved.text()).toBeLessThan(300);
  });

  await test.step('it is listed under the vendor in the storefront', async () => {
    await page.goto(`/products?vendor=${encodeURIComponent(vendorSlug)}`);
    await expect(
      page.getByRole('list', { name: 'Products' }).getByRole('link', { name: productName }),
    ).toBeVisible();
  });

  await test.step('search finds it once the worker has indexed it', async () => {
    // Indexing runs on the Celery worker after commit: ask again until it shows up.
    await expect(async () => {
      const searched = waitForApi(page, 'GET', '/search/');
      await page.goto(`/search?q=${encodeURIComponent(word)}`);
      await searched;
      await expect(
        page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: productName }),
      ).toBeVisible({
        timeout: 2_000,
      });
    }).toPass({ timeout: 25_000, intervals: [1_000, 2_000] });
  });
});
