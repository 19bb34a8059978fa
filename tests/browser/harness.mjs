// tests/browser/harness.mjs — what the browser tests share: the sample-host binary to drive, a demo host
// started on a free port (its URL and printed credentials) on SQLite + files or, when CTest sets
// CRM_E2E_PG_URL and CRM_E2E_S3_URL (the `.pg` runs), on a fresh PostgreSQL database + S3 bucket, and
// Debian's Chromium launched headless.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

// The sample-host to drive: the first argument that is not an option, else $SAMPLE_HOST, else
// <repo>/build/sample-host (or <repo>/build/bin/sample-host when only that one exists).
export function sampleHostBinary(args) {
  const binaryArg = args.find((a) => !a.startsWith('--'));
  const defaultBinary = [path.join(repo, 'build', 'sample-host'), path.join(repo, 'build', 'bin', 'sample-host')]
    .find((p) => fs.existsSync(p)) || path.join(repo, 'build', 'sample-host');
  return path.resolve(binaryArg || process.env.SAMPLE_HOST || defaultBinary);
}

// The engines of this run, from the environment CTest gives the `.pg` runs (as the e2e suites get
// theirs, tests/support/e2e_env.h): CRM_E2E_PG_URL, a database URL of a PostgreSQL server, and
// CRM_E2E_S3_URL, s3://BUCKET?endpoint=http://HOST:PORT&region=R (s3rver's keys unless
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY say otherwise). Each run gets a fresh database
// crm_browser_<random> and a fresh bucket (s3rver takes an unsigned PUT). Resolves to
// { database, store, drop() } (null URLs on SQLite + files); throws when one cannot be made.
async function makeEngines(name) {
  const engines = { database: null, store: null, drop: () => {} };
  const server = process.env.CRM_E2E_PG_URL;
  const s3 = process.env.CRM_E2E_S3_URL;
  const unique = `${Date.now()}_${crypto.randomBytes(4).toString('hex')}`;
  if (server) {
    const db = `crm_browser_${unique}`;
    const psql = (sql) => spawnSync('psql', [server, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
    const made = psql(`CREATE DATABASE ${db}`);
    if (made.status !== 0) throw new Error(`${name}: cannot create database ${db}: ${made.stdout}${made.stderr}${made.error ?? ''}`);
    engines.database = server.replace(/\/[^/?]*(\?.*)?$/, `/${db}`);
    engines.drop = () => psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
  if (s3) {
    const m = s3.match(/^s3:\/\/[^?]+\?(.*)$/);
    const endpoint = m && new URLSearchParams(m[1]).get('endpoint');
    if (!endpoint) throw new Error(`CRM_E2E_S3_URL: s3://BUCKET?endpoint=http://HOST:PORT&... expected, got ${s3}`);
    const bucket = `browser-${unique.replace('_', '-')}`;
    const res = await fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
    if (res.status !== 200) throw new Error(`${name}: cannot make bucket ${bucket}: ${res.status} ${await res.text()}`);
    engines.store = `s3://${bucket}?${m[1]}`;
  }
  return engines;
}

// The `--database URL` arguments of the host's CLI commands (none on SQLite).
export function databaseArgs(host) {
  return host.database ? ['--database', host.database] : [];
}

// A token of the demo admin with every scope, made with the CLI as an integrator would
// (`sample-host create-token`); a failure fails the test.
export function adminToken(binary, host) {
  const made = spawnSync(binary, ['create-token', '--data', host.dataDir, ...databaseArgs(host), '--email', host.admin.email],
    { encoding: 'utf8' });
  const token = (made.stdout ?? '').trim().split('\n').pop().trim();
  if (made.status !== 0 || !token.startsWith('crm_')) fail(`create-token: ${made.stdout}${made.stderr}`);
  return token;
}

// Every file the module stored under `sub` (e.g. `files/12`; '' for all), relative to it: in its folder
// of the data folder and, with --store, the objects of its prefix in the bucket (an unsigned list, which
// s3rver answers).
export async function moduleFiles(host, sub = '') {
  const dir = path.join(host.dataDir, 'plugins', 'client-documents', sub);
  const out = fs.existsSync(dir)
    ? fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    : [];
  if (!host.store) return out;
  const m = host.store.match(/^s3:\/\/([^?]+)\?(.*)$/);
  const endpoint = new URLSearchParams(m[2]).get('endpoint');
  const prefix = `plugins/client-documents/${sub ? `${sub}/` : ''}`;
  let token = '';
  for (;;) {
    const query = new URLSearchParams({ 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
    const res = await fetch(`${endpoint}/${m[1]}?${query}`);
    const xml = await res.text();
    if (res.status !== 200) fail(`listing the bucket ${m[1]}: ${res.status} ${xml}`);
    for (const k of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) out.push(k[1].slice(prefix.length));
    const next = xml.match(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/);
    if (!next) return out;
    token = next[1];
  }
}

// Starts `sample-host serve --demo` on a free port (with `--database` and `--store` from `engines`)
// and reads the URL and demo credentials it prints. Resolves to { child, url, admin: { email,
// password }, clients: [{ email, password }], output, dataDir, database, store }.
export function startDemoHost(binary, dataDir, engines = {}) {
  return new Promise((resolve, reject) => {
    const args = ['serve', '--demo', '--data', dataDir, '--port', '0'];
    if (engines.database) args.push('--database', engines.database);
    if (engines.store) args.push('--store', engines.store);
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', ...process.env };
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const info = {
      child, url: null, admin: null, clients: [], output: '', dataDir,
      database: engines.database ?? null, store: engines.store ?? null,
    };
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 60 s:\n${info.output}`)), 60000);
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      info.output += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        let m;
        if ((m = line.match(/^demo: admin\s+\S+\s+(\S+)\s+password\s+(\S+)/))) info.admin = { email: m[1], password: m[2] };
        if ((m = line.match(/^demo: client\s+\S+\s+(\S+)\s+password\s+(\S+)/))) info.clients.push({ email: m[1], password: m[2] });
        if ((m = line.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)/))) {
          info.url = m[1];
          clearTimeout(timer);
          resolve(info);
        }
      }
    });
    child.stderr.on('data', (chunk) => { info.output += chunk.toString(); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sample-host exited with ${code} before listening:\n${info.output}`));
    });
  });
}

// Launches Chromium at chromiumPath headless through playwright-core's `chromium`.
export function launchChromium(chromium) {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

// A failed expectation of a browser test: its message is the whole report (no stack).
export class TestFailure extends Error {}
export function fail(message) {
  throw new TestFailure(message);
}

// Waits until `page` is at a URL matching `regex`; fails with `what` otherwise.
// A new page signed in as the demo's admin, on the profile of the demo's first client.
export async function openFirstClientAsAdmin(browser, host) {
  const desk = await (await browser.newContext()).newPage();
  await desk.goto(`${host.url}/admin/login`);
  await desk.getByLabel('Email address').fill(host.admin.email);
  await desk.getByLabel('Password').fill(host.admin.password);
  await desk.getByRole('button', { name: 'Sign in' }).click();
  await expectUrl(desk, /\/admin\/clients$/, 'admin login');
  await desk.goto(`${host.url}/admin/clients?q=${encodeURIComponent(host.clients[0].email)}`);
  await desk.locator('table.table tbody tr td a').first().click();
  await expectUrl(desk, /\/admin\/clients\/\d+$/, 'open the profile');
  return { desk, profileUrl: desk.url() };
}

export async function expectUrl(page, regex, what, timeout = 15000) {
  await page.waitForURL(regex, { timeout })
    .catch((e) => fail(`${what}: expected URL ${regex}, got ${page.url()} (${String(e.message).split('\n')[0]})`));
}

// The signed-link URLs (PT1) of the outbox mails to `address` (quoted-printable soft breaks undone).
export function mailedLinks(dataDir, address) {
  const dir = path.join(dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const name of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8').replace(/=\r?\n/g, '');
    if (!text.includes(`To: ${address}`)) continue;
    const m = text.match(/https?:\/\/\S+\/p\/client-documents\/l\/[A-Za-z0-9_-]{43}/);
    if (m) out.push(m[0]);
  }
  return out;
}

// Runs the browser test `name` the same way every time: missing tools (Chromium, playwright-core,
// the sample-host binary) fail, never skip; a demo host starts in a fresh data folder (prefix
// `name`), on the engines of the run (makeEngines), and Chromium headless;
// `body({ browser, host, dataDir })` drives them. Prints
// `name: PASS` or `name: FAIL: why` (with the host's last output when the error was not a
// TestFailure), stops the browser and the host, removes the folder, and exits 0 or 1.
export async function runBrowserTest(name, binary, body) {
  for (const [what, p] of [['chromium', chromiumPath], ['playwright-core', path.join(here, 'node_modules', 'playwright-core')],
    ['sample-host', binary]]) {
    if (!fs.existsSync(p)) {
      console.error(`${name}: FAIL: ${what} not found at ${p} (run: bash .ci/install-deps --browser, then build)`);
      process.exit(1);
    }
  }
  const { chromium } = await import('playwright-core');
  fs.mkdirSync(path.join(here, 'screenshots'), { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  let host = null;
  let browser = null;
  let engines = null;
  let code = 0;
  try {
    engines = await makeEngines(name);
    if (engines.database || engines.store) console.log(`${name}: on ${engines.database} and ${engines.store}`);
    host = await startDemoHost(binary, dataDir, engines);
    browser = await launchChromium(chromium);
    await body({ browser, host, dataDir });
    console.log(`${name}: PASS`);
  } catch (e) {
    code = 1;
    console.error(`${name}: FAIL: ${e instanceof TestFailure ? e.message : e.stack || e}`);
    // Whether the host was still up, and its last words, whatever failed (a crash shows in the
    // browser only as a page that cannot be reached).
    if (host) {
      const { exitCode, signalCode } = host.child;
      const state = exitCode === null && signalCode === null ? 'still running' : `exited (code ${exitCode}, signal ${signalCode})`;
      console.error(`${name}: the host was ${state}; its last output:\n${host.output.slice(-3000)}`);
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (host) {
      // Waits for the host to exit (up to 10 s, then SIGKILL): on SIGTERM it stops its workers,
      // and LibreOffice may still be writing its profile in the folder (removing the folder
      // under it failed with ENOTEMPTY in a CI run).
      const { child } = host;
      child.removeAllListeners('exit');
      const running = () => child.exitCode === null && child.signalCode === null;
      const exited = running() ? new Promise((resolve) => child.once('exit', resolve)) : null;
      child.kill('SIGTERM');
      if (exited) {
        let timer;
        await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 10000); })]);
        clearTimeout(timer);
        if (running()) child.kill('SIGKILL');
      }
    }
    engines?.drop(); // WITH (FORCE): the host may still hold a connection for a moment
    // A worker's own child may outlive the host by a moment: retry what it was still writing.
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
  process.exit(code);
}
