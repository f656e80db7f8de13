// Data drops: FileDROP paths (reference §8.8), temporary files, memory content, expiry.

import test from 'ava';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDrop } from '../../engine/drops/data.ts';
import { DropState, SessionState } from '../../engine/states.ts';
import { app, deploy, file, mem, nodeManager, run, statusOf } from './session-harness.ts';
import { tempRoot } from './helpers.ts';

test('FileDROP path rules resolve against the session directory', (t) => {
  const data = tempRoot(t);
  const nm = nodeManager(t, 2, [data]);
  const s = deploy(
    nm,
    [
      // The reference's own example: oid 2024-10-30T12:01:57_0140555b-…_0 with humanKey 3_0-1.
      file('2024-10-30T12:01:57_0140555b-1c42-4a8f_0', '', { humanReadableKey: '3_0-1' }),
      file('plain', 'name.txt'),
      file('1_abcdef12-3456_7', 'sub/dir/'),
      file('tmpl', 'rel/x_{uid}_{auto}.txt'),
      file('abs', join(data, 'abs.txt')),
    ],
    [],
  );
  const dir = s.sessionDir;
  t.is(s.dropFilepath('2024-10-30T12:01:57_0140555b-1c42-4a8f_0'), join(dir, '2024-10-30T12_01_57_3_0-1'));
  t.is(s.dropFilepath('plain'), join(dir, 'name.txt'));
  t.is(s.dropFilepath('1_abcdef12-3456_7'), join(dir, 'sub/dir/1_abcd_7'));
  // uid "tmpl" has no '_': its humanKey is "tmpl", so {auto} is "tmpl" + "_" + "tmpl".
  t.is(s.dropFilepath('tmpl'), join(dir, 'rel/x_tmpl_tmpl_tmpl.txt'));
  t.true(existsSync(join(dir, 'sub/dir')), 'missing directories are created');
  t.true(s.dropFilepath('abs').endsWith('/abs.txt'));
  t.is(s.status, SessionState.RUNNING);
});

test('relative paths of two sessions land in their own directories (reference §9 Q36)', async (t) => {
  const nm = nodeManager(t);
  const graph = () => [app('hello', 'HelloWorldApp', { greet: 'there', outputs: ['out'] }), file('out', 'same.txt')];
  const a = await run(nm, graph());
  const b = await run(nm, graph());
  t.not(a.session.sessionDir, b.session.sessionDir);
  t.is(readFileSync(join(a.session.sessionDir, 'same.txt'), 'utf8'), 'Hello there');
  t.is(readFileSync(join(b.session.sessionDir, 'same.txt'), 'utf8'), 'Hello there');
});

test('environment variables in filepath are expanded; an unset one fails the session at deploy', async (t) => {
  const base = tempRoot(t);
  const nm = nodeManager(t, 2, [base]);
  process.env.DLG_ENGINE_TEST_DIR = base;
  t.teardown(() => delete process.env.DLG_ENGINE_TEST_DIR);
  const ok = deploy(nm, [file('f', '$DLG_ENGINE_TEST_DIR/env.txt')], []);
  t.is(ok.dropFilepath('f'), join(base, 'env.txt'));

  const bad = deploy(nm, [app('a', 'NullBarrierApp', { outputs: ['f'] }), file('f', '$DLG_ENGINE_SURELY_UNSET/x.txt')]);
  t.is(bad.status, SessionState.FAILED);
  t.is(statusOf(bad, 'f'), DropState.ERROR);
  t.is(statusOf(bad, 'a'), DropState.CANCELLED);
  t.regex(bad.dropLogs('f').map((l) => l.Message).join(), /DLG_ENGINE_SURELY_UNSET/);

  const placeholder = deploy(nm, [file('g', '{nonsense}.txt')]);
  t.is(placeholder.status, SessionState.FAILED);
});

test('check_filepath_exists: "0" is false and "1" is true (reference §9 Q35)', (t) => {
  const data = tempRoot(t);
  const nm = nodeManager(t, 2, [data]);
  const missing = join(data, 'missing.bin');
  t.is(deploy(nm, [file('f', missing, { check_filepath_exists: '0' })], []).status, SessionState.RUNNING);
  t.is(deploy(nm, [file('f', missing, { check_filepath_exists: '1' })], []).status, SessionState.FAILED);
  writeFileSync(missing, 'now here');
  t.is(deploy(nm, [file('f', missing, { check_filepath_exists: 'True' })], []).status, SessionState.RUNNING);
});

