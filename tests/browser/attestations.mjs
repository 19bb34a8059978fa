// tests/browser/attestations.mjs — browser test of attestation requests (issue 13) in a demo sample-host (headless
// Chromium): an admin token uploads a .docx template with a {{motif}} field and attaches it to the AUTO product; a demo
// client on a phone opens "My contracts", requests an attestation for the paid AUTO contract, fills the motif, sends,
// and downloads the PDF (a real PDF made by the LibreOfficeKit worker).
// Usage: node tests/browser/attestations.mjs [path/to/sample-host]   (default: <repo>/build/sample-host)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { adminToken, fail, runBrowserTest, sampleHostBinary } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = sampleHostBinary(process.argv.slice(2));
const shots = path.join(here, 'screenshots');


// A zip of [name, content] entries, deflated (what Word writes), with its central directory.
function makeZip(entries) {
  const crcTable = new Int32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  const crc32 = (buf) => {
    let c = -1;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text, 'utf8');
    const packed = zlib.deflateRawSync(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0800, 6); // UTF-8 names
    head.writeUInt16LE(8, 8); // deflate
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(head, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += head.length + nameBuf.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

// A one-page .docx; "{{motif}}" is split across two runs, as Word often does.
function makeDocx() {
  const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  return makeZip([
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
      + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'],
    ['word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document ${w}><w:body>`
      + '<w:p><w:r><w:t xml:space="preserve">Attestation for {{client.last_name}}, contract {{contract.number}}. Reason: {{mo</w:t></w:r>'
      + '<w:r><w:t>tif}}</w:t></w:r></w:p></w:body></w:document>'],
  ]);
}

async function api(host, token, method, pathName, body, contentType = 'application/json') {
  const res = await fetch(`${host.url}${pathName}`, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType }, body,
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function run(browser, host) {
  if (!host.admin || host.clients.length === 0) fail('the demo printed no admin or client credentials');
  const token = adminToken(binary, host);
  const form = new FormData();
  form.append('name', 'Travel attestation');
  form.append('entity', 'contract');
  form.append('validation', 'none');
  form.append('file', new Blob([makeDocx()]), 'travel.docx');
  const created = await fetch(`${host.url}/api/v1/plugins/client-documents/templates`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form,
  });
  const tpl = JSON.parse(await created.text());
  if (created.status !== 201) fail(`template upload: ${created.status} ${JSON.stringify(tpl)}`);
  const patched = await api(host, token, 'PATCH', `/api/v1/plugins/client-documents/templates/${tpl.id}`,
    JSON.stringify({ placeholders: [{ key: 'motif', label: 'Reason for the attestation', default: '', required: true }] }));
  if (patched.status !== 200) fail(`template patch: ${patched.status} ${patched.text}`);
  const put = await api(host, token, 'PUT', '/api/v1/plugins/client-documents/products/AUTO/templates', JSON.stringify({ template_ids: [tpl.id] }));
  if (put.status !== 200) fail(`product templates: ${put.status} ${put.text}`);

  // The first demo client (it has a login and an active, paid AUTO contract) on a phone.
  const client = host.clients[0];
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, acceptDownloads: true });
  const page = await phone.newPage();
  await page.goto(`${host.url}/account/login`);
  await page.getByLabel('Email address').fill(client.email);
  await page.getByLabel('Password').fill(client.password);
  await page.locator('form button[type="submit"]').first().click();
  await page.waitForLoadState('load');
  await page.goto(`${host.url}/account/contracts`);
  const card = page.locator('article.contract', { hasText: 'AUTO-1001' });
  if ((await card.count()) !== 1) fail(`no AUTO-1001 card on /account/contracts: ${(await page.content()).slice(0, 500)}`);
  await page.screenshot({ path: path.join(shots, 'attest-contracts.png'), fullPage: true });
  await card.locator('a.button').click();
  await page.waitForURL(/\/attestation$/, { timeout: 15000 });
  const motif = page.locator('input[name="value.motif"]');
  if ((await motif.count()) !== 1) fail('no motif field on the request form');
  const box = await motif.boundingBox();
  if (!box || box.width > 390) fail('the motif field does not fit the phone screen');
  await motif.fill('Holiday in Spain');
  await page.screenshot({ path: path.join(shots, 'attest-form.png'), fullPage: true });
  await page.locator('form.attestation-request button[type="submit"]').click();
  await page.waitForLoadState('load');
  const link = page.locator('a[href*="/account/attestations/"]').first();
  if ((await link.count()) !== 1) fail(`no download link after sending: ${(await page.content()).slice(0, 800)}`);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), link.click()]);
  const file = await download.path();
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, 5).toString() !== '%PDF-') fail('the download is not a PDF');
  await phone.close();
}

await runBrowserTest('attestations', binary, ({ browser, host }) => run(browser, host));
