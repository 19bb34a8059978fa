// tests/browser/password_reset.mjs — issue 14 (SPEC H17) in a browser on a phone: a demo client clicks
// "Forgot your password?" under the login form, asks for a link, opens the link of the mail the host
// wrote to its outbox, chooses a new password, and signs in with it; the old password no longer works.
// Usage: node password_reset.mjs [path/to/sample-host]
import fs from 'node:fs';
import path from 'node:path';
import { expectUrl, fail, runBrowserTest, sampleHostBinary } from './harness.mjs';

const binary = sampleHostBinary(process.argv.slice(2));


// The reset link of the newest outbox mail to `email` (quoted-printable soft breaks undone).
function resetLink(outbox, email) {
  const mails = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'))
    .map((f) => fs.readFileSync(path.join(outbox, f), 'utf8').replace(/=\r\n/g, '').replace(/=3D/g, '='))
    .filter((m) => m.includes(`To: ${email}`) && m.includes('/account/password/reset?token='));
  if (mails.length !== 1) fail(`expected one reset mail to ${email}, found ${mails.length}`);
  const m = mails[0].match(/https?:\/\/\S+\/account\/password\/reset\?token=[0-9a-f]{64}/);
  if (!m) fail('no reset link in the mail');
  return m[0];
}

await runBrowserTest('browser_password_reset', binary, async ({ browser, host, dataDir: data }) => {
  if (host.clients.length === 0) fail('the demo printed no client login');
  const { email, password } = host.clients[0];
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${host.url}/account/login`);
  await page.locator('#forgot-password').click();
  await expectUrl(page, /\/account\/password\/forgot$/, 'the forgot-password page');
  await page.locator('#forgot-email').fill(email);
  await page.locator('#password-forgot button[type="submit"]').click();
  await expectUrl(page, /\/account\/login\?notice=reset_sent$/, 'the request');
  if ((await page.locator('.alert-info').count()) !== 1) fail('no notice after the request');

  // The link as the mail gives it, on this host's port.
  const link = new URL(resetLink(path.join(data, 'outbox'), email));
  await page.goto(`${host.url}${link.pathname}${link.search}`);
  const newPassword = 'browser-new-pass-1';
  await page.locator('#reset-password').fill(newPassword);
  await page.locator('#reset-confirm').fill(newPassword);
  await page.locator('#password-reset button[type="submit"]').click();
  await expectUrl(page, /\/account\/login\?notice=password_reset$/, 'the new password');

  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.locator('form[action="/account/login"] button[type="submit"]').click();
  if ((await page.locator('.alert-error').count()) !== 1) fail('the old password still signs in');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(newPassword);
  await page.locator('form[action="/account/login"] button[type="submit"]').click();
  await expectUrl(page, /\/account(\/[a-z]+)?$/, 'sign in with the new password');
  // The link is used up.
  await page.goto(`${host.url}${link.pathname}${link.search}`);
  if ((await page.locator('#password-reset').count()) !== 0) fail('the link works twice');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 1) fail(`the page is ${overflow}px wider than the phone`);
  console.log('browser_password_reset: forgot password, mailed link, new password, signed in');
});
