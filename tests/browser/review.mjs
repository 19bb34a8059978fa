// tests/browser/review.mjs — issue 11's browser test (PT5) in a demo sample-host (headless Chromium):
// the identity document asks for review; a French-speaking client sends it from a phone (pending), staff
// reject it with a reason, the client sees the reason in French and sends it again, staff approve, and
// the client list's Documents column says Yes.
// Usage: node tests/browser/review.mjs [path/to/sample-host]   (default: <repo>/build/sample-host)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminToken, expectUrl, fail, runBrowserTest, sampleHostBinary } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = sampleHostBinary(process.argv.slice(2));


// The API with a token of the demo admin (made with the CLI, as an integrator would).
function apiClient(host) {
  const token = adminToken(binary, host);
  return async (method, p, body) => {
    const r = await fetch(`${host.url}${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) fail(`${method} ${p}: ${r.status} ${text}`);
    return JSON.parse(text);
  };
}

async function clientUploads(cp, host, typeId, pdfPath, what) {
  await cp.goto(`${host.url}/account/documents`);
  const form = cp.locator(`li.cd-document#cd-doc-${typeId} form.cd-upload:not(.cd-add)`);
  if ((await form.count()) !== 1) fail(`${what}: no upload form for the identity document`);
  await form.locator('input[name="date_of_issue"]').fill('2024-05-17');
  await form.locator('input[name="place_of_issue"]').fill('Liège');
  await form.locator('input[type="file"]').setInputFiles(pdfPath);
  await form.locator('button[type="submit"]').click();
  await expectUrl(cp, /\/account\/documents\?uploaded=\d+/, what);
  const state = cp.locator(`li.cd-document#cd-doc-${typeId} [data-cd-state]`);
  if ((await state.getAttribute('data-cd-state')) !== 'pending') fail(`${what}: the document is not pending`);
  if ((await state.textContent()).trim() !== 'En attente de vérification') fail(`${what}: the state is not in French: ${await state.textContent()}`);
}

async function staffReviews(ap, host, clientId, typeId, decision, reason) {
  await ap.goto(`${host.url}/admin/clients/${clientId}/tabs/documents`);
  const doc = ap.locator(`li.cd-document#cd-doc-${typeId}`);
  if ((await doc.locator('.cd-review').count()) !== 1) fail(`${decision}: no review buttons on the Documents tab`);
  if (decision === 'reject') {
    await doc.locator('form.cd-reject textarea[name="reason"]').fill(reason);
    await doc.locator('[data-cd-reject]').click();
  } else {
    await doc.locator('[data-cd-approve]').click();
  }
  await ap.waitForLoadState('load');
  await ap.goto(`${host.url}/admin/clients/${clientId}/tabs/documents`);
  const want = decision === 'reject' ? 'rejected' : 'approved';
  const state = await ap.locator(`li.cd-document#cd-doc-${typeId} [data-cd-state]`).getAttribute('data-cd-state');
  if (state !== want) fail(`${decision}: the document is ${state}, not ${want}`);
}

async function run({ browser, host }) {
  if (!host.admin || host.clients.length === 0) fail('the demo printed no admin or client credentials');
  const client = host.clients[host.clients.length - 1];
  const api = apiClient(host);
  const types = await api('GET', '/api/v1/plugins/client-documents/types');
  const identity = (types.items ?? types).find((t) => (t.names?.en ?? t.name) === 'Identity document');
  if (!identity) fail('no "Identity document" type in the demo');
  await api('PATCH', `/api/v1/plugins/client-documents/types/${identity.id}`, { review: true });
  const found = await api('GET', `/api/v1/clients?q=${encodeURIComponent(client.email)}`);
  if (found.items.length !== 1) fail(`${client.email} is not found once in the client list`);
  const clientId = found.items[0].id;
  await api('PATCH', `/api/v1/clients/${clientId}`, { language: 'fr' });

  const pdfPath = path.join(os.tmpdir(), `cd-review-${process.pid}.pdf`);
  fs.writeFileSync(pdfPath, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

  // 1. The client, on a phone, sends the document: it waits for staff.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
  const cp = await phone.newPage();
  await cp.goto(`${host.url}/account/login`);
  await cp.locator('input[type="email"], input[name="email"]').first().fill(client.email);
  await cp.locator('input[type="password"]').first().fill(client.password);
  await cp.locator('form button[type="submit"]').first().click();
  await cp.waitForLoadState('load');
  await clientUploads(cp, host, identity.id, pdfPath, 'first upload');

  // 2. Staff reject it with a reason.
  const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ap = await desk.newPage();
  await ap.goto(`${host.url}/admin/login`);
  await ap.getByLabel('Email address').fill(host.admin.email);
  await ap.getByLabel('Password').fill(host.admin.password);
  await ap.getByRole('button', { name: 'Sign in' }).click();
  await expectUrl(ap, /\/admin\/clients$/, 'admin login');
  await staffReviews(ap, host, clientId, identity.id, 'reject', 'La photo est floue');

  // 3. The client sees the state and the reason in French, then sends it again.
  await cp.goto(`${host.url}/account/documents`);
  const doc = cp.locator(`li.cd-document#cd-doc-${identity.id}`);
  if ((await doc.locator('[data-cd-state]').textContent()).trim() !== 'Refusé') fail('the client does not read "Refusé"');
  const reason = (await doc.locator('.cd-reason').textContent()).trim();
  if (reason !== 'Motif : La photo est floue') fail(`the client reads the reason as "${reason}"`);
  const overflow = await cp.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 1) fail(`My documents is ${overflow}px wider than the phone`);
  await cp.screenshot({ path: path.join(here, 'screenshots', 'review-rejected-phone.png'), fullPage: true });
  await clientUploads(cp, host, identity.id, pdfPath, 'second upload');

  // 4. Staff approve; the list's column says Yes for this client.
  await staffReviews(ap, host, clientId, identity.id, 'approve');
  await ap.goto(`${host.url}/admin/clients?q=${encodeURIComponent(client.email)}`);
  const header = ap.locator('table.table thead th', { hasText: 'Documents' });
  if ((await header.count()) !== 1) fail('no Documents column in the client list');
  const col = await header.evaluate((th) => Array.prototype.indexOf.call(th.parentElement.children, th));
  const row = ap.locator('table.table tbody tr', { hasText: client.email });
  const value = (await row.locator('td').nth(col).textContent()).trim();
  if (value !== 'Yes') fail(`the Documents column says "${value}" after the approval`);
  const stored = await api('GET', `/api/v1/plugins/client-documents/clients/${clientId}/documents/${identity.id}`);
  if (stored.status !== 'approved' || stored.review?.state !== 'approved') fail(`the API says ${stored.status}`);

  fs.rmSync(pdfPath, { force: true });
  await phone.close();
  await desk.close();
}

await runBrowserTest('browser_review', binary, run);
