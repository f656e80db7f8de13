// Fuzzing the front end (load → fill → validate) with mutated real graphs: deleted nodes,
// links and fields, changed types and values, broken references, truncated text. Every
// case must end in a value or diagnostics: never an exception, never an internal-error
// diagnostic. FUZZ_RUNS sets the number of cases (CI default: a few hundred).

import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CODES } from '../../compiler/diagnostics.ts';
import { fill } from '../../compiler/fill/index.ts';
import { buildLogicalGraph, loadSource } from '../../compiler/load/index.ts';
import { validate } from '../../compiler/validate/index.ts';
import { graphConfigs, invalidDir, listFiles, logicalGraphs, shared } from '../validate/helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

const files = [
  ...listFiles(logicalGraphs, /\.graph$/),
  ...listFiles(graphConfigs, /\.graph$/),
  ...listFiles(join(shared, 'engine/graphs'), /\.(graph|json)$/).slice(0, 8),
  ...listFiles(invalidDir, /\.(graph|json)$/),
];
const corpus = files.map((f) => ({ name: basename(f), value: JSON.parse(readFileSync(f, 'utf8')) as unknown }));

type Json = unknown;

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
const values = fc.oneof(fc.jsonValue({ maxDepth: 2 }), strings, fc.constantFrom(...TYPES, ...CATEGORIES));

/** One edit of a JSON document, applied in place; `pick` values choose among existing parts. */
const mutation = fc.record({
  op: fc.constantFrom('delete', 'replace', 'duplicate', 'setKey', 'deleteKey', 'steal', 'category', 'type'),
  pick: fc.nat(),
  pick2: fc.nat(),
  key: fc.constantFrom(...KEYS),
  value: values,
});

interface Mutation {
  op: string;
  pick: number;
  pick2: number;
  key: string;
  value: Json;
}

function mutate(doc: Json, m: Mutation): Json {
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

const params = fc.option(fc.dictionary(fc.oneof(fc.constantFrom('p', 'p.q', 'g', 'param1', 'num_copies', 'HelloWorldApp.greet', 'Loop.num_of_iter'), fc.string({ maxLength: 8 })), values, { maxKeys: 4 }), { nil: undefined });
const config = fc.option(fc.constantFrom('LoopConfig', 'ScatterConfig', 'bc177707-3e9c-428c-92ce-7c50704b0c31', 'nope'), { nil: undefined });

test(`load → fill → validate never throws (${RUNS} mutated graphs)`, (t) => {
  let outcomes = 0;
  // fc.check, not fc.assert: ava then shows the error and stack of the shrunk case.
  const result = fc.check(
    fc.property(
      fc.nat({ max: corpus.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 8 }),
      fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      params,
      config,
      (which, edits, truncateAt, p, cfg) => {
        try {
          runCase(which, edits, truncateAt, p, cfg);
        } catch (e) {
          // fast-check prints the inputs; the stack says where it broke.
          throw new Error(`${corpus[which].name}: ${(e as Error).stack}`);
        }
        outcomes++;
      },
    ),
    { numRuns: RUNS, seed: SEED },
  );
  if (result.failed) {
    t.fail(`seed ${result.seed}, counterexample ${JSON.stringify(result.counterexample)}\n${(result.errorInstance as Error)?.message}`);
    return;
  }
  t.true(outcomes >= RUNS);
});

function runCase(which: number, edits: Mutation[], truncateAt: number | undefined, p: Record<string, unknown> | undefined, cfg: string | undefined): void {
  let doc = structuredClone(corpus[which].value);
  for (const m of edits) doc = mutate(doc, m);
  let text = JSON.stringify(doc) ?? 'null';
  if (truncateAt !== undefined) text = text.slice(0, Math.floor(text.length * truncateAt));
  const loaded = loadSource({ file: corpus[which].name, text });
  if (!loaded.value) {
    if (loaded.diagnostics.length === 0) throw new Error('no value and no diagnostics');
    return;
  }
  const diags = validate(loaded.value, { params: p, config: cfg });
  const internal = diags.filter((d) => d.code === CODES.INTERNAL);
  if (internal.length) throw new Error(internal.map((d) => d.message).join('; '));
  if (loaded.value.kind === 'lg') {
    const filled = fill(loaded.value.doc, { params: p, config: cfg });
    if (!filled.value && !filled.diagnostics.some((d) => d.severity === 'error')) throw new Error('fill gave no value and no error');
    buildLogicalGraph(filled.value ?? loaded.value.doc, 'fuzz');
  }
}
