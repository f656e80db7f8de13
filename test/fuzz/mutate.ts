// Mutations of real graphs for the fuzz tests: deleted nodes, links and fields, changed types
// and values, references borrowed from elsewhere in the document.

import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { graphConfigs, invalidDir, listFiles, logicalGraphs, repoRoot, shared } from '../validate/helpers.ts';

/**
 * The graphs to mutate: the project's own fixtures, and with `withReference` (the caller's
 * `needsShared(test)`) the reference graphs first.
 */
export function loadCorpus(withReference: boolean): { name: string; value: Json }[] {
  const files = [
    ...(withReference ? [
      ...listFiles(logicalGraphs, /\.graph$/),
      ...listFiles(graphConfigs, /\.graph$/),
      ...listFiles(join(shared, 'engine/graphs'), /\.(graph|json)$/).slice(0, 8),
    ] : []),
    ...listFiles(invalidDir, /\.(graph|json)$/),
    ...listFiles(join(repoRoot, 'fixtures/graphs'), /\.graph$/),
    ...listFiles(join(repoRoot, 'fixtures/legacy'), /\.graph$/),
  ];
  return files.map((f) => ({ name: basename(f), value: JSON.parse(readFileSync(f, 'utf8')) as Json }));
}

export type Json = unknown;

/** Every container path in a JSON value, so a mutation can pick one uniformly. O(size). */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => x && typeof x === 'object' && paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (x && typeof x === 'object') paths(x, [...at, k], out);
  return out;
}

function get(v: Json, path: (string | number)[]): Json {
  let cur = v;
  for (const p of path) cur = (cur as Record<string | number, Json>)[p];
  return cur;
}

const TYPES = ['Integer', 'Float', 'Boolean', 'String', 'Json', 'Select', 'Object', 'Unknown', 'Object.Array', ''];
const CATEGORIES = ['Scatter', 'Gather', 'GroupBy', 'Loop', 'MKN', 'SubGraph', 'Service', 'Branch', 'Mpi', 'File', 'Memory', 'Comment', 'EnvironmentVariables', 'GlobalVariable', 'PythonApp', 'Start', 'Nope'];
const KEYS = ['id', 'name', 'category', 'categoryType', 'isGroup', 'parentId', 'fields', 'inputAppFields', 'value', 'type', 'usage', 'defaultValue', 'options', 'from', 'to', 'fromPort', 'toPort', 'loop_aware', 'closesLoop', 'oid', 'inputs', 'outputs', 'producers', 'consumers', 'nodes', 'activeGraphConfigId', 'graphConfigurations', 'inputApplicationType'];
const strings = fc.constantFrom('', '~p', '~{p.q}', '{g}', '{num_copies}', '-1', '0', '3', 'abc', 'true', 'None', '~~/x', 'UnknownApplication', 'InputPort', 'OutputPort', 'NoPort');
export const values = fc.oneof(fc.jsonValue({ maxDepth: 2 }), strings, fc.constantFrom(...TYPES, ...CATEGORIES));

/** One edit of a JSON document, applied in place; `pick` values choose among existing parts. */
export const mutation = fc.record({
  op: fc.constantFrom('delete', 'replace', 'duplicate', 'setKey', 'deleteKey', 'steal', 'category', 'type'),
  pick: fc.nat(),
  pick2: fc.nat(),
  key: fc.constantFrom(...KEYS),
  value: values,
});

export interface Mutation {
  op: string;
  pick: number;
  pick2: number;
  key: string;
  value: Json;
}

export function mutate(doc: Json, m: Mutation): Json {
  const all = paths(doc);
  const path = all[m.pick % all.length];
  if (path.length === 0 && (m.op === 'delete' || m.op === 'replace')) return m.value; // the whole document
  const parent = path.length ? get(doc, path.slice(0, -1)) : undefined;
  const last = path[path.length - 1];
  const target = get(doc, path) as Record<string, Json> | Json[];
  const isRecord = target !== null && typeof target === 'object' && !Array.isArray(target);
  // A value taken from elsewhere in the document (an existing id, port id...).
  const donor = get(doc, all[m.pick2 % all.length]);
  const borrowed = donor && typeof donor === 'object' ? Object.values(donor as object)[m.pick2 % Math.max(1, Object.keys(donor as object).length)] : donor;
  switch (m.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else if (parent) delete (parent as Record<string, Json>)[last];
      break;
    case 'replace':
      (parent as Record<string | number, Json>)[last] = m.value;
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(target));
      break;
    case 'setKey':
      if (isRecord) (target as Record<string, Json>)[m.key] = m.value;
      break;
    case 'deleteKey':
      if (isRecord) delete (target as Record<string, Json>)[m.key];
      break;
    case 'steal':
      if (isRecord) (target as Record<string, Json>)[m.key] = structuredClone(borrowed);
      break;
    case 'category':
      if (isRecord) (target as Record<string, Json>).category = CATEGORIES[m.pick2 % CATEGORIES.length];
      break;
    case 'type':
      if (isRecord) (target as Record<string, Json>).type = TYPES[m.pick2 % TYPES.length];
      break;
  }
  return doc;
}

