// dlg-translate --emit pg on one host (the laptop case): the island manager is co-hosted.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';

const graph = join(repoRoot, 'fixtures/graphs/hello_pipeline.graph');

function translate(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'compiler/cli/dlg-translate.ts'), graph, ...args], {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--emit pg --nodes 127.0.0.1: co-hosted automatically, with a note saying so', (t) => {
  const r = translate(['--emit', 'pg', '--nodes', '127.0.0.1']);
  t.is(r.code, 0, r.err);
  t.regex(r.err, /info DLG6008: one host given \(127\.0\.0\.1\): it runs both the island manager and the node manager, as with --co-host-dim/);
  const drops = (JSON.parse(r.out) as any[]).filter((d) => d.oid);
  t.is(drops.length, 10);
  t.deepEqual([...new Set(drops.map((d) => `${d.node} ${d.island}`))], ['127.0.0.1 127.0.0.1']);
});

test('no note when --co-host-dim is given or when there are hosts for node managers', (t) => {
  const given = translate(['--emit', 'pg', '--nodes', '127.0.0.1', '--co-host-dim']);
  t.is(given.code, 0, given.err);
  t.false(given.err.includes('DLG6008'));
  const two = translate(['--emit', 'pg', '--nodes', '10.0.0.1,10.0.0.2']);
  t.is(two.code, 0, two.err);
  t.false(two.err.includes('DLG6008'));
  const drops = (JSON.parse(two.out) as any[]).filter((d) => d.oid);
  t.deepEqual([...new Set(drops.map((d) => `${d.node} ${d.island}`))], ['10.0.0.2 10.0.0.1']);
});

test('one host for two islands is still an error (DLG6001)', (t) => {
  const r = translate(['--emit', 'pg', '--nodes', '127.0.0.1', '-i', '2']);
  t.is(r.code, 1);
  t.regex(r.err, /DLG6001/);
});
