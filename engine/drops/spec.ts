// Drop specs as they arrive in a PG (reference §4.2) and the rules for reading their
// parameters (§8.1 steps 2-5). Specs are kept exactly as received (GET /graph returns them),
// so parameters are read from the spec on demand instead of being copied into every drop.

import { isObject } from '../../kernel/relations.ts';

export interface DropSpec {
  oid: string;
  categoryType: string;
  dropclass?: string;
  [key: string]: unknown;
}

/** One EAGLE field as found in `applicationArgs` / `componentParams`. */
export interface ArgField {
  name?: string;
  value?: unknown;
  defaultValue?: unknown;
  encoding?: string;
  usage?: string;
  type?: string;
  positional?: boolean;
  precious?: boolean;
  /** Our extension: substitute this argument into a bash command without shell quoting. */
  raw?: boolean;
}

export function relationshipList(spec: DropSpec, key: string): unknown[] | undefined {
  const v = spec[key];
  return Array.isArray(v) && v.length > 0 ? v : undefined;
}

export function argField(spec: DropSpec, name: string): ArgField | undefined {
  const args = spec.applicationArgs;
  if (!isObject(args)) return undefined;
  const f = args[name];
  return isObject(f) ? (f as ArgField) : undefined;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The raw value of parameter `name`: an `applicationArgs` value overrides the top-level key
 * of the same name (the reference copies them over the constructor arguments), then the
 * top-level key, then a `componentParams` value.
 */
export function rawParam(spec: DropSpec, name: string): unknown {
  const f = argField(spec, name);
  if (f && hasOwn.call(f, 'value')) return f.value;
  if (hasOwn.call(spec, name)) return spec[name];
  const cp = spec.componentParams;
  if (isObject(cp)) {
    const c = cp[name];
    if (isObject(c) && hasOwn.call(c, 'value')) return c.value;
  }
  return undefined;
}

/**
 * Booleans parsed by meaning, not by truthiness: the reference turns "False" and "0" into true
 * (reference §9 Q35). Returns undefined for values that are not booleans.
 */
export function parseBoolStrict(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1' || s === 'yes' || s === 'y' || s === 'on') return true;
    if (s === 'false' || s === '0' || s === 'no' || s === 'n' || s === 'off' || s === '' || s === 'none' || s === 'null')
      return false;
  }
  return undefined;
}

export function parseBool(v: unknown, fallback: boolean): boolean {
  return parseBoolStrict(v) ?? fallback;
}

export function parseNumber(v: unknown, fallback: number): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : fallback;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : fallback;
  }
  return fallback;
}

export function boolParam(spec: DropSpec, name: string, fallback: boolean): boolean {
  return parseBool(rawParam(spec, name), fallback);
}

export function numberParam(spec: DropSpec, name: string, fallback: number): number {
  return parseNumber(rawParam(spec, name), fallback);
}

export function intParam(spec: DropSpec, name: string, fallback: number): number {
  return Math.trunc(numberParam(spec, name, fallback));
}

export function stringParam(spec: DropSpec, name: string, fallback = ''): string {
  const v = rawParam(spec, name);
  if (v === undefined || v === null) return fallback;
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Text form of a parameter value, as a command line or a data drop would want it. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * The reference's default human-readable key: split the uid at most twice on '_', keep the
 * first 4 characters of the second part, and append '_' + the third part if present.
 */
export function defaultHumanKey(uid: string): string {
  const first = uid.indexOf('_');
  if (first < 0) return uid;
  const second = uid.indexOf('_', first + 1);
  const middle = second < 0 ? uid.slice(first + 1) : uid.slice(first + 1, second);
  const rest = second < 0 ? undefined : uid.slice(second + 1);
  return rest === undefined ? middle.slice(0, 4) : `${middle.slice(0, 4)}_${rest}`;
}
