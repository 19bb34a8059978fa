// tests/browser/harness.mjs — what the browser tests share: the sample-host binary to drive, a demo host
// started on a free port (its URL and printed credentials), and Debian's Chromium launched headless.
import { spawn } from 'node:child_process';
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

// Starts `sample-host serve --demo` on a free port and reads the URL and demo credentials it prints.
// Resolves to { child, url, admin: { email, password }, clients: [{ email, password }], output }.
export function startDemoHost(binary, dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--demo', '--data', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const info = { child, url: null, admin: null, clients: [], output: '' };
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
export async function expectUrl(page, regex, what) {
  await page.waitForURL(regex, { timeout: 10000 }).catch(() => fail(`${what}: expected URL ${regex}, got ${page.url()}`));
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
// `name`) and Chromium headless; `body({ browser, host, dataDir })` drives them. Prints
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
  let code = 0;
  try {
    host = await startDemoHost(binary, dataDir);
    browser = await launchChromium(chromium);
    await body({ browser, host, dataDir });
    console.log(`${name}: PASS`);
  } catch (e) {
    code = 1;
    console.error(`${name}: FAIL: ${e instanceof TestFailure ? e.message : e.stack || e}`);
    if (host && !(e instanceof TestFailure)) console.error(host.output.slice(-2000));
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (host) {
      host.child.removeAllListeners('exit');
      host.child.kill('SIGTERM');
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(code);
}
