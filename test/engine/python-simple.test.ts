// DALiuGE's dlg.apps.simple.* apps that run in a Python worker (PYTHON_APPS.md §3), Branch
// with Python code (§6.9), and the native apps reading pickled data.

import test from 'ava';
import { execFileSync } from 'node:child_process';
import { MemoryDrop } from '../../engine/drops/data.ts';
import { AppDrop } from '../../engine/drops/app.ts';
import { DropState, SessionState } from '../../engine/states.ts';
import { app } from './session-harness.ts';
import { arg, inPort, memDrop, needsPython, outPort, pydataDrop, pyfunc, pythonNode, runPy, testPython } from '../python.ts';

/** What Python makes of a pickle, through `expr` applied to `x` (e.g. x.tolist()). */
function py(data: Buffer, expr = 'repr(x)'): string {
  return execFileSync(testPython, ['-c', `import pickle,sys\nx=pickle.loads(sys.stdin.buffer.read())\nsys.stdout.write(str((${expr})))`], { input: data }).toString();
}

function npy(data: Buffer, expr = 'x.tolist()'): string {
  return execFileSync(testPython, ['-c', `import numpy,io,sys\nx=numpy.load(io.BytesIO(sys.stdin.buffer.read()))\nsys.stdout.write(str((${expr})))`], { input: data }).toString();
}

const bytesOf = (s: { getDrop(oid: string): unknown }, oid: string) => (s.getDrop(oid) as MemoryDrop).readSync();

