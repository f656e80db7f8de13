// From a drop spec to the class that implements it (reference §8.1 step 1). DALiuGE names
// classes by Python dotted paths; this table maps the ones this engine implements. Anything
// else is reported at graph append time, before anything runs.

import type { Drop, DropHost } from './drop.ts';
import type { AppClass } from './app.ts';
import { MemoryDrop, NullDrop, EndDrop } from './data.ts';
import { FileDrop } from './file.ts';
import { PathRefused } from './confine.ts';
import { NullBarrierApp, SleepApp, CopyApp, SleepAndCopyApp, GenericGatherApp } from './apps/simple.ts';
import { BranchApp, BranchAppDrop, SimpleBranch } from './apps/branch.ts';
import { BashShellApp } from './apps/bash.ts';
import { HelloWorldApp, PyFuncApp, PythonBranch, simplePythonApp } from './apps/python/apps.ts';
import { type DropSpec, intParam, parseNumber, rawParam, stringParam } from './spec.ts';
import { isObject } from '../../kernel/relations.ts';
import { PydataError, pydataOf } from '../pyvalue/pydata.ts';

export interface DropClass {
  readonly name: string;
  readonly kind: 'app' | 'data';
  readonly acceptsStreaming: boolean;
  create(host: DropHost, spec: DropSpec): Drop;
  /** A problem with the spec that makes the drop unusable, found without creating it. */
  check?(spec: DropSpec): string | undefined;
  /** A problem only the session can tell (a path outside its directories), found at append. */
  checkHosted?(host: DropHost, spec: DropSpec): string | undefined;
  /**
   * For apps that run in a Python worker: what the worker checks at append (the function's
   * import, numpy). Undefined when this spec runs without Python.
   */
  python?(spec: DropSpec): PythonCheck | undefined;
}

/** An append-time check a Python worker runs (worker.py, _check_one). */
export interface PythonCheck {
  app: string;
  spec?: Record<string, unknown>;
}

function app(name: string, cls: AppClass, check?: DropClass['check']): DropClass {
  return { name, kind: 'app', acceptsStreaming: cls.acceptsStreaming, create: (h, s) => new cls(h, s), check };
}

function data(name: string, create: DropClass['create']): DropClass {
  return { name, kind: 'data', acceptsStreaming: false, create, check: checkData };
}

function checkData(spec: DropSpec): string | undefined {
  const lifespan = rawParam(spec, 'lifespan');
  const eau = rawParam(spec, 'expireAfterUse');
  if (lifespan !== undefined && lifespan !== null && lifespan !== '' && eau !== undefined && eau !== null && eau !== '')
    return "'lifespan' and 'expireAfterUse' are mutually exclusive";
  return undefined;
}

/** Memory drops also parse their pydata at append: a value DALiuGE could not load is a 400 here. */
function checkMemory(spec: DropSpec): string | undefined {
  try {
    pydataOf(spec);
  } catch (err) {
    if (err instanceof PydataError) return err.message;
    throw err;
  }
  return checkData(spec);
}

/**
 * A FileDROP's path as its spec names it, resolved as at deploy (a throwaway drop, no disk
 * access). Only confinement is decided here; other path errors (an unset variable) fail the
 * drop at deploy, as before. A name taken from a producer is checked again at deploy.
 */
function checkFilePath(host: DropHost, spec: DropSpec): string | undefined {
  try {
    void new FileDrop(host, spec).path;
  } catch (err) {
    if (err instanceof PathRefused) return err.message;
  }
  return undefined;
}

function checkApp(spec: DropSpec): string | undefined {
  const n = intParam(spec, 'n_effective_inputs', -1);
  if (n === 0 || n < -1) return `n_effective_inputs must be -1 or positive, not ${n}`;
  const t = intParam(spec, 'input_error_threshold', 0);
  if (t < 0 || t > 100) return `input_error_threshold must be between 0 and 100, not ${t}`;
  return undefined;
}

/** The per-app `timeout` (seconds) of bash and Python apps. */
function checkTimeout(spec: DropSpec): string | undefined {
  const timeout = rawParam(spec, 'timeout');
  if (timeout !== undefined && timeout !== null && timeout !== '' && !(parseNumber(timeout, NaN) > 0))
    return `timeout must be a positive number of seconds, not ${JSON.stringify(timeout)}`;
  return undefined;
}

function checkBash(spec: DropSpec): string | undefined {
  if (stringParam(spec, 'command').trim() === '') return 'No command specified';
  return checkTimeout(spec) ?? checkApp(spec);
}

