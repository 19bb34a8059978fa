// tests/browser/run.mjs — browser test of sample-host: headless Debian Chromium (playwright-core) drives a
// demo host: an admin logs in, filters the client list, opens a profile; a client logs into the reserved area.
// Usage: node run.mjs [path/to/sample-host] [--require-plugin]   (default: <repo>/build/sample-host)
// With --require-plugin the client-documents plugin must be loaded, and its column, profile box and tab,
// settings page and reserved-area page are checked inside the host's layout too.
// Screenshots of every page go to tests/browser/screenshots/ (gitignored).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectUrl, fail, runBrowserTest, sampleHostBinary } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const requirePlugin = args.includes('--require-plugin');
const binary = sampleHostBinary(args);
const shots = path.join(here, 'screenshots');

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

// The page must not scroll sideways as a whole (tables scroll inside their own box).
async function checkNoHorizontalOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 1) fail(`${what}: the page is ${overflow}px wider than the phone screen`);
}


async function adminFlow(browser, host) {
  if (!host.admin) fail('the demo did not print admin credentials');
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${host.url}/admin/clients`);
  await expectUrl(page, /\/admin\/login/, 'anonymous admin page');
  await shot(page, '01-admin-login');
  await page.getByLabel('Email address').fill(host.admin.email);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (!(await page.getByRole('alert').textContent()).includes('Wrong email or password')) fail('no error on a wrong password');
  await page.getByLabel('Email address').fill(host.admin.email);
  await page.getByLabel('Password').fill(host.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectUrl(page, /\/admin\/clients$/, 'admin login');
  const csrf = await page.getAttribute('meta[name="csrf-token"]', 'content');
  if (!csrf) fail('no CSRF token in the admin layout');
  const allRows = await page.locator('table.table tbody tr').count();
  if (allRows < 2) fail(`the demo list shows ${allRows} rows`);
  await shot(page, '02-admin-clients');

  // Filter by language through the filter form (a host filter from HookRegistry::ListFilters).
  const filters = page.locator('details.filters');
  if (!(await filters.evaluate((d) => d.open))) await filters.locator('summary').click();
  const language = page.locator('select[name="filter[language]"]');
  if ((await language.count()) !== 1) fail('no language filter on the client list');
  const options = await language.locator('option').evaluateAll((os) => os.map((o) => o.value).filter((v) => v));
  if (options.length === 0) fail('the language filter offers no choice');
  const wanted = options.includes('fr') ? 'fr' : options[0];
  await language.selectOption(wanted);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expectUrl(page, /filter%5Blanguage%5D=|filter\[language\]=/, 'filtered list');
  const badges = await page.locator('table.table tbody td .client-language').allTextContents();
  if (badges.length === 0) fail(`filter language=${wanted} shows no client`);
  if (badges.some((b) => b.trim() !== wanted)) fail(`filter language=${wanted} shows other languages: ${badges}`);
  await shot(page, '03-admin-clients-filtered');

  // Sort by email descending through the header link.
  await page.locator('th a', { hasText: 'Email' }).click();
  await expectUrl(page, /sort=email/, 'sort by email');

  // Open the first profile.
  const first = page.locator('table.table tbody tr td a').first();
  const name = (await first.textContent()).trim();
  await first.click();
  await expectUrl(page, /\/admin\/clients\/\d+$/, 'open profile');
  if (!(await page.locator('h1.page-title').textContent()).trim()) fail('the profile has no title');
  for (const section of ['Personal', 'Contact', 'Address', 'Billing', 'Login', 'Action history']) {
    if ((await page.getByText(section, { exact: true }).count()) === 0) fail(`the profile lacks the section ${section}`);
  }
  const forms = await page.locator('form[method="post"]').evaluateAll((fs) => fs.map((f) => !!f.querySelector('input[name="_csrf"]')));
  if (forms.length === 0 || forms.some((ok) => !ok)) fail('a POST form of the profile lacks _csrf');
  await shot(page, '04-admin-profile');
  console.log(`browser_host: admin opened the profile of ${name}`);

  // Add a custom history entry (an action, SPEC H13) and see it listed.
  await page.locator('details.add-note summary').click();
  await page.getByLabel('Title', { exact: true }).fill('Called the client <b>');
  await page.getByRole('button', { name: 'Add the action' }).click();
  await expectUrl(page, /notice=action_added/, 'add a history entry');
  if ((await page.locator('.timeline li', { hasText: 'Called the client <b>' }).count()) !== 1) fail('the new history entry is not listed');

  await page.goto(`${host.url}/admin/plugins`);
  await shot(page, '05-admin-plugins');
  if (requirePlugin) await pluginPages(page, host);

  // The language switcher: French admin pages.
  await page.goto(`${host.url}/admin/clients`);
  await page.locator('.sidebar .lang-switch button[lang="fr"]').click();
  await page.waitForLoadState('load');
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== 'fr') fail(`after switching to French the admin page is lang=${lang}`);
  await shot(page, '06-admin-clients-after-switch');

  // A phone: the list must stay usable (no page-wide horizontal scroll).
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    storageState: await context.storageState() });
  const phonePage = await phone.newPage();
  await phonePage.goto(`${host.url}/admin/clients`);
  await checkNoHorizontalOverflow(phonePage, 'client list on a phone');
  await shot(phonePage, '07-admin-clients-phone');
  await phone.close();

  // Issue 15.14: a 1366x768 laptop (the sidebar and the plugins' columns included) sees the whole
  // client list without scrolling it sideways: nothing wider than the screen, and the table no
  // wider than its box, so its last column's right edge is inside the screen. (Sideways scrolling
  // inside the box stays the last resort for phones, checked above.) In English and French.
  const laptop = await browser.newContext({ viewport: { width: 1366, height: 768 }, storageState: await context.storageState() });
  const laptopPage = await laptop.newPage();
  for (const language of ['fr', 'en']) {
    await laptopPage.goto(`${host.url}/admin/clients`);
    if ((await laptopPage.getAttribute('html', 'lang')) !== language) {
      await laptopPage.locator(`.sidebar .lang-switch button[lang="${language}"]`).click();
      await laptopPage.waitForLoadState('load');
    }
    await checkNoHorizontalOverflow(laptopPage, `client list at 1366 px (${language})`);
    const fit = await laptopPage.evaluate(() => {
      const wrap = document.querySelector('.table-wrap');
      const table = wrap && wrap.querySelector('table.table');
      if (!table) return null;
      const headers = [...table.querySelectorAll('thead th')].map((th) => th.getBoundingClientRect().right);
      return { viewport: document.documentElement.clientWidth, wrapRight: wrap.getBoundingClientRect().right,
        tableWidth: Math.round(table.getBoundingClientRect().width), wrapWidth: wrap.clientWidth,
        lastHeaderRight: Math.max(...headers), columns: headers.length };
    });
    if (!fit) fail('no client table at 1366 px');
    if (fit.columns < 10) fail(`the client list at 1366 px has only ${fit.columns} columns`);
    if (fit.wrapRight > fit.viewport + 1) fail(`the table's box ends at ${fit.wrapRight}px, past the ${fit.viewport}px screen`);
    if (fit.tableWidth > fit.wrapWidth + 1 || fit.lastHeaderRight > Math.min(fit.wrapRight, fit.viewport) + 1) {
      fail(`at 1366 px (${language}) the client table is ${fit.tableWidth}px in a ${fit.wrapWidth}px box: its last columns are cut`);
    }
  }
  await shot(laptopPage, '07b-admin-clients-1366');
  await laptop.close();
  await context.close();
}

