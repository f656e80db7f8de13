// Loose value types that EAGLE versions wrote and that mean one thing only: booleans saved
// as the strings "true"/"false" (`"positional": "false"`, `"isGroup": "true"`) and graph
// metadata of the wrong type (`"lastModifiedDatetime": ""`). The booleans are coerced, the
// metadata that cannot be used is dropped, and one warning says what changed, so such a
// file loads instead of failing the schema. Anything ambiguous ("yes", "", 0) is left for
// the schema rule to report. Linear in nodes + fields + links; changes the value in place.

import { CODES, warning, type Diagnostic } from '../diagnostics.ts';

type Json = Record<string, unknown>;

const FIELD_FLAGS = ['readonly', 'precious', 'positional', 'keyAttribute'] as const;
const FIELD_LISTS = ['fields', 'inputAppFields', 'outputAppFields'] as const;

/** The modelData keys the schema types, by JSON type (schemas/lg.schema.json). */
const MODEL_NUMBERS = new Set(['lastModifiedDatetime', 'numLGNodes']);
const MODEL_BOOLEANS = new Set(['readonly']);
const MODEL_STRINGS = new Set([
  'schemaVersion', 'filePath', 'fileType', 'repo', 'repoBranch', 'repoService', 'generatorName',
  'generatorVersion', 'generatorCommitHash', 'lastModifiedName', 'lastModifiedEmail', 'commitHash',
  'downloadUrl', 'repositoryUrl', 'signature', 'shortDescription', 'detailedDescription',
]);

/** "true"/"false" in any case, surrounding blanks ignored; undefined for anything else. */
function boolOf(v: unknown): boolean | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
}

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Coerces the loose types of an LG document in place; returns the warning, if any. */
export function coerceLooseTypes(doc: Json, file: string): Diagnostic[] {
  const coerced = new Map<string, number>(); // "field positional" → how many
  const note = (what: string) => coerced.set(what, (coerced.get(what) ?? 0) + 1);
  const flag = (o: Json, key: string, what: string) => {
    const b = boolOf(o[key]);
    if (b === undefined) return;
    o[key] = b;
    note(what);
  };

  const nodes = Array.isArray(doc.nodeDataArray) ? doc.nodeDataArray : [];
  for (const n of nodes) {
    if (!isObject(n)) continue;
    flag(n, 'isGroup', 'node isGroup');
    for (const list of FIELD_LISTS) {
      const fields = n[list];
      if (!Array.isArray(fields)) continue;
      for (const f of fields) {
        if (!isObject(f)) continue;
        for (const k of FIELD_FLAGS) flag(f, k, `field ${k}`);
      }
    }
  }
  const links = Array.isArray(doc.linkDataArray) ? doc.linkDataArray : [];
  for (const l of links) if (isObject(l)) flag(l, 'closesLoop', 'link closesLoop');

  const dropped: string[] = [];
  if (isObject(doc.modelData)) {
    const md = doc.modelData;
    for (const key of Object.keys(md)) {
      const v = md[key];
      if (MODEL_BOOLEANS.has(key) && typeof v !== 'boolean') {
        const b = boolOf(v);
        if (b !== undefined) {
          md[key] = b;
          note(`modelData ${key}`);
          continue;
        }
      }
      const wrong =
        (MODEL_NUMBERS.has(key) && typeof v !== 'number') ||
        (MODEL_BOOLEANS.has(key) && typeof v !== 'boolean') ||
        (MODEL_STRINGS.has(key) && typeof v !== 'string');
      if (!wrong) continue;
      // Metadata only describes the file; a value that is not of its type is not used.
      delete md[key];
      // An empty string is how some EAGLE versions say "not set": nothing to report.
      if (v !== '') dropped.push(`${key} (${JSON.stringify(v)})`);
    }
  }
  if (coerced.size === 0 && dropped.length === 0) return [];
  const parts: string[] = [];
  if (coerced.size) {
    parts.push(`read the strings "true"/"false" as booleans: ${[...coerced].map(([what, k]) => `${what} ×${k}`).join(', ')}`);
  }
  if (dropped.length) parts.push(`ignored graph metadata of the wrong type: modelData ${dropped.join(', ')}`);
  return [warning(CODES.LOOSE_TYPES, `${parts.join('; ')}; save the graph again in EAGLE to write proper types`, { file })];
}