const MEMORY: DropClass = { ...data('dlg.data.drops.memory.InMemoryDROP', (h, s) => new MemoryDrop(h, s, 'mem')), check: checkMemory };
const SHARED_MEMORY: DropClass = { ...data('dlg.data.drops.memory.SharedMemoryDROP', (h, s) => new MemoryDrop(h, s, 'shmem')), check: checkMemory };
const FILE: DropClass = { ...data('dlg.data.drops.file.FileDROP', (h, s) => new FileDrop(h, s)), checkHosted: checkFilePath };
const NULL = data('dlg.data.drops.data_base.NullDROP', (h, s) => new NullDrop(h, s));
const END = data('dlg.data.drops.data_base.EndDROP', (h, s) => new EndDrop(h, s));

const NULL_BARRIER = app('dlg.apps.simple.NullBarrierApp', NullBarrierApp, checkApp);
const BRANCH_APP_DROP = app('dlg.apps.branch.BranchAppDrop', BranchAppDrop, checkApp);

const CLASSES = new Map<string, DropClass>();
function register(c: DropClass, ...aliases: string[]): void {
  CLASSES.set(c.name, c);
  for (const a of aliases) CLASSES.set(a, c);
}

register(MEMORY, 'dlg.drop.InMemoryDROP', 'dlg.data.drops.InMemoryDROP', 'dlg.data.memory.InMemoryDROP', 'dlg.data.drops.memory.PythonObjectDROP');
register(SHARED_MEMORY, 'dlg.drop.SharedMemoryDROP', 'dlg.data.drops.SharedMemoryDROP');
register(FILE, 'dlg.drop.FileDROP', 'dlg.data.drops.FileDROP', 'dlg.data.file.FileDROP');
register(NULL, 'dlg.drop.NullDROP', 'dlg.data.drops.NullDROP');
register(END, 'dlg.drop.EndDROP', 'dlg.data.drops.EndDROP');
register(NULL_BARRIER);
register(app('dlg.apps.simple.DALiuGEApp', NullBarrierApp, checkApp));
register(app('dlg.apps.simple.HelloWorldApp', HelloWorldApp, checkApp));
register(app('dlg.apps.simple.SleepApp', SleepApp, checkApp));
register(app('dlg.apps.simple.CopyApp', CopyApp, checkApp));
register(app('dlg.apps.simple.SleepAndCopyApp', SleepAndCopyApp, checkApp));
register(app('dlg.apps.simple.GenericGatherApp', GenericGatherApp, checkApp));
register(BRANCH_APP_DROP);
register(app('dlg.apps.simple.SimpleBranch', SimpleBranch, checkApp));
register(app('dlg.apps.bash_shell_app.BashShellApp', BashShellApp, checkBash));

// ---- apps run by Python workers (apps/python) ----

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** func_name / func_code / func_defaults as the worker resolves them (top level, else application arguments). */
function functionOf(spec: DropSpec): { func_name: string; func_code: string; func_defaults: unknown } {
  const aa = isObject(spec.applicationArgs) ? spec.applicationArgs : {};
  const fromAA = (k: string): unknown => (isObject(aa[k]) ? (aa[k] as Record<string, unknown>).value : undefined);
  return {
    func_name: text(spec.func_name) || text(fromAA('func_name')),
    func_code: text(spec.func_code) || text(fromAA('func_code')),
    func_defaults: spec.func_defaults,
  };
}

function checkPyFunc(spec: DropSpec): string | undefined {
  const f = functionOf(spec);
  if (f.func_name === '' && f.func_code === '') return 'PyFuncApp needs func_name or func_code';
  if (spec.func_code !== undefined && spec.func_code !== null && typeof spec.func_code !== 'string') return 'func_code must be a string';
  return checkTimeout(spec) ?? checkApp(spec);
}

/** A Branch runs Python when it has code: func_code, or a dotted func_name naming a module function. */
function branchUsesPython(spec: DropSpec): boolean {
  const f = functionOf(spec);
  return f.func_code !== '' || f.func_name.includes('.');
}

register({
  name: 'dlg.apps.pyfunc.PyFuncApp',
  kind: 'app',
  acceptsStreaming: false,
  create: (h, s) => new PyFuncApp(h, s),
  check: checkPyFunc,
  python: (s) => ({ app: 'pyfunc', spec: functionOf(s) }),
});
register({
  name: 'dlg.apps.simple.Branch',
  kind: 'app',
  acceptsStreaming: false,
  create: (h, s) => (branchUsesPython(s) ? new PythonBranch(h, s) : new BranchApp(h, s)),
  check: (s) => checkTimeout(s) ?? checkApp(s),
  python: (s) => (branchUsesPython(s) ? { app: 'branch', spec: functionOf(s) } : undefined),
});
for (const name of [
  'RandomArrayApp',
  'AverageArraysApp',
  'GenericNpyGatherApp',
  'GenericScatterApp',
  'GenericNpyScatterApp',
  'PickOne',
  'ListAppendThrashingApp',
  'ArrayGatherApp',
  'DictGatherApp',
  'UrlRetrieveApp',
]) {
  const cls = simplePythonApp(name);
  register({
    name: `dlg.apps.simple.${name}`,
    kind: 'app',
    acceptsStreaming: false,
    create: (h, s) => new cls(h, s),
    check: (s) => checkTimeout(s) ?? checkApp(s),
    python: () => ({ app: name }),
  });
}

