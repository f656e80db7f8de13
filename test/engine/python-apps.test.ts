// PyFuncApp through the node's Python workers: the worked examples of PYTHON_APPS.md §6 with
// DALiuGE's exact output bytes, and the places where we deliberately differ from 6.7.0 (README).

import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppDrop } from '../../engine/drops/app.ts';
import { MemoryDrop } from '../../engine/drops/data.ts';
import { EngineError } from '../../engine/errors.ts';
import { AppState, DropState, SessionState } from '../../engine/states.ts';
import { startNode, runThroughRest } from './helpers.ts';
import { arg, inPort, memDrop, needsPython, outPort, pydataDrop, pyfunc, pythonNode, pythonOptions, runPy, testPython, unpickledRepr } from '../python.ts';

const M = 'dlgts_testfuncs';

function content(s: { getDrop(oid: string): unknown }, oid: string): string {
  return (s.getDrop(oid) as MemoryDrop).readSync().toString('hex');
}

if (needsPython(test)) {
  test('§6.1: a port and an application argument: add(a=7, b=5) writes the pickle of 12', async (t) => {
    const nm = pythonNode(t);
    const { session, status } = await runPy(nm, [
      pydataDrop('A', 7, 'Integer', { consumers: [{ F: 'a' }] }),
      pyfunc('F', `${M}.add`, [inPort('a'), arg('b', 5), outPort('out')], [['A', 'a']], [['O', 'out']]),
      memDrop('O'),
    ]);
    t.is(status, SessionState.FINISHED);
    t.is(content(session, 'O'), '80044b0c2e');
  });

  test('§6.2: without application arguments every port reads dill and the result is dill: add(a=7) gives 9', async (t) => {
    const { session } = await runPy(pythonNode(t), [
      pydataDrop('A', 7, 'Integer'),
      { oid: 'F', categoryType: 'Application', dropclass: 'dlg.apps.pyfunc.PyFuncApp', func_name: `${M}.add`, inputs: [{ A: 'a' }], outputs: [{ O: 'out' }] },
      memDrop('O'),
    ]);
    t.is(content(session, 'O'), '80044b092e');
  });

  test('§6.3: keyword-only parameters and **kwargs; a positional extra goes to *args (DALiuGE fails to bind it, Q8)', async (t) => {
    const base = [arg('b', 2), arg('k', 'K'), arg('c', 30), inPort('a'), outPort('out')];
    const graph = (extra: ReturnType<typeof arg>[]) => [
      pydataDrop('A', 1, 'Integer'),
      pyfunc('F', `${M}.mix`, [...base, ...extra], [['A', 'a']], [['O', 'out']]),
      memDrop('O'),
    ];
    const nm = pythonNode(t);
    const plain = await runPy(nm, graph([]));
    t.is(unpickledRepr((plain.session.getDrop('O') as MemoryDrop).readSync()), "{'a': 1, 'b': 2, 'args': [], 'c': 30, 'kwargs': {'k': 'K', 'out': None}}");
    const withExtra = await runPy(nm, graph([arg('e', 9, { positional: true })]));
    t.is(withExtra.status, SessionState.FINISHED);
    t.is(unpickledRepr((withExtra.session.getDrop('O') as MemoryDrop).readSync()), "{'a': 1, 'b': 2, 'args': [9], 'c': 30, 'kwargs': {'k': 'K', 'out': None}}");
  });

  test('§6.4: every output gets the whole result, each in its port encoding (pickle, utf-8)', async (t) => {
    const { session } = await runPy(pythonNode(t), [
      pyfunc('F', `${M}.pair`, [arg('x', 10), outPort('o1'), outPort('o2', 'utf-8')], [], [['O1', 'o1'], ['O2', 'o2']]),
      memDrop('O1'),
      memDrop('O2'),
    ]);
    t.is(content(session, 'O1'), '80049507000000000000004b0a4b0286942e');
    t.is(content(session, 'O2'), Buffer.from('(10, 2)').toString('hex'));
  });

  test('§6.7: eval input and output; a utf-8 port gives a str (DALiuGE gives a memoryview, Q9)', async (t) => {
    const nm = pythonNode(t);
    const evalIn = await runPy(nm, [
      memDrop('A', { pydata: "[1, 'a', {'b': 2.5}]" }),
      pyfunc('F', `${M}.ident`, [inPort('x', 'eval'), outPort('out', 'pickle')], [['A', 'x']], [['O', 'out']]),
      memDrop('O'),
    ]);
    t.is(unpickledRepr((evalIn.session.getDrop('O') as MemoryDrop).readSync()), "[1, 'a', {'b': 2.5}]");
    const evalOut = await runPy(nm, [
      pyfunc('F', `${M}.ident`, [arg('x', 'hi'), outPort('out', 'eval')], [], [['O', 'out']]),
      memDrop('O'),
      pyfunc('G', `${M}.ident`, [arg('x', 3), outPort('out', 'eval')], [], [['P', 'out']]),
      memDrop('P'),
    ]);
    t.is(content(evalOut.session, 'O'), '6869');
    t.is(content(evalOut.session, 'P'), '33');
    const utf8 = await runPy(nm, [
      memDrop('A', { pydata: 'héllo' }),
      pyfunc('F', `${M}.ident`, [inPort('x', 'utf-8'), outPort('out', 'pickle')], [['A', 'x']], [['O', 'out']]),
      memDrop('O'),
    ]);
    t.is(unpickledRepr((utf8.session.getDrop('O') as MemoryDrop).readSync()), "'héllo'");
  });

  test('§6.8: inline func_code source: f(41) writes the pickle of 42', async (t) => {
    const { session } = await runPy(pythonNode(t), [
      pydataDrop('A', 41, 'Integer'),
      pyfunc('F', 'f', [inPort('x'), outPort('out')], [['A', 'x']], [['O', 'out']], { func_code: 'def f(x):\n    return x + 1' }),
      memDrop('O'),
    ]);
    t.is(content(session, 'O'), '80044b2a2e');
  });

  test('§6.10: an exception fails the app and its output, with the Python traceback in the drop log (REST)', async (t) => {
    const node = await startNode(t, { python: pythonOptions });
    const r = await runThroughRest(node, [
      pydataDrop('A', 3, 'Integer'),
      pyfunc('F', `${M}.boom`, [inPort('x'), outPort('out')], [['A', 'x']], [['O', 'out']]),
      memDrop('O', { consumers: ['G'] }),
      pyfunc('G', `${M}.ident`, [inPort('x'), outPort('out')], [['O', 'x']], [['P', 'out']]),
      memDrop('P'),
    ]);
    t.is(r.status, SessionState.FAILED);
    t.deepEqual(r.drops.F, { status: DropState.ERROR, execStatus: AppState.ERROR });
    t.is(r.drops.O!.status, DropState.ERROR);
    t.is(r.drops.G!.status, DropState.ERROR, 'a downstream app fails under the default input_error_threshold');
    const logs = (await node.client.dropLogs(r.sessionId, 'F')).logs.map((l) => `${l.Level} ${l.Message}`);
    t.true(logs.some((m) => m.startsWith('ERROR') && m.includes('ValueError: boom 3')), logs.join('\n'));
    t.true(logs.some((m) => m.includes('Traceback (most recent call last)') && m.includes('dlgts_testfuncs.py') && m.includes('raise ValueError')), logs.join('\n'));
  });

  test('§6.11: member functions: Counter.__init__ writes the object, Counter.inc reads it on port self', async (t) => {
    const { session, status } = await runPy(pythonNode(t), [
      pyfunc('C', `${M}.Counter.__init__`, [arg('start', 10), outPort('self', 'dill')], [], [['S', 'self']]),
      memDrop('S', { persist: true }),
      pyfunc('I', `${M}.Counter.inc`, [inPort('self', 'dill'), arg('step', 5), outPort('out')], [['S', 'self']], [['O', 'out']]),
      memDrop('O'),
    ]);
    t.is(status, SessionState.FINISHED);
    t.is(content(session, 'O'), '80044b0f2e');
    const obj = execFileSync(testPython, ['-c', 'import pickle,sys; o=pickle.loads(sys.stdin.buffer.read()); print(type(o).__module__, type(o).__name__, o.n)'], {
      input: (session.getDrop('S') as MemoryDrop).readSync(),
      env: { ...process.env, PYTHONPATH: pythonOptions.paths![0] },
    }).toString();
    t.is(obj.trim(), `${M} Counter 10`);
  });

  test('§6.12 differs on purpose: a falsy argument value counts (DALiuGE ignores b=0 and returns 7, Q2)', async (t) => {
    const { session } = await runPy(pythonNode(t), [pyfunc('F', `${M}.add`, [arg('a', 5), arg('b', 0), outPort('out')], [], [['O', 'out']]), memDrop('O')]);
    t.is(content(session, 'O'), '80044b052e');
  });

  test('parameters DALiuGE cannot bind: positional-only (Q8), keyword-only (Q4), a port after the examined ones (Q5), a component-parameter port (Q6)', async (t) => {
    const nm = pythonNode(t);
    const { session } = await runPy(nm, [
      pydataDrop('A', 3, 'Integer'),
      pydataDrop('B', 4, 'Integer'),
      pydataDrop('E', 99, 'Integer'),
      pyfunc('P', `${M}.posonly`, [inPort('a'), outPort('out')], [['A', 'a']], [['OP', 'out']]),
      pyfunc('K', `${M}.kwonly`, [inPort('a'), arg('k', 100), outPort('out')], [['B', 'a']], [['OK', 'out']]),
      pyfunc('X', `${M}.ident`, [inPort('x'), outPort('out')], [['E', 'ev'], ['A', 'x']], [['OX', 'out']]),
      {
        ...pyfunc('C', `${M}.ident`, [outPort('out')], [['B', 'x']], [['OC', 'out']]),
        componentParams: { x: { name: 'x', value: null, usage: 'InputPort', encoding: 'pickle', parameterType: 'ComponentParameter' } },
      },
      memDrop('OP'),
      memDrop('OK'),
      memDrop('OX'),
      memDrop('OC'),
    ]);
    t.is(content(session, 'OP'), '80044b1f2e', 'posonly(3) = 31');
    t.is(content(session, 'OK'), '80044b682e', 'kwonly(4, k=100) = 104');
    t.is(content(session, 'OX'), '80044b032e', 'x bound from the second input');
    t.is(content(session, 'OC'), '80044b042e', 'x bound from a component-parameter port');
  });

  test("the function's stdout goes to the drop log; it runs in the session directory", async (t) => {
    const { session } = await runPy(pythonNode(t), [
      pyfunc('F', `${M}.chatty`, [arg('x', 'graph'), outPort('out', 'utf-8')], [], [['O', 'out']]),
      memDrop('O'),
      pyfunc('W', `${M}.where`, [outPort('out', 'utf-8')], [], [['D', 'out']]),
      memDrop('D'),
    ]);
    const logs = (session.getDrop('F') as AppDrop).logs!.map((l) => l.Message);
    t.true(logs.some((m) => m.includes('hello from graph')), logs.join('\n'));
    t.is((session.getDrop('D') as MemoryDrop).readSync().toString(), session.sessionDir);
  });

  test('a path-encoded output port gives the function the FileDROP path; the file it writes is the output', async (t) => {
    const { session, status } = await runPy(pythonNode(t), [
      pyfunc('F', `${M}.write_text`, [arg('path', '', { usage: 'OutputPort', encoding: 'path' }), arg('text', 'abc')], [], [['O', 'path']]),
      { oid: 'O', categoryType: 'Data', dropclass: 'dlg.data.drops.file.FileDROP', filepath: 'written.txt' },
    ]);
    t.is(status, SessionState.FINISHED);
    t.is(readFileSync(join(session.sessionDir, 'written.txt'), 'utf8'), 'abc');
    t.is(session.getDrop('O')!.status, DropState.COMPLETED);
  });

  test('append refuses a missing module or function with a 400 naming the drop, the function and the interpreter', async (t) => {
    const nm = pythonNode(t);
    const s = nm.openSession('bad');
    const err = await t.throwsAsync(
      s.appendGraph([
        pyfunc('F1', 'no_such_module_xyz.f', [outPort('out')], [], [['O1', 'out']]),
        memDrop('O1'),
        pyfunc('F2', `${M}.no_such_function`, [outPort('out')], [], [['O2', 'out']]),
        memDrop('O2'),
        pyfunc('F3', `${M}.add`, [arg('a', 1), outPort('out')], [], [['O3', 'out']]),
        memDrop('O3'),
      ]),
    );
    t.true(err instanceof EngineError);
    t.is((err as EngineError).httpStatus, 400);
    const msg = err!.message;
    t.regex(msg, /F1 \(dlg\.apps\.pyfunc\.PyFuncApp no_such_module_xyz\.f\): .*no_such_module_xyz/);
    t.regex(msg, /F2 \(dlg\.apps\.pyfunc\.PyFuncApp dlgts_testfuncs\.no_such_function\): .*no_such_function/);
    t.false(msg.includes('F3'));
    t.true(msg.includes('python'), msg);
    t.is(s.size, 0, 'nothing was appended');
  });

  test('an interpreter that cannot start is a 400 at append naming it; a graph without Python apps starts none', async (t) => {
    const nm = pythonNode(t, 2, { python: '/nonexistent/python3' });
    const s = nm.openSession('nopy');
    const err = await t.throwsAsync(s.appendGraph([pyfunc('F', `${M}.add`, [arg('a', 1), outPort('out')], [], [['O', 'out']]), memDrop('O')]));
    t.regex(err!.message, /\/nonexistent\/python3/);
    const ok = await runPy(nm, [memDrop('A', { pydata: 'x' }), { oid: 'C', categoryType: 'Application', dropclass: 'dlg.apps.simple.CopyApp', inputs: ['A'], outputs: ['B'] }, memDrop('B')]);
    t.is(ok.status, SessionState.FINISHED);
    t.is(nm.python.size, 0);
    t.deepEqual(nm.python.startTimes, []);
  });

  test('Docker, MPI and dynlib apps stay refused at append, by class', async (t) => {
    const nm = pythonNode(t);
    const s = nm.openSession('docker');
    const err = await t.throwsAsync(
      s.appendGraph([
        { oid: 'D', categoryType: 'Application', dropclass: 'dlg.apps.dockerapp.DockerApp', image: 'x' },
        { oid: 'M', categoryType: 'Application', dropclass: 'dlg.apps.mpi.MPIApp' },
        { oid: 'L', categoryType: 'Application', dropclass: 'dlg.apps.dynlib.DynlibApp' },
      ]),
    );
    t.is((err as EngineError).httpStatus, 400);
    for (const c of ['dlg.apps.dockerapp.DockerApp (D)', 'dlg.apps.mpi.MPIApp (M)', 'dlg.apps.dynlib.DynlibApp (L)']) t.true(err!.message.includes(c), err!.message);
  });

  if (needsPython(test, 'dill')) {
    test('§2.2: func_code as base64 of a dill-pickled function, and func_defaults', async (t) => {
      const b64 = (src: string) =>
        execFileSync(testPython, ['-c', `import dill,base64,sys\n${src}\nsys.stdout.write(base64.b64encode(dill.dumps(g)).decode())`]).toString();
      const code = b64('def g(x, y=1):\n    return x * 100 + y');
      const def = execFileSync(testPython, ['-c', 'import dill,base64,sys; sys.stdout.write(base64.b64encode(dill.dumps(7)).decode())']).toString();
      const { session, status } = await runPy(pythonNode(t), [
        pydataDrop('A', 3, 'Integer'),
        pyfunc('F', 'g', [inPort('x'), outPort('out')], [['A', 'x']], [['O', 'out']], { func_code: code, func_defaults: { y: def } }),
        memDrop('O'),
      ]);
      t.is(status, SessionState.FINISHED);
      t.is(content(session, 'O'), '80049504000000000000004d33012e', 'g(3, y=7) = 307');
    });
  }
}
