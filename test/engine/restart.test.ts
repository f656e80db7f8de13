// A node manager restarted after a crash (kill -9) on the same --dlg-root (issue 8, item 11):
// the earlier sessions' directories are listed by GET /api/past_sessions, and a session
// whose directory exists and is not empty cannot be created again (409).

import test, { type ExecutionContext } from 'ava';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagerClient, ManagerError } from '../../engine/client/client.ts';
import { submit, waitForSession } from '../../engine/client/deploy.ts';
import { SessionState } from '../../engine/states.ts';
import { fixture, repoRoot, tempRoot } from './helpers.ts';

/** A real `dlg-engine nm` on a free port; killed (by pid) when the test ends. */
async function startEngine(t: ExecutionContext, root: string): Promise<{ child: ChildProcess; client: ManagerClient }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'engine/cli/dlg-engine.ts'), 'nm', '--port', '0', '--dlg-root', root], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', DLG_TOKEN: '' },
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (b) => {
      stderr += b;
      const m = /node manager on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.on('close', () => reject(new Error(`dlg-engine ended: ${stderr}`)));
  });
  return { child, client: new ManagerClient(`http://127.0.0.1:${port}`) };
}

test('after kill -9 and a restart: past sessions are listed from disk, a non-empty session directory is not reused', async (t) => {
  const root = tempRoot(t);
  const first = await startEngine(t, root);
  await submit(first.client, fixture('hello-world.pg.json'), { sessionId: 'before-crash' });
  t.is(await waitForSession(first.client, 'before-crash', { pollIntervalMs: 25 }), SessionState.FINISHED);
  const dir = join(root, 'workspace', 'before-crash');
  // What a crash mid-write leaves behind.
  writeFileSync(join(dir, '.hello.txt.123.abc.partial'), 'half');
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('close', r));

  mkdirSync(join(root, 'workspace', 'empty-dir'));
  const second = await startEngine(t, root);
  t.deepEqual(await second.client.sessions(), []);
  t.deepEqual(await second.client.pastSessions(), [{ sessionId: 'before-crash' }, { sessionId: 'empty-dir' }]);

  const err = await t.throwsAsync(second.client.createSession('before-crash'), { instanceOf: ManagerError });
  t.is(err!.httpStatus, 409);
  t.is(err!.type, 'SessionAlreadyExistsException');
  t.regex(String(err!.args[1]), new RegExp(`${dir} already exists and is not empty`));
  t.is(readFileSync(join(dir, 'hello.txt'), 'utf8'), 'Hello Everybody', 'the old files are untouched');

  // An empty directory is harmless: the session is created there and leaves the past list.
  await second.client.createSession('empty-dir');
  t.deepEqual(await second.client.pastSessions(), [{ sessionId: 'before-crash' }]);
  // A session deleted in this run is a past session too.
  await second.client.deleteSession('empty-dir');
  t.deepEqual((await second.client.pastSessions()).map((s) => s.sessionId), ['before-crash', 'empty-dir']);
});