test('writes go to a hidden temporary file that becomes the file on completion', (t) => {
  const nm = nodeManager(t);
  const s = deploy(nm, [file('f', 'result.txt'), file('g', 'broken.txt')], []);
  const f = s.getDrop('f') as DataDrop;
  f.write('half ');
  f.write(Buffer.from('done'));
  t.is(f.status, DropState.WRITING);
  t.false(existsSync(join(s.sessionDir, 'result.txt')), 'no file under the final name while writing');
  t.is(readdirSync(s.sessionDir).filter((n) => n.endsWith('.partial')).length, 1);
  f.setCompleted();
  t.is(readFileSync(join(s.sessionDir, 'result.txt'), 'utf8'), 'half done');
  t.is(f.size, 9);

  const g = s.getDrop('g') as DataDrop;
  g.write('partial data');
  g.setError();
  t.false(existsSync(join(s.sessionDir, 'broken.txt')));
  t.deepEqual(readdirSync(s.sessionDir).filter((n) => n.endsWith('.partial')), [], 'the temporary file is removed');
});

test('memory drops: pydata is the initial content, consumed data expires, persist keeps it', async (t) => {
  const nm = nodeManager(t);
  const { session, status } = await run(nm, [
    mem('src', { pydata: 'payload' }),
    app('copy', 'CopyApp', { inputs: ['src'], outputs: ['mid'] }),
    mem('mid', { persist: true }),
    app('copy2', 'CopyApp', { inputs: ['mid'], outputs: ['last'] }),
    mem('last'),
  ]);
  t.is(status, SessionState.FINISHED);
  t.is(statusOf(session, 'src'), DropState.EXPIRED, 'used by its only consumer');
  t.is(statusOf(session, 'mid'), DropState.COMPLETED, 'persist');
  t.is(statusOf(session, 'last'), DropState.COMPLETED, 'a leaf has no consumer to finish with it');
  t.is((await (session.getDrop('last') as DataDrop).read()).toString(), 'payload');
  t.is((await (session.getDrop('src') as DataDrop).read()).length, 0, 'expired data is released');
  t.regex((session.getDrop('src') as DataDrop).dataURL, /^mem:\/\//);
});

test('a lifespan expires completed data after that many seconds', async (t) => {
  const nm = nodeManager(t);
  const { session } = await run(nm, [mem('short', { pydata: 'x', lifespan: 0.05, expireAfterUse: undefined }), app('a', 'NullBarrierApp', { inputs: ['short'] })]);
  t.true([DropState.COMPLETED, DropState.EXPIRED].includes(statusOf(session, 'short') as 2 | 4));
  await new Promise((r) => setTimeout(r, 150));
  t.is(statusOf(session, 'short'), DropState.EXPIRED);
});

test('lifespan and expireAfterUse together are refused at append', (t) => {
  const nm = nodeManager(t);
  const s = nm.openSession('both');
  const err = t.throws(() => s.addGraphSpec([mem('m', { lifespan: 5, expireAfterUse: true })]));
  t.regex(err!.message, /mutually exclusive/);
});

test('SharedMemoryDROP behaves as memory; NullDROP discards; lower-case data goes by storage', async (t) => {
  const nm = nodeManager(t);
  const { session, status } = await run(nm, [
    app('hello', 'HelloWorldApp', { greet: 'shm', outputs: ['shm', 'null', 'bystorage'] }),
    { oid: 'shm', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.SharedMemoryDROP' },
    { oid: 'null', categoryType: 'Data', dropclass: 'dlg.data.drops.data_base.NullDROP' },
    { oid: 'bystorage', categoryType: 'data', storage: 'Memory' },
  ]);
  t.is(status, SessionState.FINISHED);
  const shm = session.getDrop('shm') as DataDrop;
  t.regex(shm.dataURL, /^shmem:\/\//);
  t.is((await shm.read()).toString(), 'Hello shm');
  t.is((await (session.getDrop('null') as DataDrop).read()).length, 0);
  t.is((session.getDrop('null') as DataDrop).dataURL, 'null://');
  t.is((await (session.getDrop('bystorage') as DataDrop).read()).toString(), 'Hello shm');
});
