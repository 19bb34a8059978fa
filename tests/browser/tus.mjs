// tests/browser/tus.mjs — resumable uploads in a browser (SPEC X2, issue 9): a client on a phone
// uploads a PNG through the client area's widget (tus-js-client, in 256 KiB PATCHes here), one
// PATCH is cut (playwright aborts it), and the widget resumes from the offset the server kept, not
// from zero. The document is then shown as uploaded and its download has the same SHA-256.
// Usage: node tests/browser/tus.mjs [path/to/sample-host]   (default: <repo>/build/sample-host)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, runBrowserTest, sampleHostBinary } from './harness.mjs';
import { makePng } from './png.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = sampleHostBinary(process.argv.slice(2));
const shots = path.join(here, 'screenshots');

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

async function run(browser, host) {
  if (host.clients.length === 0) fail('the demo printed no client credentials');
  const client = host.clients[0];
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(`${host.url}/account/login`);
  await page.getByLabel('Email address').fill(client.email);
  await page.getByLabel('Password').fill(client.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/account') && !url.pathname.startsWith('/account/login'),
    { timeout: 15000 }).catch(() => fail(`login: got ${page.url()}`));
  await page.goto(`${host.url}/account/documents`);
  const asset = await page.request.get(`${host.url}/assets/plugins/client-documents/tus.min.js`);
  if (asset.status() !== 200) fail(`tus.min.js answers ${asset.status()} (run .ci/install-deps, then rebuild)`);
  if (!(await page.evaluate(() => !!(window.tus && window.tus.isSupported)))) fail('tus-js-client did not load in the page');

  // The first document that takes a PNG.
  const item = page.locator('li.cd-document', { has: page.locator('form.cd-upload input[type="file"][accept*="image/png"]') }).first();
  if ((await item.count()) !== 1) fail('no document of the demo client accepts a PNG');
  const form = item.locator('form.cd-upload:not(.cd-add)');
  const typeId = await form.getAttribute('data-cd-type');
  for (const input of await form.locator('.cd-fields input[required]').all()) {
    await input.fill((await input.getAttribute('type')) === 'date' ? '2024-05-17' : 'TUS-1');
  }
  await form.evaluate((f) => f.setAttribute('data-cd-tus-chunk', String(256 * 1024)));
  const png = makePng(700, 600); // ~1.2 MB of noise: five PATCHes
  const pngPath = path.join(os.tmpdir(), `cd-tus-${process.pid}.png`);
  fs.writeFileSync(pngPath, png);
  await form.locator('input[type="file"]').setInputFiles(pngPath);

  // Every PATCH's Upload-Offset; the third one is cut before it reaches the server.
  const patches = [];
  let heads = 0;
  let cut = null;
  await page.route('**/account/documents/uploads/*', async (route) => {
    const request = route.request();
    if (request.method() === 'HEAD') heads += 1;
    if (request.method() !== 'PATCH') return route.continue();
    const offset = Number(request.headers()['upload-offset']);
    patches.push(offset);
    if (patches.length === 3 && cut === null) {
      cut = offset;
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await form.locator('button[type="submit"]').click();
  const bar = form.locator('progress.cd-progress');
  await bar.waitFor({ state: 'visible', timeout: 5000 }).catch(() => fail('the progress bar did not appear'));
  await page.waitForURL(new RegExp(`/account/documents\\?uploaded=${typeId}`), { timeout: 60000 })
    .catch(() => fail(`the upload did not finish (PATCH offsets ${patches}, url ${page.url()})`));

  if (cut === null || cut === 0) fail(`no PATCH was cut after the first bytes (offsets ${patches})`);
  const resumed = patches.slice(3);
  if (resumed[0] !== cut) fail(`after the cut the widget sent offset ${resumed[0]}, expected ${cut} (offsets ${patches})`);
  if (heads < 1) fail('the widget did not ask the server for the offset (HEAD) after the cut');
  if (patches.includes(0, 1)) fail(`the upload started again from zero (offsets ${patches})`);

  const done = page.locator(`li.cd-document#cd-doc-${typeId}`);
  if ((await done.locator('.cd-status-yes').count()) !== 1) fail('the document is not shown as uploaded');
  if ((await done.locator('.cd-file-name').first().textContent()).trim() !== path.basename(pngPath)) fail('the file name is not shown');
  const href = await done.locator('a.cd-link[href*="/files/"]').last().getAttribute('href');
  const download = await page.request.get(`${host.url}${href}`);
  if (download.status() !== 200) fail(`the download answers ${download.status()}`);
  if (sha256(await download.body()) !== sha256(png)) fail('the stored file differs from the one sent');
  await page.screenshot({ path: path.join(shots, 'tus-01-uploaded-phone.png'), fullPage: true });
  console.log(`tus: PATCH offsets ${patches.join(', ')}; cut at ${cut}, resumed there after ${heads} HEAD(s)`);
  fs.rmSync(pngPath, { force: true });
  await phone.close();
}

await runBrowserTest('tus', binary, ({ browser, host, dataDir }) => run(browser, host));
