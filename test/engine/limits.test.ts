// Limits on what the engine waits for and what it takes in (issue 8, item 12): dlg-deploy's
// per-request --timeout, bash apps' timeout / --app-timeout ending the process group, and
// request bodies with prototype keys.

import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { NodeManager } from '../../engine/managers/node/node-manager.ts';
import { DropState, SessionState } from '../../engine/states.ts';
import { EngineError } from '../../engine/errors.ts';
import { bash, deploy, mem, nodeManager, run, statusOf } from './session-harness.ts';
import { repoRoot, startNode, tempRoot } from './helpers.ts';
import { rawCall } from './http-raw.ts';

function cli(name: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'engine/cli', `${name}.ts`), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', DLG_TOKEN: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

test('dlg-deploy --timeout: a manager that accepts and never answers ends the run, naming the request', async (t) => {
  // Reads the request, never answers.
  const silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    silent.closeAllConnections();
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const r = await cli('dlg-deploy', [join(repoRoot, 'fixtures/engine/hello-world.pg.json'), '--url', `http://127.0.0.1:${port}`, '--timeout', '0.5', '--session-id', 'quiet']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, new RegExp(`no answer from the manager at http://127\\.0\\.0\\.1:${port} within 0\\.5 s to POST /api/sessions`));
  t.true(r.ms < 30_000, `ended after ${r.ms} ms`);
  const help = await cli('dlg-deploy', ['--help']);
  t.regex(help.stdout, /--timeout <seconds>[\s\S]*\(default: 60\)/);
});

/** A process is gone, or a zombie nobody reaped yet (it runs nothing either way). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}

test('a bash app past its timeout parameter is ended with its whole process group and fails', async (t) => {
  const nm = nodeManager(t);
  const t0 = Date.now();
  const { session, status } = await run(nm, [
    bash('slow', 'sleep 60 & echo $! > bg.pid; sleep 60', { timeout: 0.5, outputs: ['out'] }),
    mem('out', { producers: ['slow'] }),
  ]);
  t.true(Date.now() - t0 < 20_000);
  t.is(status, SessionState.FAILED);
  t.is(statusOf(session, 'slow'), DropState.ERROR);
  t.is(statusOf(session, 'out'), DropState.ERROR);
  t.regex(session.dropLogs('slow').map((l) => l.Message).join('\n'), /ran longer than its timeout of 0\.5 s and was ended/);
  const bg = Number(readFileSync(join(session.sessionDir, 'bg.pid'), 'utf8'));
  for (let i = 0; i < 100 && !gone(bg); i++) await new Promise((r) => setTimeout(r, 50));
  t.true(gone(bg), 'the background child of the command was ended too');
});

test('--app-timeout is the default for bash apps without their own; a bad timeout is refused at append', async (t) => {
  const nm = new NodeManager({ dlgRoot: tempRoot(t), maxWorkers: 2, appTimeout: 0.3 });
  t.teardown(() => nm.shutdown());
  const s = nm.openSession('default-limit');
  s.addGraphSpec([bash('slow', 'sleep 60'), bash('quick', 'sleep 0.05', { timeout: 30 })]);
  s.deploy('roots');
  t.is(await s.whenFinished(), SessionState.FAILED);
  t.is(statusOf(s, 'slow'), DropState.ERROR);
  t.is(statusOf(s, 'quick'), DropState.COMPLETED, 'its own timeout wins over the default');

  const err = t.throws(() => deploy(nodeManager(t), [bash('b', 'true', { timeout: 'soon' })]), { instanceOf: EngineError });
  t.regex(JSON.stringify(err!.args), /timeout must be a positive number of seconds, not \\"soon\\"/);
});

test('request bodies with __proto__, constructor or prototype keys are refused with 400; such words as values are fine', async (t) => {
  const node = await startNode(t);
  const post = (path: string, body: string) => rawCall(node.port, 'POST', path, { 'content-type': 'application/json' }, body);
  const created = await post('/api/sessions', '{"sessionId": "p", "__proto__": {"polluted": 1}}');
  t.is(created.status, 400, created.text);
  t.regex(created.json.args[0], /'__proto__' \(at \/__proto__\) is not allowed/);
  t.deepEqual(await node.client.sessions(), []);
  await node.client.createSession('p');
  const escaped = await post('/api/sessions/p/graph/append', '[{"oid": "a", "categoryType": "Application", "dropclass": "dlg.apps.simple.NullBarrierApp", "applicationArgs": {"\\u0063onstructor": {"value": 1}}}]');
  t.is(escaped.status, 400);
  t.regex(escaped.json.args[0], /at \/0\/applicationArgs\/constructor/);
  t.is(await node.client.graphSize('p'), 0);
  const words = await post('/api/sessions/p/graph/append', JSON.stringify([bash('__proto__', 'echo constructor prototype __proto__')]));
  t.is(words.status, 200, words.text);
  t.deepEqual(Object.keys(await node.client.graph('p')), ['__proto__'], 'an oid named __proto__ is an ordinary key of the graph');
  t.is(({} as Record<string, unknown>).polluted, undefined);

  const root = tempRoot(t);
  const file = join(root, 'proto.pg.json');
  writeFileSync(file, '[{"oid": "x", "categoryType": "Data", "dropclass": "dlg.data.drops.memory.InMemoryDROP", "prototype": 1}]');
  const d = await cli('dlg-deploy', [file, '--dlg-root', root]);
  t.is(d.code, 2);
  t.regex(d.stderr, /DLG7003.*'prototype' \(at \/0\/prototype\) is not allowed/);
  t.false(existsSync(join(root, 'workspace')));
});
