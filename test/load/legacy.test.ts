// Pre-OJS graphs (integer `key`/`group`, `text` names, ports as inputPorts/outputPorts): the
// reference crashes on them with KeyError: 'id'; we convert them to the same model.
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLogicalGraph, loadFile, loadValue } from '../../compiler/load/index.ts';
import { translate } from '../../compiler/translate.ts';
import { edgesOf, lgOf, lgOfValue, pgtOf, repoRoot, tableOf } from '../helpers.ts';

const dir = join(repoRoot, 'fixtures/legacy');

test('an EAGLE 5 graph with key/text and port fields translates like its OJS twin', (t) => {
  const r = loadFile(join(dir, 'eagle5_hello.graph'));
  t.is(r.value?.kind, 'lg');
  t.true(r.diagnostics.some((d) => d.code === 'DLG1011' && d.severity === 'warning'), 'the conversion is announced');
  const { drops } = pgtOf(tableOf(lgOf(join(dir, 'eagle5_hello.graph'))));
  t.is(drops.length, 2);
  const [app, file] = drops;
  t.is(app.oid, '1_-1_0', 'the integer key becomes the node id');
  t.is(app.name, 'HelloWorldApp');
  t.is(app.dropclass, 'dlg.apps.simple.HelloWorldApp', 'appclass is honoured');
  t.is(app.greet, 'Legacy');
  t.deepEqual(app.outputs, [{ '1_-2_0': 'hello' }]);
  t.is(file.weight, 7);
  t.deepEqual(file.producers, [{ '1_-1_0': 'dummy' }]);
});

test('an EAGLE 4 graph (group, inputPorts/outputPorts, no categoryType) unrolls its scatter', (t) => {
  const lg = lgOf(join(dir, 'eagle4_scatter.graph'));
  const names = lg.nodes.map((n) => [n.name, n.kind, n.parent >= 0 ? lg.nodes[n.parent].name : '-']);
  t.deepEqual(names, [
    ['By channel', 'construct', '-'],
    ['Calibrate', 'app', 'By channel'],
    ['Measurement set', 'data', 'By channel'],
    ['Calibrated', 'data', 'By channel'],
  ]);
  const { drops } = pgtOf(tableOf(lg));
  t.is(drops.length, 9);
  t.is(edgesOf(drops).edges.size, 6);
  const cal = drops.filter((d) => d.name === 'Calibrate');
  t.deepEqual(cal.map((d) => d.iid), ['0-0', '0-1', '0-2']);
  t.is(cal[0].dropclass, 'dlg.apps.bash_shell_app.BashShellApp');
  t.deepEqual(Object.values(cal[0].inputs[0]), ['ms'], 'ports keep their names');
  t.deepEqual(Object.values(cal[0].outputs[0]), ['cal']);
});

test('an unknown schemaVersion is rejected naming the version found', (t) => {
  const doc = { modelData: { schemaVersion: 'V9' }, nodeDataArray: [{ id: 'a', category: 'File' }], linkDataArray: [] };
  const bad = loadValue(doc, 'v9.graph');
  t.is(bad.value, undefined);
  t.is(bad.diagnostics[0].code, 'DLG1004');
  t.regex(bad.diagnostics[0].message, /'V9'/);
});

test('an EAGLE graph with integer oids (no key/id) converts like a key-based one', (t) => {
  const file = join(dir, 'eagle_oid_scatter.graph');
  const r = loadFile(file);
  t.is(r.value?.kind, 'lg');
  const w = r.diagnostics.filter((d) => d.code === 'DLG1011');
  t.is(w.length, 1);
  t.is(w[0].severity, 'warning');
  t.regex(w[0].message, /'oid'/);
  const { drops } = pgtOf(tableOf(lgOf(file)));
  t.is(drops.length, 7, 'input, Process and result twice (Scatter 2), Summarise once');
  t.is(edgesOf(drops).edges.size, 6);
  const process = drops.filter((d) => d.name === 'Process');
  t.deepEqual(process.map((d) => d.oid), ['1_-2_0-0', '1_-2_0-1'], 'the oid is the node id; group -1 is the Scatter');
  process.forEach((d, i) => {
    t.deepEqual(d.inputs, [{ [`1_-3_0-${i}`]: 'raw' }]);
    t.deepEqual(d.outputs, [{ [`1_-4_0-${i}`]: 'done' }]);
  });
  const summarise = drops.find((d) => d.name === 'Summarise');
  t.deepEqual(summarise.inputs.map((e: object) => Object.keys(e)[0]), ['1_-4_0-0', '1_-4_0-1']);
});

