// tests/browser/documents.mjs — browser test of the Client Documents module in a demo sample-host (headless Chromium):
// a client's home lists the missing identity document (phone); the admin turns the mandatory gate on; the client is gated, uploads a PNG with progress and thumbnail; the admin
// checks the list column and filter, replaces a document, opens the archive, deletes the client; no file of it is left.
// Usage: node tests/browser/documents.mjs [path/to/sample-host]   (default: <repo>/build/sample-host)
// Screenshots go to tests/browser/screenshots/docs-*.png (gitignored). Exits non-zero with a message on any failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectUrl, fail, moduleFiles, runBrowserTest, sampleHostBinary } from './harness.mjs';
import { makePng } from './png.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = sampleHostBinary(process.argv.slice(2));
const shots = path.join(here, 'screenshots');


// ---- helpers --------------------------------------------------------------------------------

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `docs-${name}.png`), fullPage: true });
}


async function adminLogin(browser, host) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('dialog', (d) => d.accept()); // the delete/replace confirmations
  await page.goto(`${host.url}/admin/login`);
  await page.getByLabel('Email address').fill(host.admin.email);
  await page.getByLabel('Password').fill(host.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectUrl(page, /\/admin\/clients$/, 'admin login');
  return { context, page };
}

// The profile id of the demo client with this email, via the list's search.
async function clientIdByEmail(page, host, email) {
  await page.goto(`${host.url}/admin/clients?q=${encodeURIComponent(email)}`);
  const link = page.locator('table.table tbody tr', { hasText: email }).locator('a[href*="/admin/clients/"]').first();
  if ((await link.count()) === 0) fail(`${email} is not in the client list`);
  const href = await link.getAttribute('href');
  const m = href.match(/\/admin\/clients\/(\d+)/);
  if (!m) fail(`no client id in ${href}`);
  return Number(m[1]);
}

// ---- the scenario ---------------------------------------------------------------------------------