/** Storage names of lower-case `data` specs (reference §4.2); the unimplemented ones map to a class name for the report. */
const STORAGE: Record<string, DropClass | string> = {
  memory: MEMORY,
  sharedmemory: SHARED_MEMORY,
  file: FILE,
  null: NULL,
  ngas: 'dlg.data.drops.ngas.NgasDROP',
  json: 'dlg.data.drops.json_drop.JsonDROP',
  parameterset: 'dlg.data.drops.parset_drop.ParameterSetDROP',
  s3: 'dlg.data.drops.s3_drop.S3DROP',
};

export type Resolution =
  | { ok: true; cls: DropClass }
  | { ok: false; unimplemented: string }
  | { ok: false; invalid: string };

function byName(raw: string, kind: 'app' | 'data'): Resolution {
  const name = raw.startsWith('dfms.') ? `dlg.${raw.slice(5)}` : raw;
  const c = CLASSES.get(name);
  if (!c) return { ok: false, unimplemented: raw };
  if (c.kind !== kind) return { ok: false, invalid: `class ${raw} is not a ${kind === 'app' ? 'application' : 'data'} class` };
  return okOf(c);
}

const RESOLVED = new Map<DropClass, Resolution>();
/** One resolution object per class, so that resolving 10^6 specs allocates nothing. */
function okOf(cls: DropClass): Resolution {
  let r = RESOLVED.get(cls);
  if (r === undefined) RESOLVED.set(cls, (r = Object.freeze({ ok: true, cls })));
  return r;
}

function byStorage(spec: DropSpec): Resolution {
  const storage = typeof spec.storage === 'string' && spec.storage !== '' ? spec.storage : 'File';
  const s = STORAGE[storage.toLowerCase()];
  if (s === undefined) return { ok: false, unimplemented: `storage ${storage}` };
  return typeof s === 'string' ? { ok: false, unimplemented: s } : okOf(s);
}

/**
 * Resolutions by categoryType, then dropclass: a graph's specs name a handful of classes, and
 * resolving each of 10^6 anew costs a lower-cased copy and a result object apiece. Resolutions
 * that depend on `storage` are not kept, and the table stops growing at MAX_CACHED entries
 * (the names come from the graph).
 */
const CACHE = new Map<string, Map<string, Resolution>>();
const MAX_CACHED = 1024;
let cached = 0;

export function resolveDropClass(spec: DropSpec): Resolution {
  const dropclass = typeof spec.dropclass === 'string' ? spec.dropclass : '';
  const byClass = CACHE.get(spec.categoryType);
  const hit = byClass?.get(dropclass);
  if (hit !== undefined) return hit;
  const [r, fromStorage] = resolve(spec);
  if (!fromStorage && cached < MAX_CACHED) {
    if (byClass) byClass.set(dropclass, r);
    else CACHE.set(spec.categoryType, new Map([[dropclass, r]]));
    cached++;
  }
  return r;
}

/** The resolution, and whether it depended on the spec's storage. */
function resolve(spec: DropSpec): [Resolution, boolean] {
  const ct = spec.categoryType.toLowerCase();
  const dropclass = typeof spec.dropclass === 'string' ? spec.dropclass.trim() : '';
  if (ct === 'application' || ct === 'app') {
    if (dropclass === '') return [{ ok: false, invalid: 'application drop without a dropclass' }, false];
    return [byName(dropclass, 'app'), false];
  }
  if (ct === 'data') {
    // `Data` names its class; lower-case `data` goes by storage, but a known class wins.
    if (dropclass !== '') {
      const r = byName(dropclass, 'data');
      if (r.ok || spec.categoryType === 'Data') return [r, false];
    }
    return [byStorage(spec), true];
  }
  if (ct === 'socket') return [{ ok: false, unimplemented: 'socket listener (categoryType socket)' }, false];
  if (ct === 'container') return [{ ok: false, unimplemented: 'container drop (categoryType container)' }, false];
  return [{ ok: false, invalid: `unknown categoryType '${spec.categoryType}'` }, false];
}

/** Class names this engine implements, for messages and docs. */
export function implementedClasses(): string[] {
  return [...new Set([...CLASSES.values()].map((c) => c.name))].sort();
}
