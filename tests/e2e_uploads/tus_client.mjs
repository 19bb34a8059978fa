// tests/e2e_uploads/tus_client.mjs — the real sample-host driven by tus-js-client itself (Node, the
// pinned vendor/tus-js-client), through a TCP proxy that cuts the first PATCH's connection after
// 300 KiB: tus-js-client asks the offset (HEAD) and resumes from the bytes the server kept, and the
// document's SHA-256 is that of the file. Then a file over the type's limit: 413 at creation.
// Usage: node tus_client.mjs SAMPLE_HOST PLUGIN_DIR   (exit code 0 on success)
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tusModule = path.resolve(here, '..', '..', 'vendor', 'tus-js-client', 'node_modules', 'tus-js-client');
const [binary, pluginDir] = process.argv.slice(2);
if (!fs.existsSync(tusModule)) {
  console.error(`tus_client: FAIL: ${tusModule} is missing (run .ci/install-deps)`);
  process.exit(1);
}
const tus = (await import(path.join(tusModule, 'lib.esm', 'node', 'index.js'))).default
  ?? (await import(path.join(tusModule, 'lib.esm', 'node', 'index.js')));

function fail(message) {
  throw new Error(message);
}
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const email = 'boss@tus-client.test';

function cli(dataDir, args, input) {
  const r = spawnSync(binary, [...args, '--data', dataDir], { input, encoding: 'utf8' });
  if (r.status !== 0) fail(`${args[0]}: ${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

function serve(dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--data', dataDir, '--port', '0', '--plugins', pluginDir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on" line:\n${out}`)), 60000);
    const onData = (chunk) => {
      out += chunk.toString();
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

// Forwards to `port`; the first connection carrying a PATCH is destroyed once 300 KiB of it
// went through (a phone losing its network mid-upload).
function cuttingProxy(port) {
  const state = { cut: false };
  const server = net.createServer((downstream) => {
    const upstream = net.connect(port, '127.0.0.1');
    let patchBytes = -1;
    downstream.on('data', (data) => {
      if (!state.cut && patchBytes < 0 && data.toString('latin1').includes('PATCH ')) patchBytes = 0;
      if (!state.cut && patchBytes >= 0) {
        patchBytes += data.length;
        if (patchBytes > 300 * 1024) {
          state.cut = true;
          upstream.write(data.subarray(0, data.length - (patchBytes - 300 * 1024)));
          upstream.destroy();
          downstream.destroy();
          return;
        }
      }
      upstream.write(data);
    });
    upstream.on('data', (data) => downstream.write(data));
    upstream.on('error', () => downstream.destroy());
    downstream.on('error', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
    downstream.on('close', () => upstream.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, state, port: server.address().port })));
}

async function api(port, token, method, url, body) {
  const r = await fetch(`http://127.0.0.1:${port}${url}`, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

function upload(file, endpoint, token, metadata, patches) {
  return new Promise((resolve) => {
    const u = new tus.Upload(file, {
      endpoint,
      headers: { Authorization: `Bearer ${token}` },
      metadata,
      // The first retry waits for the server to record the bytes of the cut PATCH (a HEAD
      // before that would take over and drop them).
      retryDelays: [1000, 2000, 3000],
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH') patches.push(Number(req.getHeader('Upload-Offset')));
      },
      onSuccess: () => resolve({ ok: true }),
      onError: (err) => resolve({ ok: false, status: err.originalResponse ? err.originalResponse.getStatus() : 0, err }),
    });
    u.start();
  });
}

async function run(dataDir) {
  cli(dataDir, ['create-admin', '--email', email], 'tus-client-password-42\n');
  const token = cli(dataDir, ['create-token', '--email', email]);
  const host = await serve(dataDir);
  try {
    const client = await api(host.port, token, 'POST', '/api/v1/clients', { first_name: 'Ann', last_name: 'Tus', email: 'ann@tus-client.test' });
    if (client.status !== 201) fail(`client: ${client.status}`);
    const type = await api(host.port, token, 'POST', '/api/v1/plugins/client-documents/types',
      { name: 'Scan', upload_mode: 'required', accept: ['application/pdf'], max_size: 2 * 1024 * 1024 });
    if (type.status !== 201) fail(`type: ${type.status}`);
    const pdf = Buffer.from(`%PDF-1.4\n${'%'.padEnd(99, 'x').concat('\n').repeat(10000)}trailer << >>\n%%EOF\n`);
    const proxy = await cuttingProxy(host.port);
    const uploads = `/api/v1/plugins/client-documents/clients/${client.json.id}/uploads`;
    const patches = [];
    const done = await upload(pdf, `http://127.0.0.1:${proxy.port}${uploads}`, token,
      { type_id: String(type.json.id), filename: 'scan.pdf' }, patches);
    proxy.server.close();
    if (!done.ok) fail(`the upload failed: ${done.status} ${done.err}`);
    if (!proxy.state.cut) fail('the proxy never cut a PATCH');
    if (patches.length < 2 || patches[0] !== 0 || !(patches[1] > 0)) fail(`tus-js-client did not resume from the kept bytes: PATCH offsets ${patches}`);
    const doc = await api(host.port, token, 'GET', `/api/v1/plugins/client-documents/clients/${client.json.id}/documents/${type.json.id}`);
    if (doc.json.status !== 'uploaded') fail(`document status ${doc.json.status}`);
    if (doc.json.files[0].sha256 !== sha256(pdf)) fail('the stored SHA-256 is not the file\'s');

    const big = await upload(Buffer.concat([pdf, Buffer.alloc(2 * 1024 * 1024)]), `http://127.0.0.1:${host.port}${uploads}`, token,
      { type_id: String(type.json.id), filename: 'big.pdf' }, []);
    if (big.ok || big.status !== 413) fail(`a file over max_size: ${big.ok ? 'stored' : big.status}, expected 413`);
    console.log(`tus_client: PATCH offsets ${patches.join(', ')}; PASS`);
  } finally {
    // Wait for the host (and its PDF worker) to exit before its folder is removed.
    const exited = new Promise((resolve) => host.child.on('exit', resolve));
    host.child.kill('SIGTERM');
    await exited;
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-tus-client-'));
let code = 0;
try {
  await run(dataDir);
} catch (e) {
  code = 1;
  console.error(`tus_client: FAIL: ${e.stack || e}`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
}
process.exit(code);