test('an oid-based node may name its parent by a numeric parentId', (t) => {
  const doc = JSON.parse(readFileSync(join(dir, 'eagle_oid_scatter.graph'), 'utf8'));
  for (const n of doc.nodeDataArray) if (n.group !== undefined) { n.parentId = n.group; delete n.group; }
  const { drops } = pgtOf(tableOf(lgOfValue(doc)));
  t.is(drops.length, 7);
  t.deepEqual(drops.filter((d) => d.name === 'input').map((d) => d.iid), ['0-0', '0-1']);
});

test('an EAGLE 5-era key-based graph: construct app ports from inputAppFields and from port lists, string booleans', (t) => {
  const file = join(dir, 'eagle5_construct_apps.graph');
  const r = loadFile(file);
  t.is(r.value?.kind, 'lg');
  const loose = r.diagnostics.find((d) => d.code === 'DLG1014');
  t.is(loose?.severity, 'warning');
  t.regex(loose!.message, /field positional ×19/);
  t.regex(loose!.message, /node isGroup ×1/);
  t.false(/lastModifiedDatetime/.test(loose!.message), 'an empty lastModifiedDatetime is ignored without a word');
  // What the whole pipeline (with validation) reports: warnings only.
  const v = translate(r.value!, { emit: 'pgt', oidPrefix: '1' });
  t.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  const { drops } = pgtOf(tableOf(lgOf(file)));
  // visibilities 1, scatter app 1, chunk/average/avg 3 each, gather app 1, combined 1
  t.is(drops.length, 13);
  t.is(edgesOf(drops).edges.size, 14);
  const split = drops.find((d) => d.name === 'By time');
  t.is(split.dropclass, 'dlg.apps.simple.GenericScatterApp');
  t.deepEqual(split.inputs, [{ '1_-1_0': 'array' }], 'inputPorts of the construct are the input app’s inputs');
  t.deepEqual(split.outputs, [0, 1, 2].map((i) => ({ [`1_-3_0-${i}`]: 'chunk' })), 'inputLocalPorts are its outputs');
  const combine = drops.find((d) => d.name === 'Combine');
  t.deepEqual(combine.outputs, [{ '1_-9_0': 'combined' }], 'ports in inputAppFields');
  t.is(combine.inputs.length, 3);
  t.is(split.fields.find((f: { name: string }) => f.name === 'dropclass').positional, false, 'coerced in the output too');
});

// Untrusted input: key-based, oid-based and OJS node shapes with arbitrary JSON values in
// every slot the conversion reads (including objects whose "toString" is not a function).
test('property: loading and modelling any JSON graph never throws', (t) => {
  const json = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ toString: 1 }), fc.constant({ valueOf: 'x', toString: null }));
  const port = fc.oneof(json, fc.record({ Id: json, IdText: json, id: json, name: json }, { requiredKeys: [] }));
  const node = fc.oneof(json, fc.record({
    id: json, key: fc.oneof(fc.integer(), json), oid: fc.oneof(fc.integer(), json), group: json, parentId: json, isGroup: json,
    category: fc.oneof(fc.constantFrom('Scatter', 'Gather', 'ExclusiveForceNode', 'File', 'PythonApp', 'SubGraph'), json),
    inputApplicationType: fc.oneof(fc.constantFrom('PythonApp', 'None'), json), outputApplicationType: fc.oneof(fc.constantFrom('PythonApp', 'None'), json),
    fields: fc.oneof(fc.array(json, { maxLength: 3 }), json), inputAppFields: fc.oneof(fc.array(json, { maxLength: 3 }), json),
    inputPorts: fc.array(port, { maxLength: 2 }), outputPorts: fc.array(port, { maxLength: 2 }), inputLocalPorts: fc.array(port, { maxLength: 2 }), outputLocalPorts: json,
  }, { requiredKeys: [] }));
  const link = fc.oneof(json, fc.record({ from: json, to: json, fromPort: json, toPort: json, closesLoop: json }, { requiredKeys: [] }));
  const r = fc.check(fc.property(fc.record({ modelData: json, nodeDataArray: fc.array(node, { maxLength: 6 }), linkDataArray: fc.oneof(fc.array(link, { maxLength: 4 }), json) }), (doc) => {
    const loaded = loadValue(doc, 'fuzz.graph');
    if (loaded.value?.kind === 'lg') buildLogicalGraph(loaded.value.doc, 'fuzz.graph', loaded.value.version);
  }), { numRuns: 1000, seed: 7 });
  t.false(r.failed, r.failed ? `${JSON.stringify(r.counterexample)}: ${r.errorInstance}` : '');
  t.is(r.numRuns, 1000);
});