async function run(browser, host, dataDir) {
  if (!host.admin || host.clients.length === 0) fail('the demo printed no admin or client credentials');
  const client = host.clients[host.clients.length - 1];
  const admin = await adminLogin(browser, host);
  const ap = admin.page;

  // The demo's clients with a login have every required document: the admin deletes this one's identity
  // document (Documents tab, delete button) so that the gate applies to them.
  const clientId = await clientIdByEmail(ap, host, client.email);
  await ap.goto(`${host.url}/admin/clients/${clientId}/tabs/documents`);
  const identityAdmin = ap.locator('li.cd-document', { has: ap.locator('h3', { hasText: 'Identity document' }) });
  if ((await identityAdmin.count()) !== 1) fail('no "Identity document" on the Documents tab');
  if ((await identityAdmin.locator('.cd-status-yes').count()) !== 1) {
    fail(`the demo client ${client.email} does not hold the identity document; the scenario needs one who did`);
  }
  const identityDomId = await identityAdmin.getAttribute('id'); // "cd-doc-<type id>", the same in the client area
  await identityAdmin.locator('.cd-actions button.cd-button-danger').click();
  await ap.waitForLoadState('load');
  await ap.goto(`${host.url}/admin/clients/${clientId}/tabs/documents`);
  if ((await ap.locator('li.cd-document', { has: ap.locator('h3', { hasText: 'Identity document' }) }).locator('.cd-status-no').count()) !== 1) {
    fail('deleting the identity document from the Documents tab did not make it missing');
  }

  // 1. Client on a phone, gate still off (issue 15.11): the reserved area's home lists the missing
  // identity document (host API 1.5 home section), and its link leads to that document on My documents.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const cp = await phone.newPage();
  await cp.goto(`${host.url}/account/login`);
  await cp.getByLabel('Email address').fill(client.email);
  await cp.getByLabel('Password').fill(client.password);
  await cp.getByRole('button', { name: 'Sign in' }).click();
  await expectUrl(cp, (url) => !url.pathname.endsWith('/login'), 'the client login');
  await cp.goto(`${host.url}/account`);
  await expectUrl(cp, /\/account$/, 'the home without the gate');
  const homeLink = cp.locator(`section.home-section .cd-missing-list a[href="/account/documents#${identityDomId}"]`);
  if ((await homeLink.count()) !== 1) fail('the home does not list the missing identity document with a link to it');
  if (!(await homeLink.isVisible())) fail('the home\'s missing list is not visible on a phone');
  await shot(cp, '01-client-home-missing-phone');
  await homeLink.click();
  await expectUrl(cp, new RegExp(`/account/documents#${identityDomId}$`), 'the home\'s missing link');
  if ((await cp.locator(`li.cd-document#${identityDomId}`).count()) !== 1) fail('the link does not lead to the document');

  // 2. Admin: the mandatory gate on, on the plugin's settings page.
  await ap.goto(`${host.url}/admin/plugins/client-documents/settings`);
  const gate = ap.locator('form.cd-settings-form input[name="mandatory_gate"]');
  if ((await gate.count()) !== 1) fail('no mandatory gate checkbox on the settings page');
  await gate.check();
  await ap.locator('form.cd-settings-form button[type="submit"]').click();
  await ap.waitForLoadState('load');
  await ap.goto(`${host.url}/admin/plugins/client-documents/settings`);
  if (!(await ap.locator('form.cd-settings-form input[name="mandatory_gate"]').isChecked())) fail('the mandatory gate setting was not saved');
  await shot(ap, '01-settings-gate-on');

  // Client: sent to "My documents" by the gate from every other page.
  await cp.goto(`${host.url}/account`);
  await expectUrl(cp, /\/account\/documents/, 'the gate from the home');
  if ((await cp.locator('.cd-notice-gate').count()) !== 1) fail('the gated documents page shows no gate notice');
  await shot(cp, '02-client-gated-phone');
  await cp.goto(`${host.url}/account/profile`);
  await expectUrl(cp, /\/account\/documents/, 'the gate from /account/profile');

  // 3. Upload a PNG with its extra fields; watch the progress bar; see the thumbnail.
  const png = makePng(900, 700); // ~1.9 MB of noise
  const pngPath = path.join(os.tmpdir(), `cd-browser-${process.pid}.png`);
  fs.writeFileSync(pngPath, png);
  // The client reads the area in their own language: find the document by its type id.
  const identity = cp.locator(`li.cd-document#${identityDomId}`);
  if ((await identity.count()) !== 1) fail('no identity document in My documents');
  const form = identity.locator('form.cd-upload');
  await form.locator('input[name="date_of_issue"]').fill('2024-05-17');
  await form.locator('input[name="place_of_issue"]').fill('Liège');
  await form.locator('input[type="file"]').setInputFiles(pngPath);
  // Slow the upload down so that the progress bar is visible for a while.
  const cdp = await phone.newCDPSession(cp);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 400 * 1024 });
  await form.locator('button[type="submit"]').click();
  const bar = form.locator('progress.cd-progress');
  await bar.waitFor({ state: 'visible', timeout: 5000 }).catch(() => fail('the progress bar did not appear during the upload'));
  await shot(cp, '03-client-uploading-phone');
  const midValue = Number(await bar.getAttribute('value').catch(() => '0'));
  await expectUrl(cp, /\/account\/documents\?uploaded=\d+/, 'after the upload');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const uploaded = cp.locator(`li.cd-document#${identityDomId}`);
  if ((await uploaded.locator('.cd-status-yes').count()) !== 1) fail('the identity document is not shown as uploaded');
  const thumb = uploaded.locator('img.cd-thumb');
  if ((await thumb.count()) !== 1) fail('no thumbnail for the uploaded PNG');
  await thumb.scrollIntoViewIfNeeded();
  await cp.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle(), { timeout: 10000 })
    .catch(() => fail('the thumbnail image does not load'));
  const natural = await thumb.evaluate((el) => [el.naturalWidth, el.naturalHeight]);
  if (natural[0] > 320 || natural[1] > 320) fail(`the thumbnail is ${natural} px, not a thumbnail`);
  if ((await uploaded.locator('.cd-file-name').textContent()).trim() !== path.basename(pngPath)) fail('the file name is not shown');
  await shot(cp, '04-client-uploaded-phone');
  // The page must not scroll sideways on a phone.
  const overflow = await cp.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 1) fail(`My documents is ${overflow}px wider than the phone screen`);
  // Every required document is there now: the gate lets the client through.
  await cp.goto(`${host.url}/account/profile`);
  await expectUrl(cp, /\/account\/profile$/, 'the gate lifted');
  console.log(`documents: progress bar seen (value ${midValue} while uploading)`);

  // 4. Admin: the list column and a "missing" filter.
  await ap.goto(`${host.url}/admin/clients?per_page=100`);
  const header = ap.locator('table.table thead th', { hasText: 'Documents' });
  if ((await header.count()) !== 1) fail('no Documents column in the client list');
  const colIndex = await header.evaluate((th) => Array.prototype.indexOf.call(th.parentElement.children, th));
  const values = await ap.locator('table.table tbody tr').evaluateAll((rows, i) => rows.map((r) => r.children[i]?.textContent.trim()), colIndex);
  if (!values.includes('Yes') || !values.includes('No')) fail(`the Documents column shows ${[...new Set(values)]}, expected both Yes and No`);
  if (values.some((v) => v !== 'Yes' && v !== 'No')) fail(`unexpected Documents values: ${[...new Set(values)]}`);
  const clientRow = ap.locator('table.table tbody tr', { hasText: client.email });
  if ((await clientRow.locator('td').nth(colIndex).textContent()).trim() !== 'Yes') fail('the client who just uploaded is not "Yes"');
  // Yes and No are styled on the host's page (the host's badge classes): different, visible backgrounds.
  const badgeBackground = (selector) => ap.locator(`table.table tbody td ${selector}`).first()
    .evaluate((el) => getComputedStyle(el).backgroundColor);
  const yesBg = await badgeBackground('.cd-status-yes');
  const noBg = await badgeBackground('.cd-status-no');
  const transparent = (c) => c === 'transparent' || c === 'rgba(0, 0, 0, 0)';
  if (transparent(yesBg) || transparent(noBg) || yesBg === noBg) fail(`the Yes/No cells are not styled as badges (${yesBg} / ${noBg})`);
  await shot(ap, '05-admin-list-column');
  const filters = ap.locator('details.filters');
  if (!(await filters.evaluate((d) => d.open))) await filters.locator('summary').click();
  const contractFilter = ap.getByLabel('Signed contract', { exact: true });
  if ((await contractFilter.count()) !== 1) fail('no "Signed contract" filter on the client list');
  await contractFilter.selectOption('missing');
  await ap.getByRole('button', { name: 'Apply filters' }).click();
  await expectUrl(ap, /filter%5Bdoc\.\d+%5D=missing|filter\[doc\.\d+\]=missing/, 'the documents filter');
  const filtered = await ap.locator('table.table tbody tr').evaluateAll((rows, i) => rows.map((r) => r.children[i]?.textContent.trim()), colIndex);
  if (filtered.length === 0) fail('the "missing" filter shows nobody (demo clients 13+ have nothing)');
  if (filtered.some((v) => v !== 'No')) fail(`the "Signed contract: missing" filter shows a complete client: ${filtered}`);
  if ((await ap.locator('table.table tbody tr', { hasText: client.email }).count()) !== 0) fail('the filter shows a client who has the contract');
  await shot(ap, '06-admin-list-filtered');

  // 5. Admin: the client's Documents tab; replace the identity document; open the archive.
  await ap.goto(`${host.url}/admin/clients/${clientId}`);
  if ((await ap.locator('.profile-side', { hasText: '2 of 2' }).count()) === 0) fail('the summary box does not say 2 of 2 required');
  await ap.locator('nav.tabs a', { hasText: 'Documents' }).click();
  await expectUrl(ap, /\/tabs\/(client-documents\.)?documents/, 'the Documents tab');
  const adminIdentity = ap.locator('li.cd-document', { has: ap.locator('h3', { hasText: 'Identity document' }) });
  if ((await adminIdentity.locator('img.cd-thumb').count()) !== 1) fail('the admin tab shows no thumbnail of the client\'s PNG');
  const pdfPath = path.join(os.tmpdir(), `cd-browser-${process.pid}.pdf`);
  fs.writeFileSync(pdfPath, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const replace = adminIdentity.locator('form.cd-upload:not(.cd-add)');
  await replace.locator('input[name="date_of_issue"]').fill('2025-01-02');
  // The file arrives by drag and drop onto the drop zone, as an admin would drag it from their desktop.
  const dropZone = replace.locator('[data-cd-drop]');
  if ((await dropZone.count()) !== 1) fail('no drop zone on the replace form');
  const dataTransfer = await ap.evaluateHandle(({ name, b64 }) => {
    const dt = new DataTransfer();
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    dt.items.add(new File([bytes], name, { type: 'application/pdf' }));
    return dt;
  }, { name: path.basename(pdfPath), b64: fs.readFileSync(pdfPath).toString('base64') });
  await dropZone.dispatchEvent('dragenter', { dataTransfer });
  if (!(await dropZone.evaluate((el) => el.classList.contains('cd-drop-active')))) fail('the drop zone does not highlight while a file is dragged over it');
  await dropZone.dispatchEvent('drop', { dataTransfer });
  const dropped = await replace.locator('input[type="file"]').evaluate((el) => Array.from(el.files).map((f) => f.name));
  if (dropped.length !== 1 || dropped[0] !== path.basename(pdfPath)) fail(`the dropped file did not reach the file input: ${dropped}`);
  if ((await dropZone.locator('.cd-drop-hint').textContent()).trim() !== path.basename(pdfPath)) fail('the drop zone does not name the dropped file');
  if (await dropZone.evaluate((el) => el.classList.contains('cd-drop-active'))) fail('the drop zone stays highlighted after the drop');
  await replace.locator('button[type="submit"]').click();
  await ap.waitForLoadState('load');
  await ap.waitForFunction(() => document.querySelector('.cd-notice-ok, .cd-notice-error'), null, { timeout: 15000 })
    .catch(() => fail('no message after the replace'));
  const after = ap.locator('li.cd-document', { has: ap.locator('h3', { hasText: 'Identity document' }) });
  if ((await after.locator('.cd-notice-error').count()) > 0) fail(`replace failed: ${await after.locator('.cd-notice-error').textContent()}`);
  if ((await after.locator('.cd-file-name', { hasText: path.basename(pdfPath) }).count()) !== 1) fail('the replacing PDF is not the current file');
  await after.locator('details.cd-archive summary').click();
  const archiveRows = after.locator('details.cd-archive table tbody tr');
  if ((await archiveRows.count()) < 2) fail(`the archive shows ${await archiveRows.count()} rows, expected the deleted and the replaced versions`);
  if ((await after.locator('details.cd-archive', { hasText: path.basename(pngPath) }).count()) !== 1) fail('the replaced PNG is not in the archive');
  await after.locator('details.cd-archive').scrollIntoViewIfNeeded();
  await shot(ap, '07-admin-tab-archive');

  // 6. Admin: delete the client; nothing of it stays on disk or in the bucket; other clients' files stay.
  const clientFiles = `files/${clientId}`;
  const clientDir = path.join(dataDir, 'plugins', 'client-documents', clientFiles);
  const before = await moduleFiles(host, clientFiles);
  if (before.length < 3) fail(`expected the client's files, thumbnail and versions under ${clientFiles}, found ${before}`);
  const othersBefore = (await moduleFiles(host)).filter((p) => !p.startsWith(`${clientFiles}/`));
  await ap.goto(`${host.url}/admin/clients/${clientId}`);
  await ap.locator(`form[action$="/admin/clients/${clientId}/delete"] button[type="submit"]`).click();
  await expectUrl(ap, /\/admin\/clients\?notice=deleted/, 'client deletion');
  await shot(ap, '08-admin-client-deleted');
  const leftInDir = await moduleFiles(host, clientFiles);
  if (fs.existsSync(clientDir) || leftInDir.length > 0) fail(`files of the deleted client remain: ${leftInDir}`);
  for (const p of before) if (fs.existsSync(path.join(clientDir, p))) fail(`left behind: ${p}`);
  const othersAfter = new Set(await moduleFiles(host));
  const lost = othersBefore.filter((p) => !othersAfter.has(p));
  if (lost.length > 0) fail(`other clients' files disappeared: ${lost.slice(0, 5)}`);
  const resp = await ap.goto(`${host.url}/admin/clients/${clientId}`);
  if (resp.status() !== 404) fail(`the deleted client's profile answers ${resp.status()}`);

  fs.rmSync(pngPath, { force: true });
  fs.rmSync(pdfPath, { force: true });
  await phone.close();
  await admin.context.close();
}

await runBrowserTest('documents', binary, ({ browser, host, dataDir }) => run(browser, host, dataDir));
