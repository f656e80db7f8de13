// dlg-deploy and dlg-engine as a user runs them: exit codes, messages, files.

import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineFixtures, repoRoot, startNode, tempRoot } from './helpers.ts';
import { ManagerClient } from '../../engine/client/client.ts';
import { SessionState } from '../../engine/states.ts';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(name: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'engine/cli', `${name}.ts`), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const hello = join(engineFixtures, 'hello-world.pg.json');
const failing = join(engineFixtures, 'failing-bash.pg.json');

test('dlg-deploy without --url runs on the embedded engine and prints the session directory', async (t) => {
  const root = tempRoot(t);
  const r = await cli('dlg-deploy', [hello, '--dlg-root', root, '--session-id', 'embedded-1']);
  t.is(r.code, 0, r.stderr);
  const dir = r.stdout.trim();
  t.is(dir, join(root, 'workspace', 'embedded-1'));
  t.is(readFileSync(join(dir, 'hello.txt'), 'utf8'), 'Hello Everybody');
  t.regex(r.stderr, /session FINISHED/);

  const f = await cli('dlg-deploy', [failing, '--dlg-root', root]);
  t.is(f.code, 1);
  // fail, fail-out, after and after-out: the failure and everything downstream of it.
  t.regex(f.stderr, /session FAILED .* 4 error/);
});

test('dlg-deploy --url --wait: exit 0 when FINISHED, 1 when FAILED', async (t) => {
  const node = await startNode(t);
  const ok = await cli('dlg-deploy', [hello, '--url', node.url, '--wait', '--poll-interval', '0.05', '--session-id', 'remote-ok']);
  t.is(ok.code, 0, ok.stderr);
  t.is(ok.stdout.trim(), 'remote-ok');
  t.is(await node.client.sessionStatus('remote-ok'), SessionState.FINISHED);
  const bad = await cli('dlg-deploy', [failing, '--url', node.url, '--wait', '--poll-interval', '0.05']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /session FAILED/);

  const skipped = await cli('dlg-deploy', [hello, '--url', node.url, '--skip-deploy', '--session-id', 'not-deployed']);
  t.is(skipped.code, 0);
  t.is(await node.client.sessionStatus('not-deployed'), SessionState.BUILDING);
});

test('dlg-deploy usage, input and connection errors exit 2 with a message and no stack trace', async (t) => {
  const dir = tempRoot(t);
  const lg = join(dir, 'lg.graph');
  writeFileSync(lg, JSON.stringify({ nodeDataArray: [], linkDataArray: [] }));
  const notJson = join(dir, 'broken.json');
  writeFileSync(notJson, '[{"oid": ');
  const unimplemented = join(dir, 'pyfunc.json');
  writeFileSync(unimplemented, JSON.stringify([{ oid: 'f', categoryType: 'Application', dropclass: 'dlg.apps.dockerapp.DockerApp' }]));
  const node = await startNode(t);
  const closed = new ManagerClient('http://127.0.0.1:9'); // discard port: nothing listens there

  const cases: [string[], RegExp][] = [
    [[join(dir, 'missing.json')], /DLG7003.*cannot read/],
    [[notJson], /DLG7003.*not JSON/],
    [[lg], /DLG1007[\s\S]*DLG7004.*cannot be translated/],
    [[hello, '--url', closed.baseUrl], /DLG7001.*http:\/\/127\.0\.0\.1:9/],
    [[hello, '--url', 'ftp://x'], /DLG9001.*--url/],
    [[unimplemented, '--url', node.url], /DLG7002.*dlg\.apps\.dockerapp\.DockerApp[\s\S]*"oid":"f"/],
    [[unimplemented, '--dlg-root', dir], /DLG7002.*dlg\.apps\.dockerapp\.DockerApp/],
    [[hello, '--poll-interval', '-1'], /poll-interval/],
    [[], /missing required argument/],
  ];
  for (const [args, message] of cases) {
    const r = await cli('dlg-deploy', args);
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, message);
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('dlg-engine nm serves the API and stops cleanly on SIGTERM, cancelling running apps', async (t) => {
  const root = tempRoot(t);
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'engine/cli/dlg-engine.ts'), 'nm', '--port', '0', '--dlg-root', root, '--max-workers', '1'], { cwd: repoRoot });
  t.teardown(() => child.kill('SIGKILL'));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (b) => {
      stderr += b;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(stderr)));
  });
  const client = new ManagerClient(url);
  await client.createSession('long');
  await client.append('long', [{ oid: 'sleeper', categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: 'echo $$ > pid; exec sleep 60' }]);
  await client.deploy('long', ['sleeper']);
  const pidFile = join(root, 'workspace/long/pid');
  let pid = 0;
  // A loaded CI machine can take seconds to start bash: wait up to 60 s.
  for (let i = 0; i < 2400 && !pid; i++) {
    try {
      pid = Number(readFileSync(pidFile, 'utf8'));
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  t.true(pid > 0, 'the app started');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  t.is(await exited, 0);
  t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the app process was killed');
  const log = readdirSync(join(root, 'workspace/long')).find((f) => f.endsWith('.log'))!;
  t.regex(readFileSync(join(root, 'workspace/long', log), 'utf8'), /session long is CANCELLED/);
});

test('dlg-engine rejects bad options with exit 2', async (t) => {
  const r = await cli('dlg-engine', ['nm', '--port', '70000']);
  t.is(r.code, 2);
  t.regex(r.stderr, /--port must be an integer/);
  const none = await cli('dlg-engine', []);
  t.is(none.code, 2);
});

test('dlg-deploy translates a logical graph and runs it on the embedded engine (the README quick start)', async (t) => {
  const root = tempRoot(t);
  const r = await cli('dlg-deploy', [join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), '--dlg-root', root, '--params', 'Hello.greet=World']);
  t.is(r.code, 0, r.stderr);
  const dir = r.stdout.trim();
  t.true(dir.startsWith(join(root, 'workspace')));
  t.is(readFileSync(join(dir, 'greetings.txt'), 'utf8'), 'Hello World'.repeat(3));
  t.is(readFileSync(join(dir, 'count.txt'), 'utf8').trim(), '4');
  t.regex(r.stderr, /FINISHED.*10 completed, 0 error, 0 skipped of 10 drops/);
});
