// --python and --python-path on dlg-deploy (embedded engine) and dlg-engine nm, as a user runs them.

import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagerClient } from '../../engine/client/client.ts';
import { submit, waitForSession } from '../../engine/client/deploy.ts';
import { SessionState } from '../../engine/states.ts';
import { repoRoot, tempRoot } from './helpers.ts';
import { arg, inPort, needsPython, outPort, pydataDrop, pyfunc, pythonFixtures, testPython } from '../python.ts';

const graph = [
  pydataDrop('A', 7, 'Integer'),
  pyfunc('F', 'dlgts_testfuncs.add', [inPort('a'), arg('b', 5), outPort('out')], [['A', 'a']], [['O', 'out']]),
  { oid: 'O', categoryType: 'Data', dropclass: 'dlg.data.drops.file.FileDROP', filepath: 'out.pkl' },
];

function cli(name: string, args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'engine/cli', `${name}.ts`), ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
}

if (needsPython(test)) {
  test('dlg-deploy --python --python-path runs Python apps on the embedded engine', async (t) => {
    const root = tempRoot(t);
    const file = join(root, 'pg.json');
    writeFileSync(file, JSON.stringify(graph));
    const child = cli('dlg-deploy', [file, '--dlg-root', root, '--session-id', 'py', '--python', testPython, '--python-path', pythonFixtures]);
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const code = await new Promise((r) => child.on('close', r));
    t.is(code, 0, err);
    t.is(readFileSync(join(out.trim(), 'out.pkl')).toString('hex'), '80044b0c2e');
  });

  test('dlg-engine nm --python-path: a Python graph over REST; without the module path the append is refused', async (t) => {
    const root = tempRoot(t);
    const start = async (extra: string[]) => {
      const child = cli('dlg-engine', ['nm', '--port', '0', '--dlg-root', root, '--max-workers', '2', '--python', testPython, ...extra]);
      t.teardown(() => {
        child.kill('SIGKILL');
      });
      const url = await new Promise<string>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (b: Buffer) => {
          err += b;
          const m = /on (http:\/\/[\d.]+:\d+)/.exec(err);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (c) => reject(new Error(`dlg-engine exited with ${c}: ${err}`)));
      });
      return { child, client: new ManagerClient(url) };
    };
    const withPath = await start(['--python-path', pythonFixtures]);
    const s = await submit(withPath.client, graph);
    t.is(await waitForSession(withPath.client, s.sessionId, { pollIntervalMs: 25 }), SessionState.FINISHED);
    const { filepath } = await withPath.client.dropData(s.sessionId, 'O');
    t.is(readFileSync(filepath).toString('hex'), '80044b0c2e');
    withPath.child.kill('SIGTERM');

    const without = await start([]);
    const err = await t.throwsAsync(submit(without.client, graph));
    t.regex(err!.message, /InvalidGraphException[\s\S]*F \(dlg\.apps\.pyfunc\.PyFuncApp dlgts_testfuncs\.add\)[\s\S]*No module named 'dlgts_testfuncs'/);
  });
}
