import {
  PASSWORD,
  expect,
  expectOk,
  linkIn,
  loginThroughUi,
  readEmail,
  registerThroughUi,
  test,
  uniqueEmail,
  waitForApi,
} from './support';

const NEW_PASSWORD = 'E2e-New-Password-456!';

test('sign up → verify the address → forgot password → reset (other devices signed out) → data copy → delete the account', async ({
  page,
  browser,
}) => {
  const email = uniqueEmail('recovery');

  await test.step('sign up and verify the address from the emailed link', async () => {
    await registerThroughUi(page, email);
    await expect(page.getByText(`Please verify ${email}`)).toBeVisible();
    const message = await readEmail(email, 'Confirm your email address');
    const verified = waitForApi(page, 'POST', '/auth/email/verify/');
    await page.goto(linkIn(message, '/verify-email#token='));
    await expectOk(await verified);
    await expect(page.getByText(/is verified/)).toBeVisible();
    await expect(page).toHaveURL(/\/verify-email$/); // the token left the address bar
    await page.goto('/account/security');
    await expect(page.getByText(`Your email address ${email} is verified.`)).toBeVisible();
  });

  // A second device (another browser profile) signed in before the reset.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto('/login');
  await loginThroughUi(otherPage, { email, password: PASSWORD });

  await test.step('forgot password: ask for a link while signed out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel(/^Email/).fill(email);
    const asked = waitForApi(page, 'POST', '/auth/password/reset/');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    expect((await asked).status()).toBe(202);
    await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  });

  await test.step('the link sets a new password once', async () => {
    const message = await readEmail(email, 'Reset your');
    const link = linkIn(message, '/reset-password#uid=');
    await page.goto(link);
    await page.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await page.getByLabel(/^Confirm new password/).fill(NEW_PASSWORD);
    const confirmed = waitForApi(page, 'POST', '/auth/password/reset/confirm/');
    await page.getByRole('button', { name: 'Set new password' }).click();
    expect((await confirmed).status()).toBe(204);
    await expect(page.getByText(/Your new password is set/)).toBeVisible();
    await loginThroughUi(page, { email, password: NEW_PASSWORD });
    // the link is spent
    await page.goto(link);
    await page.getByLabel(/^New password/).fill('Another-Password-789!');
    await page.getByLabel(/^Confirm new password/).fill('Another-Password-789!');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByRole('alert')).toContainText('invalid or has expired');
  });

  await test.step('the device signed in before the reset is signed out', async () => {
    await otherPage.goto('/account');
    await expect(otherPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await other.close();
  });

  await test.step('ask for a copy of my data and download it', async () => {
    await page.goto('/account/privacy');
    const asked = waitForApi(page, 'POST', '/me/export/');
    await page.getByRole('button', { name: 'Prepare a copy of my data' }).click();
    expect((await asked).status()).toBe(202);
    await readEmail(email, 'data export is ready');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click({ timeout: 30_000 });
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { account: { email: string } };
    expect(data.account.email).toBe(email);
  });

  await test.step('delete the account', async () => {
    await page.getByLabel(/^Your password/).fill(NEW_PASSWORD);
    await page.getByRole('checkbox', { name: /deleted for good/ }).check();
    const deleted = waitForApi(page, 'DELETE', '/me/');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    expect((await deleted).status()).toBe(204);
    await expect(page.getByText('Your account was deleted.')).toBeVisible();
    await readEmail(email, 'account was deleted');
    await page.getByLabel(/^Email/).fill(email);
    await page.getByLabel(/^Password/).fill(NEW_PASSWORD);
    const refused = waitForApi(page, 'POST', '/auth/token/');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await refused).status()).toBe(401);
  });
});
