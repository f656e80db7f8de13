// The Python interpreter the engine tests run apps with, and how a test file that needs it
// (or numpy, or dill) behaves when it is missing: outside CI one skipped test saying what is
// missing; under CI (env CI set, where .ci/run installs them) a failure.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext, TestFn } from 'ava';
import type { PythonOptions } from '../engine/drops/apps/python/pool.ts';
import { NodeManager } from '../engine/managers/node/node-manager.ts';
import type { Session } from '../engine/session/session.ts';
import { tempRoot } from './engine/helpers.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const pythonFixtures = join(repoRoot, 'fixtures/python');

/** DLG_TEST_PYTHON, else the system's /usr/bin/python3 (what CI installs with apt), else python3 on PATH. */
export const testPython = process.env.DLG_TEST_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export type Feature = 'numpy' | 'dill';

let probed: { ok: boolean; numpy: boolean; dill: boolean } | undefined;

export function pythonFeatures(): { ok: boolean; numpy: boolean; dill: boolean } {
  if (probed) return probed;
  const r = spawnSync(testPython, ['-c', "import json,importlib.util as u;print(json.dumps({f: u.find_spec(f) is not None for f in ('numpy','dill')}))"], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) return (probed = { ok: false, numpy: false, dill: false });
  const f = JSON.parse(r.stdout) as { numpy: boolean; dill: boolean };
  return (probed = { ok: true, ...f });
}

/** True when the interpreter (and the features) are there; else registers one skipped (or, under CI, failing) test. */
export function needsPython(test: TestFn, ...features: Feature[]): boolean {
  const f = pythonFeatures();
  const missing = !f.ok ? [`a Python interpreter (${testPython})`] : features.filter((x) => !f[x]).map((x) => `${x} in ${testPython}`);
  if (missing.length === 0) return true;
  const what = missing.join(' and ');
  if (process.env.CI) test(`${what} is required under CI`, (t) => t.fail(`missing: ${what}`));
  else test.skip(`skipped: ${what} is missing`, () => {});
  return false;
}

export const pythonOptions: PythonOptions = { python: testPython, paths: [pythonFixtures] };

export function pythonNode(t: ExecutionContext, maxWorkers = 2, python: PythonOptions = pythonOptions): NodeManager {
  const nm = new NodeManager({ dlgRoot: tempRoot(t), maxWorkers, python });
  t.teardown(() => nm.shutdown());
  return nm;
}

let counter = 0;

/** Append (with the Python checks), deploy with the roots, wait for the end. */
export async function runPy(nm: NodeManager, pg: unknown[]): Promise<{ session: Session; status: number }> {
  const session = nm.openSession(`py${++counter}`);
  await session.appendGraph(pg);
  session.deploy('roots');
  return { session, status: await session.whenFinished() };
}

/** Python's repr() of what a pickle holds, computed by the interpreter itself. */
export function unpickledRepr(data: Buffer): string {
  return execFileSync(testPython, ['-c', 'import pickle,sys; sys.stdout.write(repr(pickle.loads(sys.stdin.buffer.read())))'], { input: data }).toString();
}

/** Python evaluates `expr` and prints its pickle (protocol 4) in hex. */
export function pythonPickle(expr: string): string {
  return execFileSync(testPython, ['-c', `import pickle,sys; sys.stdout.write(pickle.dumps(${expr}, protocol=4).hex())`]).toString();
}

// Spec builders in the shape the translator emits (PYTHON_APPS.md §1.1).

export interface ArgOptions {
  usage?: 'NoPort' | 'InputPort' | 'OutputPort' | 'InputOutput';
  encoding?: string;
  type?: string;
  positional?: boolean;
}

export function arg(name: string, value: unknown, o: ArgOptions = {}) {
  return {
    name,
    value,
    type: o.type ?? 'Object',
    usage: o.usage ?? 'NoPort',
    encoding: o.encoding ?? 'pickle',
    positional: o.positional ?? false,
    precious: false,
    parameterType: 'ApplicationArgument',
  };
}

export const inPort = (name: string, encoding = 'pickle') => arg(name, null, { usage: 'InputPort', encoding });
export const outPort = (name: string, encoding = 'pickle') => arg(name, null, { usage: 'OutputPort', encoding });

/** A PyFuncApp: application arguments by name, inputs/outputs as [oid, port] pairs. */
export function pyfunc(oid: string, func: string, args: ReturnType<typeof arg>[], inputs: [string, string][] = [], outputs: [string, string][] = [], extra: Record<string, unknown> = {}) {
  const applicationArgs: Record<string, unknown> = {};
  const top: Record<string, unknown> = {};
  for (const a of args) {
    applicationArgs[a.name] = a;
    top[a.name] = a.value;
  }
  return {
    oid,
    categoryType: 'Application',
    dropclass: 'dlg.apps.pyfunc.PyFuncApp',
    func_name: func,
    ...top,
    applicationArgs,
    inputs: inputs.map(([o, p]) => ({ [o]: p })),
    outputs: outputs.map(([o, p]) => ({ [o]: p })),
    ...extra,
  };
}

/** A memory drop initialised from a pydata field of the given type. */
export function pydataDrop(oid: string, value: unknown, type: string, extra: Record<string, unknown> = {}) {
  return {
    oid,
    categoryType: 'Data',
    dropclass: 'dlg.data.drops.memory.InMemoryDROP',
    pydata: value,
    fields: [{ name: 'pydata', value, type, encoding: 'pickle', usage: 'NoPort', parameterType: 'ApplicationArgument' }],
    ...extra,
  };
}

export const memDrop = (oid: string, extra: Record<string, unknown> = {}) => ({ oid, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', ...extra });