if (needsPython(test)) {
  test('§6.9 Branch with func_code: x = 5 copies the input to "true" and skips "false"; x = -1 the reverse', async (t) => {
    const nm = pythonNode(t);
    for (const [x, taken, skipped] of [
      [5, 'T', 'Fa'],
      [-1, 'Fa', 'T'],
    ] as const) {
      const { session, status } = await runPy(nm, [
        pydataDrop('X', x, 'Integer', { persist: true }),
        {
          ...app('B', 'Branch', { func_name: 'condition', func_code: 'def condition(x): return (x > 0)' }),
          applicationArgs: { x: inPort('x') },
          inputs: [{ X: 'x' }],
          outputs: [{ T: 'true' }, { Fa: 'false' }],
        },
        memDrop('T'),
        memDrop('Fa'),
      ]);
      t.is(status, SessionState.FINISHED);
      t.deepEqual(bytesOf(session, taken), bytesOf(session, 'X'), `${taken} holds the raw copy of the input`);
      t.is(session.getDrop(skipped)!.status, DropState.SKIPPED);
    }
  });

  test('a Branch naming a module function runs it; pydata of type eval is evaluated by Python at append', async (t) => {
    const { session, status } = await runPy(pythonNode(t), [
      pydataDrop('X', '[1 + 1, "a" * 3]', 'eval', { persist: true }),
      {
        ...app('B', 'Branch', { func_name: 'dlgts_testfuncs.positive' }),
        applicationArgs: { x: inPort('x', 'dill') },
        inputs: [{ X: 'x' }],
        outputs: [{ T: 'true' }, { Fa: 'false' }],
      },
      memDrop('T'),
      memDrop('Fa'),
    ]);
    // [2, 'aaa'] > 0 is a TypeError in Python: the branch fails, with the reason in its log.
    t.is(status, SessionState.FAILED);
    t.is(py(bytesOf(session, 'X')), "[2, 'aaa']");
    t.regex(((session.getDrop('B') as AppDrop).logs ?? []).map((l) => l.Message).join('\n'), /TypeError: '>' not supported/);
    const numeric = await runPy(pythonNode(t), [
      pydataDrop('X', '-2 ** 3', 'eval', { persist: true }),
      { ...app('B', 'Branch', { func_name: 'dlgts_testfuncs.positive' }), applicationArgs: { x: inPort('x', 'dill') }, inputs: [{ X: 'x' }], outputs: [{ T: 'true' }, { Fa: 'false' }] },
      memDrop('T'),
      memDrop('Fa'),
    ]);
    t.is(numeric.status, SessionState.FINISHED);
    t.is(numeric.session.getDrop('T')!.status, DropState.SKIPPED);
    t.is(py(bytesOf(numeric.session, 'Fa')), '-8');
  });

  test('ArrayGatherApp, DictGatherApp (runs here, Q12) and HelloWorldApp on a pickled list', async (t) => {
    const { session } = await runPy(pythonNode(t), [
      pydataDrop('one', 1, 'Integer'),
      memDrop('raw', { pydata: 'raw' }),
      app('AG', 'ArrayGatherApp', { inputs: ['one', 'raw'], outputs: ['AO'] }),
      memDrop('AO'),
      pydataDrop('da', 2, 'Integer', { name: 'alpha' }),
      pydataDrop('db', '[1, 2]', 'Json', { name: 'beta' }),
      { ...app('DG', 'DictGatherApp', { inputs: ['da', 'db'], outputs: ['DO'] }), applicationArgs: { extra: arg('extra', 'E') } },
      memDrop('DO'),
      pydataDrop('names', '["Ann", "x"]', 'Json'),
      app('H', 'HelloWorldApp', { inputs: ['names'], outputs: ['HO'] }),
      memDrop('HO'),
    ]);
    t.is(py(bytesOf(session, 'AO')), "[1, b'raw']");
    t.is(py(bytesOf(session, 'DO')), "{'alpha': 2, 'beta': [1, 2], 'extra': 'E'}");
    t.is(bytesOf(session, 'HO').toString(), 'Hello, Ann');
  });

  test('ListAppendThrashingApp writes a pickled list of `size` floats', async (t) => {
    const { session } = await runPy(pythonNode(t), [app('L', 'ListAppendThrashingApp', { size: 7, outputs: ['O'] }), memDrop('O')]);
    t.is(py(bytesOf(session, 'O'), "len(x), all(isinstance(v, float) and 0 <= v < 1 for v in x)"), '(7, True)');
  });

  if (needsPython(test, 'numpy')) {
    test('RandomArrayApp, GenericScatterApp, AverageArraysApp and PickOne, with DALiuGE’s pickles', async (t) => {
      const { session, status } = await runPy(pythonNode(t), [
        app('R', 'RandomArrayApp', { size: 10, low: 0, high: 5, integer: true, outputs: ['RO'] }),
        memDrop('RO'),
        pydataDrop('L', '[0, 1, 2, 3, 4, 5, 6]', 'Json'),
        app('S', 'GenericScatterApp', { num_of_copies: 3, inputs: ['L'], outputs: ['S0', 'S1', 'S2'] }),
        memDrop('S0'),
        memDrop('S1'),
        memDrop('S2'),
        pydataDrop('a1', '[1, 2]', 'Json'),
        pydataDrop('a2', '[3, 4]', 'Json'),
        app('A', 'AverageArraysApp', { inputs: ['a1', 'a2'], outputs: ['AO'] }),
        memDrop('AO'),
        pydataDrop('P', '[5, 6, 7]', 'Json'),
        { ...app('PO', 'PickOne', { inputs: ['P'] }), outputs: [{ first: 'value' }, { rest: 'rest_array' }] },
        memDrop('first'),
        memDrop('rest'),
      ]);
      t.is(status, SessionState.FINISHED);
      t.is(py(bytesOf(session, 'RO'), "type(x).__name__, len(x), all(0 <= v < 5 for v in x.tolist())"), "('ndarray', 10, True)");
      t.deepEqual(['S0', 'S1', 'S2'].map((o) => py(bytesOf(session, o), 'x.tolist()')), ['[0, 1, 2]', '[3, 4]', '[5, 6]']);
      t.is(py(bytesOf(session, 'AO'), 'float(x)'), '2.5');
      t.is(py(bytesOf(session, 'first'), 'int(x)'), '5');
      t.is(py(bytesOf(session, 'rest'), 'x.tolist()'), '[6, 7]', 'the remainder goes to the port named rest_array (Q13)');
    });

    test('GenericNpyGatherApp and GenericNpyScatterApp read and write npy', async (t) => {
      const { session, status } = await runPy(pythonNode(t), [
        pydataDrop('x1', '[0, 1, 2]', 'Json'),
        pydataDrop('x2', '[1, 1, 1]', 'Json'),
        pyfunc('N1', 'dlgts_testfuncs.ident', [inPort('x'), outPort('out', 'npy')], [['x1', 'x']], [['n1', 'out']]),
        pyfunc('N2', 'dlgts_testfuncs.ident', [inPort('x'), outPort('out', 'npy')], [['x2', 'x']], [['n2', 'out']]),
        memDrop('n1', { consumers: ['G', 'SC'] }),
        memDrop('n2', { consumers: ['G'] }),
        app('G', 'GenericNpyGatherApp', { function: 'sum', inputs: ['n1', 'n2'], outputs: ['GO'] }),
        memDrop('GO'),
        app('SC', 'GenericNpyScatterApp', { num_of_copies: 2, scatter_axes: '[0]', inputs: ['n1'], outputs: ['s0', 's1'] }),
        memDrop('s0'),
        memDrop('s1'),
      ]);
      t.is(status, SessionState.FINISHED);
      t.is(npy(bytesOf(session, 'GO'), 'x.item()'), '6');
      t.deepEqual([npy(bytesOf(session, 's0')), npy(bytesOf(session, 's1'))], ['[0, 1]', '[2]']);
    });

    test('§6.5, §6.6: numpy.sum of a pickled array; an npy port in, npy and pickle out', async (t) => {
      const arr = execFileSync(testPython, ['-c', 'import numpy,pickle,sys; sys.stdout.buffer.write(pickle.dumps(numpy.arange(4)))']);
      const { session } = await runPy(pythonNode(t), [
        memDrop('A', { fields: [{ name: 'pydata', value: arr.toString('base64'), type: 'Object' }] }),
        pyfunc('S', 'numpy.sum', [inPort('a'), outPort('out')], [['A', 'a']], [['O', 'out']]),
        memDrop('O'),
      ]);
      t.is(py(bytesOf(session, 'O'), 'int(x), type(x).__name__'), "(6, 'int64')");
    });
  }

  test('native apps read pickled pydata: SleepApp on a pickled float, a bash command line gets str(value)', async (t) => {
    const { session, status } = await runPy(pythonNode(t), [
      pydataDrop('secs', 0.05, 'Float'),
      { ...app('S', 'SleepApp', { inputs: [{ secs: 'sleep_time' }] }) },
      pydataDrop('nd', 2048, 'Integer'),
      pydataDrop('jd', '{"k": [1, 2.5, "s"]}', 'Json'),
      {
        ...app('B', 'dlg.apps.bash_shell_app.BashShellApp', { command: 'echo {n} {j} > out.txt' }),
        applicationArgs: { n: inPort('n'), j: inPort('j') },
        inputs: [{ nd: 'n' }, { jd: 'j' }],
      },
    ]);
    t.is(status, SessionState.FINISHED);
    t.is(session.getDrop('S')!.status, DropState.COMPLETED);
    const { readFileSync } = await import('node:fs');
    t.is(readFileSync(`${session.sessionDir}/out.txt`, 'utf8'), "2048 {'k': [1, 2.5, 's']}\n");
  });
}
