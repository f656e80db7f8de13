// ajv errors → diagnostics that read like the rest: which node, which field, what is wrong.

import { CODES, error, type Diagnostic } from '../diagnostics.ts';
import type { ErrorObject } from '../../schemas/index.ts';

/** Decodes an RFC 6901 pointer into its parts. */
export function pointerParts(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function valueAt(root: unknown, parts: string[]): unknown {
  let v = root;
  for (const p of parts) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** Messages for the few places where the schema offers alternatives (anyOf). */
function alternativesMessage(schemaPath: string): string {
  if (schemaPath.includes('relationList')) return 'must be an oid string or a one-key object {oid: port name}';
  if (schemaPath.includes('graphConfigurations')) return 'must be an object of graph configurations keyed by id';
  if (schemaPath.startsWith('#/anyOf') || schemaPath === '#/anyOf') return 'must be a list of drop specs (or [graph name, [drop specs]])';
  if (schemaPath.includes('list/items/anyOf')) return 'must be a drop spec (an object with oid and categoryType)';
  return 'has none of the allowed forms';
}

function messageOf(e: ErrorObject, value: unknown): string {
  const key = pointerParts(e.instancePath).at(-1);
  const subject = key === undefined ? 'the document' : /^\d+$/.test(key) ? `element #${key}` : `'${key}'`;
  switch (e.keyword) {
    case 'required':
      return `missing required key '${(e.params as { missingProperty: string }).missingProperty}'`;
    case 'type': {
      if (e.schemaPath.includes('relationList')) return `${subject} ${alternativesMessage(e.schemaPath)}`;
      const t = (e.params as { type: string | string[] }).type;
      const types = Array.isArray(t) ? t.join(' or ') : String(t).replace(',', ' or ');
      return `${subject} must be ${types}, found ${describeValue(value)}`;
    }
    case 'enum':
      return `${subject} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(value)}`;
    case 'not':
      return e.schemaPath.endsWith('reprodata/not') ? `${subject} has an oid but is not a valid drop spec` : `${subject} must not be empty`;
    case 'pattern':
      // The only pattern, "[\s\S]", says "not empty" (cheaper for ajv than not/const).
      return `${subject} must not be empty`;
    case 'anyOf':
    case 'if':
      return `${subject} ${alternativesMessage(e.schemaPath)}`;
    default:
      return `${subject} ${e.message ?? 'is invalid'}`;
  }
}

/**
 * Keeps one diagnostic per failure: the branch errors under an anyOf (or an if/then/else)
 * are replaced by the anyOf itself. `locate` adds node/field keys for an instance path.
 */
export function schemaDiagnostics(
  errors: readonly ErrorObject[],
  root: unknown,
  locate: (parts: string[]) => Partial<Diagnostic>,
  prefix = '',
  max = 50,
): Diagnostic[] {
  const alternatives = (e: ErrorObject) => e.keyword === 'anyOf' || e.keyword === 'if';
  // An if/then/else error's branch errors live under .../then or .../else, beside .../if.
  const scope = (a: ErrorObject) => (a.keyword === 'if' ? a.schemaPath.slice(0, -'if'.length) : a.schemaPath);
  const anyOfs = errors.filter(alternatives);
  const under = (e: ErrorObject, a: ErrorObject) => e.instancePath.startsWith(a.instancePath) && e.schemaPath.startsWith(scope(a));
  const kept = errors.filter((e) => !anyOfs.some((a) => a !== e && under(e, a)));
  const out: Diagnostic[] = [];
  for (const e of kept.slice(0, max)) {
    const parts = pointerParts(e.instancePath);
    const loc = locate(parts);
    out.push(error(CODES.SCHEMA, messageOf(e, valueAt(root, parts)), { pointer: prefix + e.instancePath, ...loc }));
  }
  if (kept.length > max) out.push(error(CODES.SCHEMA, `… and ${kept.length - max} more schema errors`, { pointer: prefix }));
  return out;
}
