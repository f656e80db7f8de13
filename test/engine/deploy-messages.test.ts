// What dlg-deploy says when a manager misbehaves: a refusal without args, a manager that
// cannot tell its nodes. Fake managers on port 0, closed by teardown.

import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineFixtures, repoRoot } from './helpers.ts';

interface Ran { code: number | null; stdout: string; stderr: string }

function deploy(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'engine/cli/dlg-deploy.ts'), ...args], {
      cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fake manager: `handle` answers, every request is recorded as "METHOD path". */
async function fakeManager(t: ExecutionContext, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

test('a refusal with empty args prints the type and the HTTP status, not "undefined"', async (t) => {
  const m = await fakeManager(t, (_req, res) => json(res, 500, { type: 'ErrorManagerCaughtException', args: [] }));
  const r = await deploy([join(engineFixtures, 'hello-world.pg.json'), '--url', m.url]);
  t.is(r.code, 2);
  t.regex(r.stderr, /refused the request: ErrorManagerCaughtException \(HTTP 500\)\n/);
  t.false(r.stderr.includes('undefined'), r.stderr);
});

test('a refusal with args keeps them after the type and status', async (t) => {
  const m = await fakeManager(t, (_req, res) => json(res, 409, { type: 'SessionAlreadyExistsException', args: ['session s1 exists'] }));
  const r = await deploy([join(engineFixtures, 'hello-world.pg.json'), '--url', m.url]);
  t.is(r.code, 2);
  t.regex(r.stderr, /SessionAlreadyExistsException \(HTTP 409\): session s1 exists/);
});

test('an LG for a manager whose node list cannot be read is not deployed unpartitioned', async (t) => {
  // The connection drops on GET /api/nodes; sessions would be accepted.
  const m = await fakeManager(t, (req, res) => {
    if (req.url === '/api/nodes') return res.socket?.destroy();
    json(res, 200, {});
  });
  const lg = join(repoRoot, 'fixtures/graphs/hello_pipeline.graph');
  const r = await deploy([lg, '--url', m.url]);
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`cannot reach the manager at ${m.url.replace(/\./g, '\\.')}`));
  t.deepEqual(m.seen, ['GET /api/nodes'], 'no session was created');

  const failing = await fakeManager(t, (req, res) => (req.url === '/api/nodes' ? json(res, 503, { type: 'Busy', args: [] }) : json(res, 200, {})));
  const r2 = await deploy([lg, '--url', failing.url]);
  t.is(r2.code, 2);
  t.regex(r2.stderr, new RegExp(`the manager at ${failing.url.replace(/\./g, '\\.')}/api/nodes refused the request: Busy \\(HTTP 503\\)\n`));
  t.deepEqual(failing.seen, ['GET /api/nodes']);
});

test('dlg-deploy of an LG: the default drop limit, and --max-drops', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dlg-deploy-limit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const doc = JSON.parse(readFileSync(join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), 'utf8'));
  doc.nodeDataArray[0].fields[0].value = 500_000_000;
  const huge = join(dir, 'huge.graph');
  writeFileSync(huge, JSON.stringify(doc));
  const r = await deploy([huge, '--dlg-root', dir]);
  t.is(r.code, 2);
  t.regex(r.stderr, /DLG4006: the graph unrolls to 1,166,666,670 drops, more than the limit of 50,000,000/);
  t.regex(r.stderr, /raise the limit with --max-drops N/);
  t.false(existsSync(join(dir, 'workspace')), 'nothing ran');
  const small = await deploy([join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), '--dlg-root', dir, '--max-drops', '9']);
  t.is(small.code, 2);
  t.regex(small.stderr, /unrolls to 10 drops, more than the limit of 9/);
});
