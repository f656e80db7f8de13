// The security layer of every server (engine/managers/rest/security.ts): web pages on other
// origins, DNS rebinding, shutdown by GET, and the optional bearer token (issue 8, items 1-3).

import test from 'ava';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ManagerClient, ManagerError } from '../../engine/client/client.ts';
import { Command } from 'commander';
import { DEFAULT_SECURITY, type SecurityCliOptions, addSecurityOptions, exposureWarning, isLoopback, normalizeOrigin, securityFromCli } from '../../engine/managers/rest/security.ts';
import { SessionState } from '../../engine/states.ts';
import { fixture, repoRoot, startNode, tempRoot } from './helpers.ts';
import { rawCall } from './http-raw.ts';

const EVIL = 'https://evil.example';

function bashGraph(marker: string): unknown[] {
  return [
    { oid: 'pwn', categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: `touch ${marker}`, outputs: ['out'] },
    { oid: 'out', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', producers: ['pwn'] },
  ];
}

test('a page on another origin cannot create, append or deploy: 403 before any handler, nothing runs', async (t) => {
  const node = await startNode(t);
  const marker = join(tempRoot(t), 'pwned');
  const graph = JSON.stringify(bashGraph(marker));
  // The three "simple" requests a browser sends without a preflight.
  const created = await rawCall(node.port, 'POST', '/api/sessions', { origin: EVIL, 'content-type': 'text/plain' }, '{"sessionId":"x"}');
  t.is(created.status, 403, created.text);
  t.is(created.json.type, 'Forbidden');
  t.regex(created.json.args[0], /origin 'https:\/\/evil\.example' are not allowed/);
  t.is(created.headers['access-control-allow-origin'], undefined, 'a refused origin is never reflected');
  t.deepEqual(await node.client.sessions(), [], 'no session was created');

  // Even against an existing session, append and deploy are refused.
  await node.client.createSession('s');
  const appended = await rawCall(node.port, 'POST', '/api/sessions/s/graph/append', { origin: EVIL, 'content-type': 'text/plain' }, graph);
  t.is(appended.status, 403);
  t.is(await node.client.graphSize('s'), 0);
  await node.client.append('s', JSON.parse(graph));
  const deployed = await rawCall(node.port, 'POST', '/api/sessions/s/deploy', { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' }, 'completed=pwn');
  t.is(deployed.status, 403);
  t.is(await node.client.sessionStatus('s'), SessionState.BUILDING, 'not deployed');
  await new Promise((r) => setTimeout(r, 100));
  t.false(existsSync(marker));

  // "null" (sandboxed frames, file:// pages) is an origin like any other.
  t.is((await rawCall(node.port, 'GET', '/api/sessions', { origin: 'null' })).status, 403);
});

test('allowed origins get CORS headers naming them; preflights of others are refused', async (t) => {
  const node = await startNode(t);
  const pre = await rawCall(node.port, 'OPTIONS', '/api/sessions', {
    origin: 'http://localhost:8084',
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'content-type, authorization',
  });
  t.is(pre.status, 200);
  t.deepEqual(pre.json, {});
  t.is(pre.headers['access-control-allow-origin'], 'http://localhost:8084');
  t.is(pre.headers['access-control-allow-credentials'], 'true');
  t.regex(String(pre.headers['access-control-allow-headers']), /Authorization/);
  t.regex(String(pre.headers.vary), /Origin/);
  const eagle = await rawCall(node.port, 'POST', '/api/sessions', { origin: 'http://127.0.0.1:8084', 'content-type': 'application/json' }, '{"sessionId":"e"}');
  t.is(eagle.status, 200, eagle.text);
  t.is(eagle.headers['access-control-allow-origin'], 'http://127.0.0.1:8084');
  // DALiuGE rewrites any localhost:80xx origin to :8084; here such an origin is simply not listed.
  t.is((await rawCall(node.port, 'OPTIONS', '/api/sessions', { origin: 'http://localhost:8001', 'access-control-request-method': 'POST' })).status, 403);
  // Our own pages (same origin as the server) may call it.
  const own = await rawCall(node.port, 'POST', '/api/sessions', { origin: node.url, 'content-type': 'application/json' }, '{"sessionId":"own"}');
  t.is(own.status, 200, own.text);
  // No Origin: a script, curl, DALiuGE's client: unaffected, and no CORS headers.
  const plain = await rawCall(node.port, 'GET', '/api/sessions');
  t.is(plain.status, 200);
  t.is(plain.headers['access-control-allow-origin'], undefined);
});

test('origins are never reflected unless listed (property)', async (t) => {
  const node = await startNode(t, { security: { ...DEFAULT_SECURITY, allowOrigins: ['https://eagle.icrar.org'] } });
  await fc.assert(
    fc.asyncProperty(fc.webUrl({ withQueryParameters: false, withFragments: false }), fc.constantFrom('GET', 'POST', 'OPTIONS', 'DELETE'), async (url, method) => {
      const origin = new URL(url).origin;
      fc.pre(origin !== 'https://eagle.icrar.org' && origin !== node.url);
      const a = await rawCall(node.port, method, '/api/sessions', { origin, 'access-control-request-method': 'POST' });
      return a.status === 403 && a.headers['access-control-allow-origin'] === undefined;
    }),
    { numRuns: 60 },
  );
  const ok = await rawCall(node.port, 'GET', '/api/sessions', { origin: 'https://eagle.icrar.org' });
  t.is(ok.headers['access-control-allow-origin'], 'https://eagle.icrar.org');
});

test('DNS rebinding: a Host that is not this machine is refused unless --allow-host names it', async (t) => {
  const node = await startNode(t);
  const rebound = await rawCall(node.port, 'GET', '/api/sessions', { host: `attacker.example:${node.port}` });
  t.is(rebound.status, 403);
  t.regex(rebound.json.args[0], /Host 'attacker\.example:\d+'.*--allow-host attacker\.example/);
  // ...even when the page's origin is its own (same-origin requests after rebinding).
  t.is((await rawCall(node.port, 'POST', '/api/sessions', { host: `attacker.example:${node.port}`, origin: `http://attacker.example:${node.port}` }, '{"sessionId":"r"}')).status, 403);
  for (const host of [`127.0.0.1:${node.port}`, `localhost:${node.port}`, `[::1]:${node.port}`, `10.1.2.3:${node.port}`, 'localhost'])
    t.is((await rawCall(node.port, 'GET', '/api/sessions', { host })).status, 200, host);

  const named = await startNode(t, { security: { ...DEFAULT_SECURITY, allowHosts: ['node-7.cluster', 'gw:8000'] } });
  t.is((await rawCall(named.port, 'GET', '/api/sessions', { host: `node-7.cluster:${named.port}` })).status, 200);
  t.is((await rawCall(named.port, 'GET', '/api/sessions', { host: 'gw:8000' })).status, 200);
  t.is((await rawCall(named.port, 'GET', '/api/sessions', { host: 'gw:8001' })).status, 403, 'name:port matches that port only');
});

test('shutdown is POST only and subject to the origin rule', async (t) => {
  let stops = 0;
  const node = await startNode(t, { onStop: () => stops++ });
  for (const path of ['/api/shutdown', '/api/stop']) {
    const get = await rawCall(node.port, 'GET', path);
    t.is(get.status, 405, path);
    t.is(get.headers.allow, 'POST');
    t.is(get.json.type, 'MethodNotAllowed');
    t.is((await rawCall(node.port, 'POST', path, { origin: EVIL })).status, 403);
  }
  await new Promise((r) => setTimeout(r, 20));
  t.is(stops, 0, 'neither a GET nor a foreign page stopped the server');
  t.deepEqual((await rawCall(node.port, 'POST', '/api/shutdown')).json, { Status: 'Success' });
  t.deepEqual((await rawCall(node.port, 'POST', '/api/stop')).json, { Status: 'Success' });
  await new Promise((r) => setImmediate(r));
  t.is(stops, 2);
});

test('with a token every route needs it (401), the client and the HTML views carry it', async (t) => {
  const token = 's3cret-Token';
  const node = await startNode(t, { security: { ...DEFAULT_SECURITY, token } });
  for (const [method, path] of [['GET', '/api/sessions'], ['POST', '/api/sessions'], ['GET', '/'], ['POST', '/api/stop'], ['GET', '/api/nothing']] as const) {
    const a = await rawCall(node.port, method, path);
    t.is(a.status, 401, `${method} ${path}`);
    t.is(a.json.type, 'Unauthorized');
    t.is(a.headers['www-authenticate'], 'Bearer');
  }
  t.is((await rawCall(node.port, 'GET', '/api/sessions', { authorization: 'Bearer wrong' })).status, 401);
  t.is((await rawCall(node.port, 'GET', '/api/sessions', { authorization: `Basic ${token}` })).status, 401);
  // A preflight carries no credentials; the request after it does.
  t.is((await rawCall(node.port, 'OPTIONS', '/api/sessions', { origin: 'http://localhost:8084', 'access-control-request-method': 'POST' })).status, 200);

  await t.throwsAsync(node.client.sessions(), { instanceOf: ManagerError, message: /Unauthorized \(HTTP 401\)/ });
  const client = new ManagerClient(node.url, { token });
  await client.createSession('tok');
  await client.append('tok', fixture('hello-world.pg.json'));
  await client.deploy('tok', ['hello-app']);
  t.deepEqual((await client.sessions()).map((s) => s.sessionId), ['tok']);

  // Browsers cannot send headers on links: GET may carry ?token=, and the pages pass it on.
  const home = await rawCall(node.port, 'GET', `/?token=${token}`);
  t.is(home.status, 200);
  t.true(home.text.includes(`/session?sessionId=tok&#38;token=${token}`), home.text);
  t.is(home.headers['referrer-policy'], 'no-referrer');
  const page = await rawCall(node.port, 'GET', `/session?sessionId=tok&token=${token}`);
  // The dashboard's script gets the token and adds it to its requests and links.
  t.true(page.text.includes(`"token":"${token}"`) && page.text.includes(`/static/views/session.js?token=${token}`), page.text);
  t.is((await rawCall(node.port, 'GET', `/api/sessions/tok/graph/progress?token=${token}`)).status, 200);
  t.is((await rawCall(node.port, 'GET', `/api/sessions/tok/logs?token=${token}`)).status, 200);
  t.is((await rawCall(node.port, 'POST', `/api/stop?token=${token}`)).status, 401, 'POST needs the header');
});

test('a non-loopback address without a token is warned about; loopback or a token is not', (t) => {
  t.regex(exposureWarning({ ...DEFAULT_SECURITY, bindHost: '0.0.0.0' }) ?? '', /without a token: anyone who can reach this port can run commands/);
  t.truthy(exposureWarning({ ...DEFAULT_SECURITY, bindHost: '192.168.1.4' }));
  t.is(exposureWarning({ ...DEFAULT_SECURITY, bindHost: '0.0.0.0', token: 't' }), undefined);
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) t.true(isLoopback(h), h);
  t.false(isLoopback('::'));
  t.is(normalizeOrigin('http://LOCALHOST:8084/'), 'http://localhost:8084');
  t.throws(() => normalizeOrigin('http://x/y'), { message: /without a path/ });
});

test('command line: --allow-origin replaces the defaults, repeats, "none" empties; --token falls back to DLG_TOKEN', (t) => {
  const parse = (args: string[], env: string | undefined = undefined) => {
    const before = process.env.DLG_TOKEN;
    if (env === undefined) delete process.env.DLG_TOKEN;
    else process.env.DLG_TOKEN = env;
    try {
      const cmd = addSecurityOptions(new Command().exitOverride());
      cmd.parse(args, { from: 'user' });
      return securityFromCli(cmd.opts<SecurityCliOptions>(), '0.0.0.0');
    } finally {
      if (before === undefined) delete process.env.DLG_TOKEN;
      else process.env.DLG_TOKEN = before;
    }
  };
  t.deepEqual(parse([]), { allowOrigins: ['http://localhost:8084', 'http://127.0.0.1:8084', 'http://dlg-tm.localhost'], allowHosts: [], token: undefined, bindHost: '0.0.0.0' });
  t.deepEqual(parse(['--allow-origin', 'https://eagle.example.org/', '--allow-origin', 'http://h:9']).allowOrigins, ['https://eagle.example.org', 'http://h:9']);
  t.deepEqual(parse(['--allow-origin', 'none']).allowOrigins, []);
  t.deepEqual(parse(['--allow-host', 'a', '--allow-host', 'b:1']).allowHosts, ['a', 'b:1']);
  t.is(parse([], 'from-env').token, 'from-env');
  t.is(parse(['--token', 'flag'], 'from-env').token, 'flag');
});

function cli(name: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'engine/cli', `${name}.ts`), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', DLG_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('dlg-engine nm warns before listening on a non-loopback address without a token', async (t) => {
  // 192.0.2.1 (TEST-NET-1) is never assigned: the listen fails, so nothing is ever exposed.
  const r = await cli('dlg-engine', ['nm', '--host', '192.0.2.1', '--port', '0', '--dlg-root', tempRoot(t)]);
  t.regex(r.stderr, /warning: listening on 192\.0\.2\.1 without a token/);
  t.is(r.code, 2);
  const bad = await cli('dlg-engine', ['nm', '--allow-origin', 'http://x/path']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /without a path/);
});

test('dlg-deploy --token and DLG_TOKEN reach a manager started with a token', async (t) => {
  const node = await startNode(t, { security: { ...DEFAULT_SECURITY, token: 'tk' } });
  const hello = join(repoRoot, 'fixtures/engine/hello-world.pg.json');
  const denied = await cli('dlg-deploy', [hello, '--url', node.url]);
  t.is(denied.code, 2);
  t.regex(denied.stderr, /Unauthorized/);
  const flag = await cli('dlg-deploy', [hello, '--url', node.url, '--token', 'tk', '--wait', '--poll-interval', '0.05', '--session-id', 'a']);
  t.is(flag.code, 0, flag.stderr);
  const env = await cli('dlg-deploy', [hello, '--url', node.url, '--wait', '--poll-interval', '0.05', '--session-id', 'b'], { DLG_TOKEN: 'tk' });
  t.is(env.code, 0, env.stderr);
});
