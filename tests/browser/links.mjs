// tests/browser/links.mjs — signed links (issue 12, PT1, PT2) in a browser: an admin mints a link
// in the client profile's "Links" tab and has it mailed; on a phone, the contact opens the URL from
// the outbox mail, sees a page that changes nothing, continues, lands on the link's space (no token
// in the URL) and sends a PDF; the admin sees the use counted and the document uploaded.
// Usage: node links.mjs [path/to/sample-host]
import fs from 'node:fs';
import path from 'node:path';
import { expectUrl, fail, openFirstClientAsAdmin, mailedLinks, runBrowserTest, sampleHostBinary } from './harness.mjs';

const binary = sampleHostBinary(process.argv.slice(2));

await runBrowserTest('browser_links', binary, async ({ browser, host, dataDir: data }) => {
  const pdfPath = path.join(data, 'proof.pdf');
  fs.writeFileSync(pdfPath, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  if (!host.admin || host.clients.length === 0) fail('the demo printed no admin or client login');

  // The admin mints a link for a demo client and has it mailed to a contact.
  const { desk, profileUrl } = await openFirstClientAsAdmin(browser, host);
  await desk.goto(`${profileUrl}/tabs/links`);
  const form = desk.locator('form.cd-link-form');
  if ((await form.count()) !== 1) fail('the Links tab has no form');
  await form.locator('input[name="right_upload"]').check();
  await form.locator('input[name="contact_name"]').fill('Paul Contact');
  await form.locator('input[name="contact_email"]').fill('paul@browser-links.test');
  await form.locator('input[name="send_mail"]').check();
  await form.locator('button[type="submit"]').click();
  const shown = await desk.locator('input[data-cd-link-url]').inputValue().catch(() => '');
  if (!/\/p\/client-documents\/l\/[A-Za-z0-9_-]{43}$/.test(shown)) fail(`no link URL shown: "${shown}"`);
  const mailed = mailedLinks(data, 'paul@browser-links.test');
  if (mailed.length !== 1 || mailed[0] !== shown) fail(`the mail does not carry the link: ${mailed}`);

  // The contact, on a phone, opens the link from the mail.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  const linkPath = new URL(mailed[0]).pathname;
  await page.goto(`${host.url}${linkPath}`);
  const proceed = page.locator('button[data-cd-continue]');
  if ((await proceed.count()) !== 1) fail('the link page has no Continue button');
  await desk.goto(`${profileUrl}/tabs/links`);
  const before = (await desk.locator('tr[data-cd-link] td').nth(5).textContent()).trim();
  if (before !== '0') fail(`opening the page counted a use: "${before}"`);
  await proceed.click();
  await expectUrl(page, /\/p\/client-documents\/space$/, 'continue');
  if (page.url().includes(linkPath)) fail('the token stays in the URL');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 1) fail(`the link's space is ${overflow}px wider than the phone`);
  // An upload form without extra fields (the demo's proof of address).
  const upload = page.locator('form[data-cd-upload]:not(:has(.cd-fields))').first();
  if ((await upload.count()) !== 1) fail('no upload form in the space');
  await upload.locator('input[type="file"]').setInputFiles(pdfPath);
  await upload.locator('button[type="submit"]').click();
  await page.locator('.cd-notice-ok').first().waitFor({ timeout: 15000 }).catch(() => fail('no confirmation after the upload'));

  // The admin sees the use and the journal's upload by the link.
  await desk.goto(`${profileUrl}/tabs/links`);
  const after = (await desk.locator('tr[data-cd-link] td').nth(5).textContent()).trim();
  if (after !== '1') fail(`the use was not counted: "${after}"`);
  await desk.goto(`${profileUrl}/tabs/documents`);
  const statuses = await desk.locator('.cd-status-yes').count();
  if (statuses < 1) fail('the admin sees no uploaded document');
  console.log('browser_links: minted, mailed, opened on a phone, continued, uploaded; the admin saw the use');
});
