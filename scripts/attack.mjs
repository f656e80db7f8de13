#!/usr/bin/env node
// Replays, against a live `dlg-engine nm` on loopback, what a hostile web page or graph tried
// in issue 8: cross-origin requests that run commands, DNS rebinding, shutdown by GET,
// paths outside the session directory, shell injection through values, prototype keys, and
// requests without the token. Each attempt must be refused; the script prints one line per
// attempt and exits 0 when all were, 1 otherwise. Bounded: it gives up after --deadline
// seconds (default 90), and it always stops the engines it started.
//
//   node scripts/attack.mjs [--bin dist] [--deadline 90]
//
// By default the engine runs from the TypeScript sources (through tsx); --bin dist runs the
// bundled dist/dlg-engine.js instead.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const useDist = arg('--bin', 'src') === 'dist';
const deadline = Number(arg('--deadline', '90'));

const work = mkdtempSync(join(tmpdir(), 'dlg-attack-'));
const marker = join(work, 'PWNED');
const children = [];

function cleanup() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}

const timer = setTimeout(() => {
  process.stderr.write(`attack.mjs: gave up after ${deadline} s\n`);
  cleanup();
  process.exit(1);
}, deadline * 1000);

/** Starts `dlg-engine nm` on 127.0.0.1 and a free port; resolves with the port. */
function startEngine(root, env = {}) {
  const cli = useDist ? [join(repo, 'dist/dlg-engine.js')] : ['--import', 'tsx', join(repo, 'engine/cli/dlg-engine.ts')];
  const child = spawn(process.execPath, [...cli, 'nm', '--host', '127.0.0.1', '--port', '0', '--dlg-root', root], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', DLG_TOKEN: '', ...env },
  });
  children.push(child);
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (b) => {
      err += b;
      const m = /node manager on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('close', (code) => reject(new Error(`dlg-engine ended (${code}) before listening: ${err}`)));
  });
}

