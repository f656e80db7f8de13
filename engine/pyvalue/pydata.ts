// The initial content of memory drops from their `pydata` field (PYTHON_APPS.md §4.2): the
// bytes DALiuGE's InMemoryDROP holds, i.e. the pickle of the parsed value, or the text
// itself for String data. Computed once per spec and kept on it under a symbol, so GET /graph
// still returns the spec as it was appended.

import { type DropSpec } from '../drops/spec.ts';
import { isObject } from '../../kernel/relations.ts';
import { pickleDumps } from './pickle-write.ts';
import { looksLikePickle } from './pickle-read.ts';
import { PyJsonError, pyJsonLoads } from './pyjson.ts';
import { PyBytes, fromJson, pyTruthy, type PyValue } from './value.ts';

export type Pydata =
  | { kind: 'none' }
  /** `text`: a String drop, read by Python apps as str (DALiuGE keeps it in a StringIO). */
  | { kind: 'bytes'; bytes: Buffer; text: boolean }
  /** Type `eval`: only a Python interpreter can evaluate it (done at append, see python/). */
  | { kind: 'eval'; source: string };

export class PydataError extends Error {}

const PLAN = Symbol('dlg.pydata');
/** Set at append by the Python runtime for `eval` pydata: the pickled result. */
export const PYDATA_EVALUATED = Symbol('dlg.pydata.evaluated');

interface TypedValue {
  value: unknown;
  type: string | undefined;
}

/** The pydata entry: `fields` first (as DALiuGE reads it), then applicationArgs/componentParams, then a bare value. */
function findPydata(spec: DropSpec): TypedValue | undefined {
  const fields = spec.fields;
  if (Array.isArray(fields)) {
    for (const f of fields) if (isObject(f) && f.name === 'pydata') return { value: f.value, type: typeof f.type === 'string' ? f.type : undefined };
  }
  const group = isObject(spec.applicationArgs) && isObject(spec.applicationArgs.pydata) ? spec.applicationArgs : spec.componentParams;
  if (isObject(group) && isObject(group.pydata)) {
    const f = group.pydata;
    return { value: f.value, type: typeof f.type === 'string' ? f.type : undefined };
  }
  if ('pydata' in spec) return { value: spec.pydata, type: undefined };
  return undefined;
}

/** A bare value (no field type) is typed by its JSON type: strings stay text, as before pickling existed. */
function typeOfBare(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return 'json';
}

const PY_INT = /^\s*[+-]?\d(?:_?\d)*\s*$/;
const PY_FLOAT = /^\s*[+-]?(?:(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)\s*$/i;

/** int(v) for the values a spec can hold; undefined where Python raises ValueError. */
export function pyInt(v: unknown): bigint | undefined {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : undefined;
  if (typeof v === 'string' && PY_INT.test(v)) return BigInt(v.trim().replace(/_/g, ''));
  return undefined;
}

/** float(v); undefined where Python raises ValueError. */
export function pyFloat(v: unknown): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || !PY_FLOAT.test(v)) return undefined;
  const s = v.trim().replace(/_/g, '').toLowerCase();
  if (s.endsWith('nan')) return NaN;
  if (s.endsWith('inf') || s.endsWith('infinity')) return s.startsWith('-') ? -Infinity : Infinity;
  return Number(s);
}

function utf8(v: unknown): PyValue {
  return new PyBytes(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8'));
}

function decodeObject(v: unknown, what: string): Buffer {
  if (typeof v !== 'string') throw new PydataError(`pydata of type ${what} must be a base64 string of a pickle`);
  const b = Buffer.from(v, 'base64');
  if (!looksLikePickle(b)) throw new PydataError(`pydata of type ${what} is not base64 of a pickled (dill) object`);
  return b;
}

function bytesOf(v: PyValue): Pydata {
  return { kind: 'bytes', bytes: pickleDumps(v, { sharedKeys: true }), text: false };
}

const NO_PYDATA: Pydata = Object.freeze({ kind: 'none' });

function plan(spec: DropSpec): Pydata {
  const found = findPydata(spec);
  if (found === undefined) return NO_PYDATA;
  let { value } = found;
  let type = (found.type ?? typeOfBare(value)).toLowerCase();
  if (found.type === undefined && (value === '' || value === null || value === undefined)) return NO_PYDATA;
  const isString = type === 'string' || type === 'str';
  if (value === null || value === undefined || value === '' || value === 'None') {
    if (isString) return { kind: 'bytes', bytes: Buffer.alloc(0), text: true };
    // An empty object is the pickle of b'' in DALiuGE, not an empty drop.
    return bytesOf(new PyBytes(new Uint8Array(0)));
  }
  if (isString) return { kind: 'bytes', bytes: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8'), text: true };
  if (type === 'json') {
    if (typeof value !== 'string') return bytesOf(fromJson(value));
    try {
      return bytesOf(pyJsonLoads(value));
    } catch (err) {
      if (err instanceof PyJsonError) return bytesOf(utf8(value));
      throw err;
    }
  }
  if (type === 'eval') {
    if (typeof value !== 'string') throw new PydataError('pydata of type eval must be a Python expression (a string)');
    return { kind: 'eval', source: value };
  }
  if (type === 'int' || type === 'integer') {
    const n = pyInt(value);
    return bytesOf(n === undefined ? utf8(value) : n);
  }
  if (type === 'float') {
    const x = pyFloat(value);
    return bytesOf(x === undefined ? utf8(value) : x);
  }
  if (type === 'boolean' || type === 'bool') return bytesOf(pyTruthy(fromJson(value)));
  if (type.split('.')[0] === 'object' || type === 'raw') {
    if (!pyTruthy(fromJson(value))) return bytesOf(fromJson(value));
    // dill.dumps(dill.loads(x)) is x again for what dill wrote: keep the decoded bytes.
    return { kind: 'bytes', bytes: decodeObject(value, type), text: false };
  }
  return bytesOf(fromJson(value));
}

/**
 * The spec's pydata, parsed once. Throws PydataError for values DALiuGE could not load either.
 * Most memory drops have none, found without allocating: only a plan worth keeping is stored
 * on the spec, since adding a property to 10^5 parsed specs gives each a property array.
 */
export function pydataOf(spec: DropSpec): Pydata {
  const cached = (spec as unknown as Record<symbol, Pydata>)[PLAN];
  if (cached !== undefined) return cached;
  const p = plan(spec);
  if (p !== NO_PYDATA) Object.defineProperty(spec, PLAN, { value: p, enumerable: false, configurable: true });
  return p;
}

/** The initial bytes of a memory drop and whether they are text, or undefined when it has none. */
export function initialContent(spec: DropSpec): { bytes: Buffer; text: boolean } | undefined {
  const p = pydataOf(spec);
  if (p.kind === 'none') return undefined;
  if (p.kind === 'bytes') return { bytes: p.bytes, text: p.text };
  const evaluated = (spec as unknown as Record<symbol, Buffer | undefined>)[PYDATA_EVALUATED];
  if (evaluated === undefined) throw new PydataError('pydata of type eval was not evaluated: it needs the Python runtime');
  return { bytes: evaluated, text: false };
}
