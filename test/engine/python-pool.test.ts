// The node's pool of Python workers: reuse, the --max-workers bound, a worker that dies or
// hangs failing only its app, cancellation killing running calls, bulk data through shared
// memory files that are removed with their session.

import test from 'ava';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppDrop } from '../../engine/drops/app.ts';
import { MemoryDrop } from '../../engine/drops/data.ts';
import { AppState, DropState, SessionState } from '../../engine/states.ts';
import { arg, inPort, memDrop, needsPython, outPort, pyfunc, pythonNode, pythonOptions, runPy } from '../python.ts';
import { NodeManager } from '../../engine/managers/node/node-manager.ts';
import { tempRoot } from './helpers.ts';

const M = 'dlgts_testfuncs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function logText(s: { getDrop(oid: string): unknown }, oid: string): string {
  return ((s.getDrop(oid) as AppDrop).logs ?? []).map((l) => `${l.Level} ${l.Message}`).join('\n');
}

if (needsPython(test)) {
  test('a chain of 30 apps runs on at most --max-workers reused workers', async (t) => {
    const nm = pythonNode(t, 2);
    const pg: unknown[] = [pyfunc('F0', `${M}.add`, [arg('a', 1), arg('b', 1), outPort('out')], [], [['D0', 'out']]), memDrop('D0')];
    for (let i = 1; i < 30; i++) pg.push(pyfunc(`F${i}`, `${M}.add`, [inPort('a'), arg('b', 1), outPort('out')], [[`D${i - 1}`, 'a']], [[`D${i}`, 'out']]), memDrop(`D${i}`));
    const { session, status } = await runPy(nm, pg);
    t.is(status, SessionState.FINISHED);
    t.is((session.getDrop('D29') as MemoryDrop).readSync().toString('hex'), '80044b1f2e'); // 31
    t.true(nm.python.startTimes.length <= 2, `${nm.python.startTimes.length} workers started`);
  });

  test('six parallel apps with --max-workers 2 never use more than two workers', async (t) => {
    const nm = pythonNode(t, 2);
    const pg: unknown[] = [];
    for (let i = 0; i < 6; i++) pg.push(pyfunc(`P${i}`, `${M}.pid`, [outPort('out', 'utf-8')], [], [[`D${i}`, 'out']]), memDrop(`D${i}`));
    const { session, status } = await runPy(nm, pg);
    t.is(status, SessionState.FINISHED);
    const pids = new Set([0, 1, 2, 3, 4, 5].map((i) => (session.getDrop(`D${i}`) as MemoryDrop).readSync().toString()));
    t.true(pids.size <= 2, `ran in ${pids.size} processes`);
    t.true(nm.python.size <= 2);
  });

  test('a worker that dies fails only its app; the next call gets a new worker', async (t) => {
    const nm = pythonNode(t, 1);
    const { session, status } = await runPy(nm, [
      pyfunc('D', `${M}.die`, [arg('code', 3), outPort('out')], [], [['X', 'out']]),
      memDrop('X'),
      pyfunc('F', `${M}.add`, [arg('a', 1), arg('b', 2), outPort('out')], [], [['O', 'out']]),
      memDrop('O'),
    ]);
    t.is(status, SessionState.FAILED);
    t.is(session.getDrop('D')!.status, DropState.ERROR);
    t.regex(logText(session, 'D'), /exited with status 3/);
    t.is(session.getDrop('O')!.status, DropState.COMPLETED);
    t.is((session.getDrop('O') as MemoryDrop).readSync().toString('hex'), '80044b032e');
    t.is(nm.python.startTimes.length, 2, 'the dead worker was replaced');
  });

  test('an app past its timeout is killed with its worker and fails; the pool goes on', async (t) => {
    const nm = pythonNode(t, 1);
    const t0 = Date.now();
    const { session } = await runPy(nm, [
      pyfunc('S', `${M}.sleep_for`, [arg('seconds', 60), outPort('out')], [], [['X', 'out']], { timeout: 0.5 }),
      memDrop('X'),
    ]);
    t.true(Date.now() - t0 < 30_000);
    t.is(session.getDrop('S')!.status, DropState.ERROR);
    t.regex(logText(session, 'S'), /timed out after 0\.5 s/);
    const again = await runPy(nm, [pyfunc('F', `${M}.add`, [arg('a', 2), outPort('out')], [], [['O', 'out']]), memDrop('O')]);
    t.is(again.status, SessionState.FINISHED);
  });

  test("--app-timeout is the default timeout of Python apps; an app's own timeout wins", async (t) => {
    const nm = new NodeManager({ dlgRoot: tempRoot(t), maxWorkers: 2, appTimeout: 0.5, python: pythonOptions });
    t.teardown(() => nm.shutdown());
    const { session } = await runPy(nm, [
      pyfunc('S', `${M}.sleep_for`, [arg('seconds', 60), outPort('out')], [], [['X', 'out']]),
      memDrop('X'),
      pyfunc('L', `${M}.sleep_for`, [arg('seconds', 1), outPort('out')], [], [['Y', 'out']], { timeout: 30 }),
      memDrop('Y'),
    ]);
    t.is(session.getDrop('S')!.status, DropState.ERROR);
    t.regex(logText(session, 'S'), /timed out after 0\.5 s/);
    t.is(session.getDrop('L')!.status, DropState.COMPLETED, 'its own timeout of 30 s let it sleep 1 s');
  });

  test('cancelling a session kills its running calls', async (t) => {
    const nm = pythonNode(t, 2);
    const session = nm.openSession('cancel-me');
    await session.appendGraph([
      pyfunc('S', `${M}.sleep_for`, [arg('seconds', 60), outPort('out')], [], [['X', 'out']]),
      memDrop('X'),
      pyfunc('P', `${M}.pid`, [outPort('out', 'utf-8')], [], [['Y', 'out']]),
      memDrop('Y'),
    ]);
    session.deploy('roots');
    const deadline = Date.now() + 20_000;
    while ((session.getDrop('Y') as MemoryDrop).status !== DropState.COMPLETED || (session.getDrop('S') as AppDrop).execStatus !== AppState.RUNNING) {
      if (Date.now() > deadline) return t.fail('the apps did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
    t.is(nm.python.size, 2, 'one worker sleeps in S, the other is idle after P');
    session.cancel();
    t.is(await session.whenFinished(), SessionState.CANCELLED);
    t.is(session.getDrop('S')!.status, DropState.CANCELLED);
    const until = Date.now() + 5000;
    while (nm.python.size > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    t.is(nm.python.size, 1, 'the worker running the cancelled app was killed; the idle one stays');
  });

  test('bulk data goes through shared-memory files, not the pipe, and they go with the session', async (t) => {
    const nm = pythonNode(t, 2);
    const n = 3_000_000;
    const { session, status } = await runPy(nm, [
      pyfunc('B', `${M}.big`, [arg('n', n), outPort('out', 'raw')], [], [['D', 'out']]),
      memDrop('D', { persist: true }),
      pyfunc('L', `${M}.nbytes`, [inPort('x', 'raw'), outPort('out')], [['D', 'x']], [['O', 'out']]),
      memDrop('O'),
    ]);
    t.is(status, SessionState.FINISHED);
    const d = session.getDrop('D') as MemoryDrop;
    const file = d.backingFile;
    t.truthy(file, 'the 3 MB result was adopted as a file');
    t.true(existsSync(file!));
    t.is(d.size, n);
    t.is(d.readSync().length, n);
    t.is((session.getDrop('O') as MemoryDrop).readSync().toString('hex'), '8004950600000000000000' + '4ac0c62d00' + '2e');
    const dir = dirname(file!);
    await nm.destroySession(session.sessionId);
    t.false(existsSync(dir), 'the session scratch directory was removed');
  });
}
