// tests/browser/impersonation.mjs — issue 14 in a browser (SPEC H12, H14, H18): an admin opens a demo
// client's profile (the sidebar's key figures and quick contact links), clicks "Log in as the client",
// lands in the reserved area on a phone screen with the banner, and goes back to admin; then, on the
// profile, adds a custom action (SPEC H13) with bold text from the small rich-text editor and a file,
// and sees both in the history.
// Usage: node impersonation.mjs [path/to/sample-host]
import { expectUrl, fail, runBrowserTest, sampleHostBinary } from './harness.mjs';

const binary = sampleHostBinary(process.argv.slice(2));


await runBrowserTest('browser_impersonation', binary, async ({ browser, host }) => {
  if (!host.admin || host.clients.length === 0) fail('the demo printed no admin or client login');
  // A phone: the client area is mostly used there.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${host.url}/admin/login`);
  await page.getByLabel('Email address').fill(host.admin.email);
  await page.getByLabel('Password').fill(host.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectUrl(page, /\/admin\/clients$/, 'admin login');

  // The first demo client has a login; find its profile through the search.
  const email = host.clients[0].email;
  await page.goto(`${host.url}/admin/clients?q=${encodeURIComponent(email)}`);
  await page.locator('table.table tbody tr td a').first().click();
  await expectUrl(page, /\/admin\/clients\/\d+$/, 'open the profile');
  const profileUrl = page.url();
  const stats = page.locator('#host-stats');
  if ((await stats.count()) !== 1) fail('the sidebar has no key figures');
  const revenue = (await stats.locator('[data-stat="revenue"]').textContent()).trim();
  if (!/^€[\d,]+\.\d\d$/.test(revenue)) fail(`revenue not in the English format: "${revenue}"`);
  const whatsapp = await page.locator('#quick-contact a[href^="https://wa.me/"]').count();
  if (whatsapp !== 1) fail('no WhatsApp link in the sidebar');

  await page.getByRole('button', { name: 'Log in as the client' }).click();
  await expectUrl(page, /\/account$/, 'log in as the client');
  const banner = page.locator('#impersonation-banner');
  if (!(await banner.isVisible())) fail('no banner in the reserved area');
  await page.goto(`${host.url}/account/profile`);
  if (!(await page.locator('#impersonation-banner').isVisible())) fail('no banner on the profile page');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 1) fail(`the reserved area is ${overflow}px wider than the phone`);

  // The reserved area speaks the client's language (what the client would see): the button by its place.
  await page.locator('#impersonation-banner button[type="submit"]').click();
  await page.waitForURL(profileUrl, { timeout: 10000 }).catch(() => fail(`back to admin: got ${page.url()}`));
  const history = await page.locator('.timeline li').allTextContents();
  // The history speaks the reader's language (issue 15.10): the entries' types, not their keys.
  if (!history.some((t) => t.includes('Logged in as the client'))) fail(`the start is not in the history: ${history.slice(0, 5)}`);
  if (!history.some((t) => t.includes('Back to admin'))) fail('the end is not in the history');
  if (history.some((t) => t.includes('host.impersonation'))) fail('the history shows a raw key');

  // H13: "Add an action" with the editor (bold) and a file; the history shows both.
  await page.locator('#add-action summary').click();
  if (!(await page.locator('#action-editor').isVisible())) fail('the rich-text editor is not shown');
  if (await page.locator('#action-note').isVisible()) fail('the plain textarea is still shown with JavaScript');
  await page.selectOption('#action-type', 'host.call');
  await page.fill('#action-title', 'Browser call');
  await page.locator('#action-editor').click();
  await page.keyboard.type('Plain then ');
  await page.locator('[data-command="bold"]').click();
  await page.keyboard.type('bold words');
  await page.setInputFiles('#action-files', {
    name: 'call notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Notes of the call\n'),
  });
  await page.locator('#action-form button[type="submit"]').click();
  await page.waitForURL(/notice=action_added/, { timeout: 10000 }).catch(() => fail(`add an action: got ${page.url()}`));
  const entry = page.locator('.timeline li', { hasText: 'Browser call' });
  if ((await entry.count()) !== 1) fail('the new action is not in the history');
  const bold = await entry.locator('.tl-note b, .tl-note strong').allTextContents();
  if (!bold.some((t) => t.includes('bold words'))) fail(`no bold text in the note: ${await entry.innerHTML()}`);
  const file = entry.locator('.tl-files a');
  if ((await file.count()) !== 1 || (await file.textContent()).trim() !== 'call notes.txt') fail('the file is not listed');
  const href = await file.getAttribute('href');
  const body = await page.evaluate(async (url) => (await fetch(url)).text(), href);
  if (body !== 'Notes of the call\n') fail(`the file downloads as "${body}"`);
  console.log('browser_impersonation: logged in as the client, saw the banner, went back to admin, added an action');
});