// The client-documents plugin's contributions, seen inside the host's pages.
async function pluginPages(page, host) {
  const loaded = page.locator('table.table tbody tr', { hasText: 'client-documents' });
  if ((await loaded.count()) !== 1) fail('client-documents is not listed on /admin/plugins');
  if ((await loaded.locator('.badge-ok').count()) !== 1) fail(`client-documents is not loaded: ${await loaded.textContent()}`);
  await loaded.getByRole('link').click();
  await expectUrl(page, /\/admin\/plugins\/client-documents\/settings/, 'plugin settings');
  const forms = await page.locator('form[method="post" i]').evaluateAll((fs) => fs.map((f) => !!f.querySelector('input[name="_csrf"]')));
  if (forms.some((ok) => !ok)) fail('a POST form of the plugin settings page lacks _csrf');
  await shot(page, '05b-plugin-settings');
  await page.goto(`${host.url}/admin/clients`);
  const headers = await page.locator('table.table thead th').allTextContents();
  if (!headers.some((h) => h.trim().length > 0 && h.includes('Documents'))) console.log(`browser_host: note: list headers ${headers.map((h) => h.trim())}`);
  if ((await page.locator('th.plugin-col').count()) === 0) fail('the client list shows no plugin column');
  await page.locator('table.table tbody tr td a').first().click();
  await expectUrl(page, /\/admin\/clients\/\d+$/, 'open profile (plugin)');
  if ((await page.locator('.profile-side .box').count()) === 0) fail('the profile shows no plugin summary box');
  const tabs = page.locator('nav.tabs a');
  if ((await tabs.count()) < 2) fail('the profile shows no plugin tab');
  await shot(page, '05c-profile-with-plugin');
  await tabs.nth(1).click();
  await expectUrl(page, /\/tabs\//, 'open plugin tab');
  await shot(page, '05d-profile-plugin-tab');
}

async function clientFlow(browser, host) {
  if (host.clients.length === 0) fail('the demo did not print client credentials');
  const client = host.clients[0];
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${host.url}/account/profile`);
  await expectUrl(page, /\/account\/login/, 'anonymous reserved area');
  // The language switch works before login (a `lang` cookie) and keeps the page's `next`.
  await page.locator('.lang-switch button[lang="nl"]').click();
  await expectUrl(page, /\/account\/login/, 'language switch on the login page');
  if ((await page.getAttribute('html', 'lang')) !== 'nl') fail('the login page did not switch to Dutch');
  if ((await page.getByLabel('E-mailadres').count()) !== 1) fail('the Dutch login page has no "E-mailadres" label');
  await page.getByLabel(/Email address|Adresse e-mail|E-mailadres/).fill(client.email);
  await page.getByLabel(/Password|Mot de passe|Wachtwoord/).fill(client.password);
  await shot(page, '08-account-login-phone');
  await page.getByRole('button', { name: /^(Log in|Se connecter|Aanmelden)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/account/login'), { timeout: 10000 })
    .catch(() => fail(`client login stayed on ${page.url()}`));
  if (!page.url().includes('/account')) fail(`client login went to ${page.url()}`);
  await checkNoHorizontalOverflow(page, 'reserved area on a phone');
  await shot(page, '09-account-after-login-phone');
  await page.goto(`${host.url}/account`);
  const menu = await page.locator('.sidebar ul a').allTextContents();
  if (menu.length < 2) fail(`the reserved-area menu has ${menu.length} entries`);
  await shot(page, '10-account-home-phone');
  await page.goto(`${host.url}/account/profile`);
  // Either the profile or a plugin gate's redirect (e.g. mandatory documents) is a correct answer.
  await shot(page, '11-account-profile-phone');
  if (requirePlugin) {
    await page.goto(`${host.url}/account/documents`);
    if (!page.url().includes('/account/documents')) fail(`/account/documents went to ${page.url()}`);
    if ((await page.locator('.sidebar ul a[aria-current="page"]').count()) !== 1) fail('no active menu entry on /account/documents');
    await checkNoHorizontalOverflow(page, 'documents page on a phone');
    await shot(page, '12-account-documents-phone');
  }
  console.log(`browser_host: client ${client.email} landed on ${page.url()}; menu: ${menu.map((m) => m.trim()).join(', ')}`);
  await context.close();
}

await runBrowserTest('browser_host', binary, async ({ browser, host }) => {
  console.log(`browser_host: sample-host at ${host.url}`);
  await adminFlow(browser, host);
  await clientFlow(browser, host);
});
