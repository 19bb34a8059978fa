// tests/browser/client_pager.mjs — issue 10 in a browser: on the admin client list (desktop), with
// more than 1,000 matches Previous and Next follow the page's cursors (keyset paging): Next twice
// and Previous once show the right clients, in order, with the page number.
// Usage: node client_pager.mjs [path/to/sample-host]
import { adminToken, expectUrl, fail, runBrowserTest, sampleHostBinary } from './harness.mjs';

const binary = sampleHostBinary(process.argv.slice(2));
const kClients = 1005;  // past the 1,000 under which the pager keeps page numbers

await runBrowserTest('browser_client_pager', binary, async ({ browser, host }) => {
  if (!host.admin) fail('the demo printed no admin login');
  const token = adminToken(binary, host);
  const name = (i) => `P${String(i).padStart(4, '0')}`;
  // A few at a time: the host answers 503 when its PostgreSQL pool is busy, which is not what is tested.
  for (let start = 1; start <= kClients; start += 4) {
    const batch = [];
    for (let i = start; i < start + 4 && i <= kClients; ++i) {
      batch.push(fetch(`${host.url}/api/v1/clients`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ first_name: name(i), last_name: 'Keysetpager', email: `pager${i}@example.org` }),
      }).then((r) => { if (r.status !== 201) fail(`create client ${i}: ${r.status}`); }));
    }
    await Promise.all(batch);
  }
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${host.url}/admin/login`);
  await page.getByLabel('Email address').fill(host.admin.email);
  await page.getByLabel('Password').fill(host.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectUrl(page, /\/admin\/clients$/, 'admin login');
  await page.goto(`${host.url}/admin/clients?q=keysetpager&sort=first_name&per_page=10`);

  const shown = async () => (await page.locator('table.table tbody tr').allTextContents())
    .map((t) => (t.match(/P\d{4}/) || [''])[0]);
  const expectRows = async (from, what) => {
    const want = Array.from({ length: 10 }, (_, k) => name(from + k));
    const got = await shown();
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${what}: rows ${got.join(',')}, expected ${want.join(',')}`);
  };
  const summary = async () => (await page.locator('nav.pagination .muted').textContent()).trim();
  await expectRows(1, 'page 1');
  if (!(await summary()).includes('Page 1')) fail(`page 1 summary: ${await summary()}`);

  await page.locator('nav.pagination a[rel="next"]').click();
  await expectUrl(page, /[?&]after=/, 'Next by cursor');
  await expectRows(11, 'page 2');
  await page.locator('nav.pagination a[rel="next"]').click();
  await expectUrl(page, /[?&]after=/, 'Next again');
  await expectRows(21, 'page 3');
  if (!(await summary()).includes('Page 3')) fail(`page 3 summary: ${await summary()}`);
  if (!page.url().includes('q=keysetpager') || !page.url().includes('sort=first_name')) fail(`the filters were lost: ${page.url()}`);

  await page.locator('nav.pagination a[rel="prev"]').click();
  await expectUrl(page, /[?&]before=/, 'Previous by cursor');
  await expectRows(11, 'back to page 2');
  if (!(await summary()).includes('Page 2')) fail(`page 2 summary: ${await summary()}`);
  await page.locator('nav.pagination a[rel="prev"]').click();
  await expectRows(1, 'back to page 1');
  if ((await page.locator('nav.pagination a[rel="prev"]').count()) !== 0) fail('page 1 offers Previous');
});
