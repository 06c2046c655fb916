import {
  expect,
  test,
  PASSWORD,
  addCurrentProductToCart,
  expectNoReadableTokens,
  checkout,
  loginThroughUi,
  registerThroughUi,
  uniqueEmail,
  waitForApi,
} from './support';

test('register → login → browse → add to cart → checkout → order in account', async ({ page }) => {
  const email = uniqueEmail('shopper');

  await test.step('register, sign out, sign back in', async () => {
    await registerThroughUi(page, email);
    const loggedOut = waitForApi(page, 'DELETE', '/auth/token/refresh/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await loggedOut).status()).toBe(204);
    expect((await page.context().cookies()).some((c) => c.name === 'agora_refresh')).toBe(false);
    await page.goto('/login');
    await loginThroughUi(page, { email, password: PASSWORD });
  });

  await test.step('a reload keeps the session: the access token is renewed from the cookie', async () => {
    const renewed = waitForApi(page, 'POST', '/auth/token/refresh/');
    await page.goto('/account');
    expect((await renewed).status()).toBe(200);
    await expect(page.getByText(`Signed in as Ee Tester`)).toBeVisible();
    await expectNoReadableTokens(page);
  });

  await test.step('browse the listing and open an in-stock product', async () => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Shop all products' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'All products' })).toBeVisible();
    const filtered = waitForApi(page, 'GET', '/products/');
    const inStock = page.getByRole('checkbox', { name: 'In stock only' });
    await inStock.click(); // not check(): the box follows the URL (see search-guest.spec.ts)
    await filtered;
    await expect(page).toHaveURL(/in_stock=true/);
    await expect(inStock).toBeChecked();
    const products = page.getByRole('list', { name: 'Products' });
    await products.getByRole('link').first().click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  });

  await test.step('add to cart and go to checkout from the drawer', async () => {
    await addCurrentProductToCart(page);
    await expect(page.getByRole('button', { name: /^Cart, [1-9]\d* items?$/ })).toBeVisible();
    await page
      .getByRole('dialog', { name: 'Your cart' })
      .getByRole('link', { name: 'Go to checkout' })
      .click();
  });

  const number = await test.step('check out with the dummy gateway', () => checkout(page));

  await test.step('see the order in the account', async () => {
    await page.getByRole('link', { name: 'See your orders' }).click();
    await expect(page.getByRole('link', { name: `Order ${number}` })).toBeVisible();
    await page.getByRole('link', { name: `Order ${number}` }).click();
    await expect(page.getByRole('heading', { name: `Order ${number}` })).toBeVisible();
  });
});
