// tests/browser/portal.mjs — the portal through a signed link (issue 12, PT1 + PT8) in a browser:
// staff create a project in the client's Portal tab and share a quote (approval asked) and an
// invoice in it, then mint a project link (view, download, upload, comment, decide) in the Links
// tab and have it mailed; on a phone the contact opens the link from the outbox mail, continues,
// sees the project, approves the quote and sends a proof of payment (PDF) on the invoice; the
// admin's Portal tab then shows the quote validated and the supporting file. Then "view only":
// a project link with only "view" is mailed to a second contact, who opens it on a phone, views
// the quote (a 2-page PDF) and sees its two pages as pictures in the page, with no download link.
// Usage: node portal.mjs [path/to/sample-host]
import fs from 'node:fs';
import path from 'node:path';
import { expectUrl, fail, openFirstClientAsAdmin, mailedLinks, runBrowserTest, sampleHostBinary } from './harness.mjs';

const binary = sampleHostBinary(process.argv.slice(2));
const pdf = (marker) => `%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
// A well-formed PDF of `pages` empty A4 pages that poppler renders (as crm_test::PagedPdf).
function pagedPdf(pages, marker) {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids = [];
  for (let i = 0; i < pages; i++) {
    kids.push(`${3 + i} 0 R`);
    objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>');
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
  let out = `%PDF-1.4\n% ${marker}\n`;
  const offsets = objects.map((o, i) => { const at = out.length; out += `${i + 1} 0 obj\n${o}\nendobj\n`; return at; });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  return out + `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
}

// Mints a project link with `rights` in the Links tab, mailed to `email`; the mailed URL.
async function mailProjectLink(desk, profileUrl, data, project, rights, name, email) {
  await desk.goto(`${profileUrl}/tabs/links`);
  const form = desk.locator('form.cd-link-form');
  if ((await form.count()) !== 1) fail('the Links tab has no form');
  await form.locator('select[name="scope"]').selectOption('project');
  await form.locator('select[name="project_id"]').selectOption({ label: project });
  for (const right of rights) await form.locator(`input[name="right_${right}"]`).check();
  await form.locator('input[name="contact_name"]').fill(name);
  await form.locator('input[name="contact_email"]').fill(email);
  await form.locator('input[name="send_mail"]').check();
  await form.locator('button[type="submit"]').click();
  const shown = await desk.locator('input[data-cd-link-url]').inputValue().catch(() => '');
  const mailed = mailedLinks(data, email);
  if (mailed.length !== 1 || mailed[0] !== shown) fail(`the mail does not carry the link: ${mailed} / ${shown}`);
  return mailed[0];
}

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
  fs.writeFileSync(quotePdf, pagedPdf(2, 'quote'));
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
  const mailed = [await mailProjectLink(desk, profileUrl, data, 'Kitchen renovation',
    ['view', 'download', 'upload', 'comment', 'decide'], 'Paula Contact', 'paula@browser-portal.test')];

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

  // View only: a second contact with only "view" reads the quote's pages in the page.
  const viewLink = await mailProjectLink(desk, profileUrl, data, 'Kitchen renovation', ['view'], 'Victor Viewer', 'victor@browser-portal.test');
  const reader = await phone.newPage();
  await reader.goto(`${host.url}${new URL(viewLink).pathname}`);
  await reader.locator('button[data-cd-continue]').click();
  await expectUrl(reader, /\/p\/client-documents\/space$/, 'continue (view only)');
  if ((await reader.locator('[data-cd-download]').count()) !== 0) fail('a view-only space offers a download');
  const readerQuote = reader.locator('section[data-cd-shared] li.cd-document', { hasText: 'Quote Q-17' });
  await readerQuote.locator('a[data-cd-view]').first().click();
  await expectUrl(reader, /\/shared\/\d+\/view\/\d+$/, 'view the quote');
  const pictures = reader.locator('img.cd-view-page');
  if ((await pictures.count()) !== 2) fail(`the quote's view shows ${await pictures.count()} pages, not 2`);
  for (let i = 0; i < 2; i++) {
    const picture = pictures.nth(i);
    await picture.scrollIntoViewIfNeeded();
    await reader.waitForFunction((img) => img.complete && img.naturalWidth > 0, await picture.elementHandle(), { timeout: 15000 })
      .catch(() => fail(`page ${i + 1} of the quote is not shown`));
  }
  if ((await reader.locator('[data-cd-download], a[href*="/files/"]').count()) !== 0) fail('the view-only page has a download link');
  if ((await reader.locator('[data-cd-view-only]').count()) !== 1) fail('the view-only page does not say that it cannot stop copying');
  const wide = await reader.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (wide > 1) fail(`the view page is ${wide}px wider than the phone`);
  await reader.screenshot({ path: path.join(path.dirname(new URL(import.meta.url).pathname), 'screenshots', 'portal-view-only-phone.png'), fullPage: true });
  console.log('browser_portal: shared, minted a project link, mailed, opened on a phone, approved, sent a proof; the admin saw both; a view-only contact read the quote\'s 2 pages in the page');
});