/** One HTTP request with exactly the headers given (a browser's, an attacker's). */
function call(port, method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: headers.host === undefined }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (v) => JSON.stringify(v);
const bash = (oid, command, extra = {}) => ({ oid, categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command, ...extra });
const mem = (oid, extra = {}) => ({ oid, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', ...extra });
const file = (oid, filepath, extra = {}) => ({ oid, categoryType: 'Data', dropclass: 'dlg.data.drops.file.FileDROP', filepath, ...extra });
const JSON_CT = { 'content-type': 'application/json' };

async function waitFinished(port, id) {
  for (let i = 0; i < 400; i++) {
    const s = Number((await call(port, 'GET', `/api/sessions/${id}/status`)).text);
    if (s >= 4) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  return -1;
}

const results = [];
async function attempt(name, fn, control = false) {
  let refused = false;
  let detail = '';
  try {
    const r = await fn();
    refused = r.refused;
    detail = r.detail;
  } catch (err) {
    detail = `the attempt itself failed: ${err.message}`;
  }
  results.push({ name, refused, detail });
  const label = control ? (refused ? 'ok      ' : 'FAILED  ') : refused ? 'refused ' : 'ALLOWED ';
  process.stdout.write(`${label} ${name}${detail ? ` — ${detail}` : ''}\n`);
}

async function main() {
  const { port } = await startEngine(join(work, 'root'));
  const evil = 'https://evil.example';
  const graph = json([bash('pwn', `touch ${marker}`, { outputs: ['o'] }), mem('o', { producers: ['pwn'] })]);

  await attempt('cross-origin POST /api/sessions (text/plain, no preflight)', async () => {
    const r = await call(port, 'POST', '/api/sessions', { origin: evil, 'content-type': 'text/plain' }, '{"sessionId":"x"}');
    const listed = (await call(port, 'GET', '/api/sessions')).text;
    return { refused: r.status === 403 && !r.headers['access-control-allow-origin'] && listed === '[]', detail: `HTTP ${r.status}` };
  });

  await call(port, 'POST', '/api/sessions', JSON_CT, '{"sessionId":"victim"}');
  await attempt('cross-origin graph/append of a bash graph (text/plain)', async () => {
    const r = await call(port, 'POST', '/api/sessions/victim/graph/append', { origin: evil, 'content-type': 'text/plain' }, graph);
    const size = (await call(port, 'GET', '/api/sessions/victim/graph/size')).text;
    return { refused: r.status === 403 && size === '0', detail: `HTTP ${r.status}, graph size ${size}` };
  });

  await call(port, 'POST', '/api/sessions/victim/graph/append', JSON_CT, graph);
  await attempt('cross-origin deploy (form body)', async () => {
    const r = await call(port, 'POST', '/api/sessions/victim/deploy', { origin: evil, 'content-type': 'application/x-www-form-urlencoded' }, 'completed=pwn');
    await new Promise((res) => setTimeout(res, 300));
    const status = (await call(port, 'GET', '/api/sessions/victim/status')).text;
    return { refused: r.status === 403 && status === '1' && !existsSync(marker), detail: `HTTP ${r.status}, session status ${status}` };
  });

  await attempt('DNS rebinding (Host: attacker.example)', async () => {
    const r = await call(port, 'POST', '/api/sessions', { host: `attacker.example:${port}`, origin: `http://attacker.example:${port}`, ...JSON_CT }, '{"sessionId":"rebound"}');
    return { refused: r.status === 403, detail: `HTTP ${r.status}` };
  });

  await attempt('GET /api/shutdown (an <img> on any page)', async () => {
    const r = await call(port, 'GET', '/api/shutdown');
    const alive = (await call(port, 'GET', '/api/sessions')).status === 200;
    return { refused: r.status === 405 && alive, detail: `HTTP ${r.status}, still serving: ${alive}` };
  });

  await attempt('cross-origin POST /api/stop', async () => {
    const r = await call(port, 'POST', '/api/stop', { origin: evil });
    const alive = (await call(port, 'GET', '/api/sessions')).status === 200;
    return { refused: r.status === 403 && alive, detail: `HTTP ${r.status}, still serving: ${alive}` };
  });

  await call(port, 'POST', '/api/sessions', JSON_CT, '{"sessionId":"paths"}');
  for (const [what, fp] of [['an absolute path', join(work, 'outside.txt')], ['../../ traversal', '../../escaped.txt'], ['/etc/passwd', '/etc/passwd']]) {
    await attempt(`FileDROP at ${what}`, async () => {
      const r = await call(port, 'POST', '/api/sessions/paths/graph/append', JSON_CT, json([file('f', fp)]));
      return { refused: r.status === 400 && r.text.includes('outside the session directory'), detail: `HTTP ${r.status}` };
    });
  }

  await call(port, 'POST', '/api/sessions', JSON_CT, '{"sessionId":"link"}');
  await call(port, 'POST', '/api/sessions/link/graph/append', JSON_CT, json([bash('ln', 'ln -s /etc/passwd {link}', { outputs: ['link'], applicationArgs: { link: { value: '', encoding: 'path' } } }), file('link', 'passwd-link', { producers: ['ln'] })]));
  await call(port, 'POST', '/api/sessions/link/deploy', { 'content-type': 'application/x-www-form-urlencoded' }, 'completed=ln');
  await waitFinished(port, 'link');
  await attempt('download of a symlink to /etc/passwd', async () => {
    const r = await call(port, 'GET', '/sessions/link/graph/drop/data/link');
    return { refused: r.status === 403 && !r.text.includes('root:'), detail: `HTTP ${r.status}` };
  });

  await call(port, 'POST', '/api/sessions', JSON_CT, '{"sessionId":"inject"}');
  const payloads = [`; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, `"; touch ${marker}; "`, `{b}`, `%i0`];
  await call(port, 'POST', '/api/sessions/inject/graph/append', JSON_CT, json([
    mem('content', { pydata: '{b}' }),
    bash('cmd', `printf '%s\\0' {a} "{v0}" '{v1}' {v2} "x{v3}y" $'{v4}' {v5} {v6} > args.bin`, {
      inputs: [{ content: 'a' }],
      applicationArgs: { a: { value: '', encoding: 'utf-8' }, b: { value: `; touch ${marker}` }, ...Object.fromEntries(payloads.map((p, i) => [`v${i}`, { value: p }])) },
    }),
  ]));
  await call(port, 'POST', '/api/sessions/inject/deploy', { 'content-type': 'application/x-www-form-urlencoded' }, 'completed=content');
  const injected = await waitFinished(port, 'inject');
  await attempt('shell injection through values, input content and quoted placeholders', async () => {
    const dir = JSON.parse((await call(port, 'GET', '/api/sessions/inject/dir')).text).dir;
    const args = existsSync(join(dir, 'args.bin')) ? readFileSync(join(dir, 'args.bin'), 'utf8').split('\0').slice(0, -1) : [];
    const expected = ['{b}', ...payloads.map((p, i) => (i === 3 ? `x${p}y` : p))];
    const exact = json(args) === json(expected);
    return { refused: injected === 4 && exact && !existsSync(marker), detail: `session ${injected}, arguments ${exact ? 'exact' : json(args)}` };
  });

  await attempt('__proto__ key in a request body', async () => {
    const r = await call(port, 'POST', '/api/sessions', JSON_CT, '{"sessionId":"proto","__proto__":{"polluted":true}}');
    return { refused: r.status === 400, detail: `HTTP ${r.status}` };
  });

  const { port: guarded } = await startEngine(join(work, 'guarded'), { DLG_TOKEN: 'attack-test-token' });
  await attempt('a request without the token to a manager started with DLG_TOKEN', async () => {
    const r = await call(guarded, 'POST', '/api/sessions', JSON_CT, '{"sessionId":"t"}');
    const wrong = await call(guarded, 'GET', '/api/sessions', { authorization: 'Bearer guess' });
    return { refused: r.status === 401 && wrong.status === 401, detail: `HTTP ${r.status}, wrong token HTTP ${wrong.status}` };
  });
  await attempt(
    'control: the right token is accepted',
    async () => {
      const r = await call(guarded, 'GET', '/api/sessions', { authorization: 'Bearer attack-test-token' });
      return { refused: r.status === 200, detail: `HTTP ${r.status}` };
    },
    true,
  );

  const allowed = results.filter((r) => !r.refused);
  process.stdout.write(allowed.length === 0 ? `all ${results.length} checks passed\n` : `${allowed.length} of ${results.length} checks FAILED\n`);
  return allowed.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    clearTimeout(timer);
    cleanup();
    process.exit(code);
  },
  (err) => {
    clearTimeout(timer);
    process.stderr.write(`attack.mjs: ${err.stack ?? err}\n`);
    cleanup();
    process.exit(1);
  },
);
