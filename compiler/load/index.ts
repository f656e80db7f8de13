// compiler/load: text → a logical-graph document (OJS) or a drop list (PGT/PG).
// The input kind is detected, older EAGLE versions are converted, and anything that is not
// a graph gets a diagnostic saying what it is instead.

import { CODES, error, warning, type Diagnostic, type Result } from '../diagnostics.ts';
import type { OjsDocument } from '../model.ts';
import { convertLegacy, legacyIdKey, needsLegacyConversion } from './legacy.ts';
import { coerceLooseTypes } from './loose.ts';
import { parseJson, readSource, type Source } from './source.ts';

export { buildLogicalGraph, hasEmbeddedApp, APP_CATEGORIES, DATA_CATEGORIES } from './model.ts';
export { readSource, parseJson, lineColumn, type Source } from './source.ts';

export interface LgInput {
  kind: 'lg';
  file: string;
  /** schemaVersion as found ('OJS', 'AppRef') or 'legacy' for a converted key-based graph */
  version: string;
  doc: OjsDocument;
}

export interface DropListInput {
  kind: 'drops';
  file: string;
  /** drop specs (objects with an oid), in list order */
  drops: Record<string, unknown>[];
  /** the trailing graph-level reprodata element, if the list had one (§4.1) */
  reprodata?: Record<string, unknown>;
  /** the graph name of the legacy `[name, [specs]]` form */
  graphName?: string;
}

export type LoadedInput = LgInput | DropListInput;

const SUPPORTED_VERSIONS = new Set(['OJS', 'AppRef']);

/** Reads and loads a file ('-' = stdin). */
export function loadFile(file: string): Result<LoadedInput> {
  const src = readSource(file);
  if (!src.value) return { diagnostics: src.diagnostics };
  return loadSource(src.value);
}

export function loadSource(source: Source): Result<LoadedInput> {
  const parsed = parseJson(source);
  if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics };
  return loadValue(parsed.value, source.file);
}

/** Classifies an already parsed JSON value. */
export function loadValue(value: unknown, file: string): Result<LoadedInput> {
  if (Array.isArray(value)) return loadDropList(value, file);
  if (!value || typeof value !== 'object') {
    return fail(CODES.NOT_A_GRAPH, `expected a logical graph (a JSON object with nodeDataArray) or a drop list (a JSON array), found ${describe(value)}`, file);
  }
  const obj = value as Record<string, unknown>;
  const modelData = obj.modelData && typeof obj.modelData === 'object' ? (obj.modelData as Record<string, unknown>) : undefined;
  const fileType = typeof modelData?.fileType === 'string' ? modelData.fileType.toLowerCase() : '';
  if (fileType === 'palette' || fileType === 'jsonpalette') {
    return fail(CODES.PALETTE_NOT_GRAPH, 'this is an EAGLE palette (a library of components), not a logical graph: add its components to a graph in EAGLE and save the graph', file);
  }
  if (obj.class === 'go.GraphLinksModel' && !modelData) {
    return fail(CODES.NOT_A_GRAPH, 'this is a GoJS view of a physical graph template (translator web output), not a logical graph or a drop list', file);
  }
  if (!('nodeDataArray' in obj)) {
    const looksLikeSession = Object.values(obj).some((v) => v && typeof v === 'object' && 'oid' in (v as object));
    return fail(
      CODES.NOT_A_GRAPH,
      looksLikeSession
        ? 'this is a map of drop specs keyed by oid (a session graph): give the drop list (a JSON array) instead'
        : `not a logical graph: the object has no nodeDataArray (keys: ${Object.keys(obj).slice(0, 8).join(', ') || 'none'})`,
      file,
    );
  }
  if (!Array.isArray(obj.nodeDataArray)) {
    return fail(CODES.NOT_A_GRAPH, `nodeDataArray must be an array, found ${describe(obj.nodeDataArray)}`, file, '/nodeDataArray');
  }
  const diagnostics: Diagnostic[] = [];
  const sv = modelData?.schemaVersion;
  let version = typeof sv === 'string' && sv !== '' ? sv : 'OJS';
  if (typeof sv === 'string' && sv !== '' && !SUPPORTED_VERSIONS.has(sv)) {
    if (!needsLegacyConversion(obj)) {
      return fail(CODES.UNSUPPORTED_VERSION, `logical graph schemaVersion '${sv}' is not supported (supported: OJS, AppRef, and key-based graphs of older EAGLE versions)`, file, '/modelData/schemaVersion');
    }
  }
  let doc = obj as OjsDocument;
  if (needsLegacyConversion(obj)) {
    doc = convertLegacy(obj);
    const idKey = legacyIdKey(obj);
    version = typeof sv === 'string' && sv !== '' ? `${sv} (${idKey}-based)` : `legacy (${idKey}-based)`;
    diagnostics.push(warning(CODES.LEGACY_CONVERTED, `converted an older EAGLE graph (${version}: nodes have '${idKey}'/'group' instead of 'id'/'parentId'); save it again in EAGLE to upgrade it`, { file, pointer: '/nodeDataArray' }));
  }
  if (!Array.isArray(doc.linkDataArray)) {
    if (doc.linkDataArray === undefined) doc = { ...doc, linkDataArray: [] };
    else return fail(CODES.NOT_A_GRAPH, `linkDataArray must be an array, found ${describe(doc.linkDataArray)}`, file, '/linkDataArray');
  }
  diagnostics.push(...coerceLooseTypes(doc, file));
  return { value: { kind: 'lg', file, version, doc }, diagnostics };
}

function loadDropList(list: unknown[], file: string): Result<LoadedInput> {
  let graphName: string | undefined;
  let items = list;
  // Legacy `[graphName, [dropspec, ...]]` (§1.11).
  if (list.length === 2 && typeof list[0] === 'string' && Array.isArray(list[1])) {
    graphName = list[0];
    items = list[1] as unknown[];
  }
  const drops: Record<string, unknown>[] = [];
  let reprodata: Record<string, unknown> | undefined;
  const diagnostics: Diagnostic[] = [];
  items.forEach((d, i) => {
    const isLast = i === items.length - 1;
    if (d && typeof d === 'object' && !Array.isArray(d)) {
      const o = d as Record<string, unknown>;
      if (o.oid === undefined || o.oid === null || o.oid === '') {
        if (isLast) reprodata = o;
        else diagnostics.push(error(CODES.PGT_MISSING_OID, `drop #${i} has no 'oid'`, { file, pointer: `/${i}` }));
        return;
      }
      drops.push(o);
      return;
    }
    diagnostics.push(error(CODES.BAD_DROP_LIST, `element #${i} of the drop list is ${describe(d)}, expected a drop spec object`, { file, pointer: `/${i}` }));
  });
  if (drops.length === 0 && items.length > 0 && diagnostics.length === 0 && !reprodata) {
    diagnostics.push(error(CODES.BAD_DROP_LIST, 'the drop list holds no drop spec', { file }));
  }
  return { value: { kind: 'drops', file, drops, reprodata, graphName }, diagnostics };
}

function fail(code: (typeof CODES)[keyof typeof CODES], message: string, file: string, ptr = ''): Result<LoadedInput> {
  return { diagnostics: [error(code, message, { file, pointer: ptr })] };
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}
