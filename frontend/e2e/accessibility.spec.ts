import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { VENDOR_A, expect, loginThroughUi, test } from './support';

/** WCAG 2.1 A and AA: what the European Accessibility Act asks of the storefront. */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The page once its data is in: no request running, no spinner left. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.loading')).toHaveCount(0);
}

/** Axe's serious and critical WCAG 2.1 AA violations on the page as shown, one line per node. */
async function violations(page: Page, label: string): Promise<string[]> {
  await settle(page);
  const result = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((node) => `${label}: ${v.id} (${v.impact}) at ${node.target.join(' ')}`),
    );
}

test('the storefront and the vendor portal pass axe (WCAG 2.1 AA), and the cart drawer hands focus back', async ({
  page,
}) => {
  const found: string[] = [];

  await test.step('home, product list and product page', async () => {
    await page.goto('/');
    found.push(...(await violations(page, 'home')));
    await page.goto('/products?in_stock=true');
    found.push(...(await violations(page, 'product list')));
    await page.getByRole('list', { name: 'Products' }).getByRole('link').first().click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    found.push(...(await violations(page, 'product')));
  });

  await test.step('"Add to cart" by keyboard: the drawer opens, and Escape returns focus', async () => {
    const add = page.getByRole('button', { name: 'Add to cart' });
    await add.focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: 'Your cart' });
    await expect(drawer).toBeVisible();
    await expect(drawer.getByRole('list', { name: 'Cart items' })).toBeVisible();
    found.push(...(await violations(page, 'cart drawer')));
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(add).toBeFocused();
  });

  await test.step('checkout, sent empty so its errors show', async () => {
    await page.goto('/checkout');
    await expect(page.getByRole('button', { name: 'Place order' })).toBeEnabled();
    await settle(page);
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect(page.locator('[aria-invalid="true"]').first()).toBeVisible();
    found.push(...(await violations(page, 'checkout with errors')));
  });

  await test.step('sign-in, then a vendor portal page', async () => {
    await page.goto('/login');
    found.push(...(await violations(page, 'sign-in')));
    await loginThroughUi(page, VENDOR_A);
    await page.goto('/vendor/orders');
    await expect(page.getByRole('heading', { level: 1, name: 'Vendor portal' })).toBeVisible();
    found.push(...(await violations(page, 'vendor orders')));
  });

  expect(found).toEqual([]);
});
