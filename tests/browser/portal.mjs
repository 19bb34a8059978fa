// tests/browser/portal.mjs — the portal through a signed link (issue 12, PT1 + PT8) in a browser:
// staff create a project in the client's Portal tab and share a quote (approval asked) and an
// invoice in it, then mint a project link (view, download, upload, comment, decide) in the Links
// tab and have it mailed; on a phone the contact opens the link from the outbox mail, continues,
// sees the project, approves the quote and sends a proof of payment (PDF) on the invoice; the
// admin's Portal tab then shows the quote validated and the supporting file.
// Usage: node portal.mjs [path/to/sample-host]
import fs from 'node:fs';
import path from 'node:path';
import { expectUrl, fail, openFirstClientAsAdmin, mailedLinks, runBrowserTest, sampleHostBinary } from './harness.mjs';

const binary = sampleHostBinary(process.argv.slice(2));
const pdf = (marker) => `%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`;

// Staff share one document in the Portal tab's form.
async function share(desk, portalTab, fields, file) {
  await desk.goto(portalTab);
  const form = desk.locator('form[action$="/portal/shared"]');
  if ((await form.count()) !== 1) fail('the Portal tab has no share form');
  await form.locator('input[name="title"]').fill(fields.title);
  await form.locator('select[name="category"]').selectOption(fields.category);
  await form.locator('select[name="project_id"]').selectOption({ label: fields.project });
  if (fields.amount) await form.locator('input[name="amount_due"]').fill(fields.amount);
  if (fields.decision) await form.locator('select[name="decision"]').selectOption(fields.decision);
  await form.locator('input[name="file"]').setInputFiles(file);
  await form.locator('button').click();
  await expectUrl(desk, /flash=shared/, `share ${fields.title}`);
}

await runBrowserTest('browser_portal', binary, async ({ browser, host, dataDir: data }) => {
  const quotePdf = path.join(data, 'quote.pdf');
  const invoicePdf = path.join(data, 'invoice.pdf');
  const proofPdf = path.join(data, 'proof-of-payment.pdf');
  fs.writeFileSync(quotePdf, pdf('quote'));
  fs.writeFileSync(invoicePdf, pdf('invoice'));
  fs.writeFileSync(proofPdf, pdf('proof'));
  if (!host.admin || host.clients.length === 0) fail('the demo printed no admin or client login');

  const { desk, profileUrl } = await openFirstClientAsAdmin(browser, host);
  const portalTab = `${profileUrl}/tabs/portal`;

  // A project, a quote that asks approval and an invoice, both in the project.
  await desk.goto(portalTab);
  const projectForm = desk.locator('form[action$="/portal/projects"]');
  if ((await projectForm.count()) !== 1) fail('the Portal tab has no project form');
  await projectForm.locator('input[name="name"]').fill('Kitchen renovation');
  await projectForm.locator('button').click();
  await expectUrl(desk, /flash=project/, 'create the project');
  await share(desk, portalTab, { title: 'Quote Q-17', category: 'quote', project: 'Kitchen renovation', decision: 'required' }, quotePdf);
  await share(desk, portalTab, { title: 'Invoice F-42', category: 'invoice', project: 'Kitchen renovation', amount: '1250.00' }, invoicePdf);

  // A project link with every right, mailed to the contact.
  await desk.goto(`${profileUrl}/tabs/links`);
  const form = desk.locator('form.cd-link-form');
  if ((await form.count()) !== 1) fail('the Links tab has no form');
  await form.locator('select[name="scope"]').selectOption('project');
  await form.locator('select[name="project_id"]').selectOption({ label: 'Kitchen renovation' });
  for (const right of ['view', 'download', 'upload', 'comment', 'decide']) await form.locator(`input[name="right_${right}"]`).check();
  await form.locator('input[name="contact_name"]').fill('Paula Contact');
  await form.locator('input[name="contact_email"]').fill('paula@browser-portal.test');
  await form.locator('input[name="send_mail"]').check();
  await form.locator('button[type="submit"]').click();
  const shown = await desk.locator('input[data-cd-link-url]').inputValue().catch(() => '');
  const mailed = mailedLinks(data, 'paula@browser-portal.test');
  if (mailed.length !== 1 || mailed[0] !== shown) fail(`the mail does not carry the link: ${mailed} / ${shown}`);

  // On a phone: the link from the mail, Continue, the project.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(`${host.url}${new URL(mailed[0]).pathname}`);
  await page.locator('button[data-cd-continue]').click();
  await expectUrl(page, /\/p\/client-documents\/space$/, 'continue');
  const shared = page.locator('section[data-cd-shared]');
  if ((await shared.count()) !== 1) fail('the link space shows no shared documents');
  const heading = (await shared.locator('section.cd-project h2').first().textContent()).trim();
  if (heading !== 'Kitchen renovation') fail(`the project is not shown: "${heading}"`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 1) fail(`the link's space is ${overflow}px wider than the phone`);

  // Approve the quote.
  const quote = shared.locator('li.cd-document', { hasText: 'Quote Q-17' });
  if ((await quote.locator('[data-cd-status="to_validate"]').count()) !== 1) fail('the quote is not "to validate"');
  await quote.locator('button[name="decision"][value="approve"]').click();
  await expectUrl(page, /flash=decided/, 'approve');
  const approved = page.locator('section[data-cd-shared] li.cd-document', { hasText: 'Quote Q-17' });
  if ((await approved.locator('[data-cd-status="validated"]').count()) !== 1) fail('the quote is not validated after approval');

  // A proof of payment on the invoice.
  const invoice = page.locator('section[data-cd-shared] li.cd-document', { hasText: 'Invoice F-42' });
  if ((await invoice.locator('[data-cd-status="unpaid"]').count()) !== 1) fail('the invoice is not "unpaid"');
  const upload = invoice.locator('form[enctype="multipart/form-data"]');
  await upload.locator('input[type="file"]').setInputFiles(proofPdf);
  await upload.locator('button').click();
  await expectUrl(page, /flash=uploaded/, 'send the proof of payment');
  const files = page.locator('section[data-cd-shared] li.cd-document', { hasText: 'Invoice F-42' }).locator('.cd-file-name');
  if (!(await files.allTextContents()).includes('proof-of-payment.pdf')) fail('the proof of payment is not listed');
  await page.screenshot({ path: path.join(path.dirname(new URL(import.meta.url).pathname), 'screenshots', 'portal-phone.png'), fullPage: true });

  // The admin's Portal tab: the quote validated, the supporting file from the client.
  await desk.goto(portalTab);
  const staffQuote = desk.locator('li.cd-document', { hasText: 'Quote Q-17' });
  if ((await staffQuote.locator('[data-cd-status="validated"]').count()) !== 1) fail('the admin does not see the quote validated');
  const staffInvoice = desk.locator('li.cd-document', { hasText: 'Invoice F-42' });
  const staffFiles = await staffInvoice.locator('.cd-file-name').allTextContents();
  if (!staffFiles.includes('proof-of-payment.pdf')) fail(`the admin does not see the supporting file: ${staffFiles}`);
  console.log('browser_portal: shared, minted a project link, mailed, opened on a phone, approved, sent a proof; the admin saw both');
});
