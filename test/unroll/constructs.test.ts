// Constructs beyond the reference test graphs: MKN (ours), Mpi, options --zerorun / --app.
import test from 'ava';
import { join } from 'node:path';
import { edgesOf, entryOid, lgDir, lgOf, lgOfValue, pgtOf, readJson, repoRoot, tableOf } from '../helpers.ts';
import { pgtChunks } from '../../compiler/emit/pgt.ts';
import { needsShared } from '../shared.ts';

test('MKN(m=2, k=3, n=2) on 6 inputs: 3 instances, each with 2 inputs, 3 parts and 2 outputs', (t) => {
  const { drops } = pgtOf(tableOf(lgOf(join(repoRoot, 'fixtures/graphs/mkn_example.graph'))));
  const named = (n: string) => drops.filter((d) => d.name === n);
  t.is(drops.length, 27);
  t.is(edgesOf(drops).edges.size, 30);
  const split = named('MKN');
  const merge = named('merge');
  t.is(split.length, 3);
  t.is(merge.length, 3);
  t.is(named('part').length, 9);
  t.is(named('out').length, 6);
  const ins = named('in');
  split.forEach((a, i) => {
    t.deepEqual(a.inputs.map(entryOid), [ins[2 * i].oid, ins[2 * i + 1].oid], 'M = 2 inputs per instance');
    t.is(a.outputs.length, 3, 'K = 3 parts');
    t.deepEqual(a.mkn, [2, 3, 2]);
    t.is(a.label, 'part of 3', '%k substituted');
    const parts = a.outputs.map(entryOid);
    t.deepEqual(merge[i].inputs.map(entryOid), parts, 'the output app collects its instance’s parts');
    t.is(merge[i].outputs.length, 2, 'N = 2 outputs');
  });
  t.is(split[0].oid, '1_mkn_0-0', 'the input app keeps the MKN id');
  t.is(merge[0].oid, '1_mkn-out_0-0', 'the output app has the outputApplicationId');
});

if (needsShared(test)) {
  test('Mpi: num_of_procs drops with proc_index, fanning into one data drop', (t) => {
    const doc = readJson(join(lgDir, 'HelloWorld_simple.graph'));
    const app = doc.nodeDataArray[0];
    app.category = 'Mpi';
    app.fields.push({ id: 'procs', name: 'num_of_procs', value: 4, defaultValue: '', type: 'Integer', parameterType: 'ComponentParameter', usage: 'NoPort' });
    const { drops } = pgtOf(tableOf(lgOfValue(doc)));
    const procs = drops.filter((d) => d.category === 'Mpi');
    t.deepEqual(procs.map((d) => d.proc_index), [0, 1, 2, 3]);
    t.deepEqual(procs.map((d) => d.iid), ['0-0', '0-1', '0-2', '0-3']);
    const file = drops.find((d) => d.category === 'File');
    t.is(file.producers.length, 4);
  });

  function text(t: ReturnType<typeof tableOf>, opts: object) {
    const parts: Buffer[] = [];
    for (const c of pgtChunks(t, { oidPrefix: '1', ...opts })) parts.push(Buffer.from(c));
    return JSON.parse(Buffer.concat(parts).toString());
  }

  test('--zerorun sets every sleep_time to 0; --app 1 makes every app a SleepApp timed by execution_time', (t) => {
    const table = tableOf(lgOf(join(lgDir, 'testLoop.graph')));
    const zero = text(table, { zerorun: true });
    const timed = zero.filter((d: any) => 'sleep_time' in d);
    t.true(timed.length > 0);
    t.true(timed.every((d: any) => d.sleep_time === 0));
    const app1 = text(table, { app: 1 }).filter((d: any) => d.categoryType === 'Application');
    t.true(app1.length > 0);
    t.true(app1.every((d: any) => d.dropclass === 'dlg.apps.simple.SleepApp' && d.sleep_time === Number(d.execution_time ?? 2)));
    const app2 = text(table, { app: 2 }).filter((d: any) => d.categoryType === 'Application');
    t.is(app2.length, app1.length);
    t.true(app2.every((d: any) => d.dropclass === 'dlg.apps.simple.SleepAndCopyApp'));
  });

  test('pretty output is the same document, indented', (t) => {
    const table = tableOf(lgOf(join(lgDir, 'SuperBasicScatterGather.graph')));
    const parts: Buffer[] = [];
    for (const c of pgtChunks(table, { oidPrefix: '1', pretty: true })) parts.push(Buffer.from(c));
    const s = Buffer.concat(parts).toString();
    t.true(s.includes('\n    "oid"'));
    t.deepEqual(JSON.parse(s), text(table, {}));
  });

  test('a link between unrelated constructs is a diagnostic naming both nodes, not a crash', async (t) => {
    const { unroll } = await import('../../compiler/unroll/index.ts');
    const doc = readJson(join(lgDir, 'SuperBasicScatterGather.graph'));
    // Link the top-level scatter app straight to the gather app: two different levels, no nesting.
    const file = doc.nodeDataArray.find((n: any) => n.category === 'File');
    doc.nodeDataArray.push({ ...structuredClone(file), id: 'other', name: 'Other', parentId: undefined });
    const scatter2 = { ...structuredClone(doc.nodeDataArray.find((n: any) => n.category === 'Scatter')), id: 'scatter2', name: 'Scatter2', inputApplicationType: 'None', inputAppFields: [] };
    scatter2.fields[0].value = 3;
    doc.nodeDataArray.push(scatter2);
    doc.nodeDataArray.find((n: any) => n.id === 'other').parentId = 'scatter2';
    const port = file.fields.find((f: any) => f.usage === 'InputOutput').id;
    doc.linkDataArray.push({ from: file.id, fromPort: port, to: 'other', toPort: port });
    const r = unroll(lgOfValue(doc));
    t.is(r.value, undefined);
    const d = r.diagnostics.find((x) => x.severity === 'error');
    t.truthy(d);
    t.is(d!.code, 'DLG3016');
    t.regex(d!.message, /File/);
    t.regex(d!.message, /Other/);
  });

  test('a gather input with another multiplicity is DLG4001 naming both nodes and both counts', async (t) => {
    const { unroll } = await import('../../compiler/unroll/index.ts');
    const doc = readJson(join(lgDir, 'SuperBasicScatterGather.graph'));
    const gather = doc.nodeDataArray.find((n: any) => n.category === 'Gather');
    gather.fields.find((f: any) => f.name === 'num_of_inputs').value = 2;
    const file = doc.nodeDataArray.find((n: any) => n.category === 'File');
    doc.nodeDataArray.push({ ...structuredClone(file), id: 'extra', name: 'Extra', parentId: undefined });
    const port = file.fields.find((f: any) => f.usage === 'InputOutput').id;
    const toPort = gather.inputAppFields.find((f: any) => f.usage === 'InputOutput').id;
    doc.linkDataArray.push({ from: 'extra', fromPort: port, to: gather.id, toPort });
    const r = unroll(lgOfValue(doc));
    t.is(r.value, undefined);
    const d = r.diagnostics.find((x) => x.code === 'DLG4001');
    t.truthy(d, JSON.stringify(r.diagnostics));
    t.is(d!.nodeId, 'extra');
    t.regex(d!.message, /'Extra' \(extra, 1 instance\)/);
    t.regex(d!.message, /2 instances/);
  });

  test('Q18 fixed: nodes in a scatter inside a loop keep the loop context', (t) => {
    const doc = readJson(join(lgDir, 'testLoop.graph'));
    const loop = doc.nodeDataArray.find((n: any) => n.category === 'Loop');
    const event = doc.nodeDataArray.find((n: any) => n.name === 'event');
    doc.nodeDataArray.push(
      { id: 'inner-scatter', name: 'Inner', category: 'Scatter', categoryType: 'Construct', isGroup: true, parentId: loop.id,
        fields: [{ id: 'c', name: 'num_of_copies', value: 3, defaultValue: '', type: 'Integer', parameterType: 'ConstructParameter', usage: 'NoPort' }] },
      { ...structuredClone(event), id: 'extra', name: 'extra', parentId: 'inner-scatter' },
    );
    for (const f of doc.nodeDataArray.at(-1).fields) if (f.name === 'group_end') f.value = false;
    const { drops } = pgtOf(tableOf(lgOfValue(doc)));
    const extra = drops.filter((d) => d.name === 'extra');
    t.is(extra.length, 15);
    t.deepEqual(extra.slice(0, 4).map((d) => [d.iid, d.loop_ctx]), [['0-0-0', '0'], ['0-0-1', '0'], ['0-0-2', '0'], ['0-1-0', '1']]);
  });

  test('a loop without group start and end is DLG3009 naming the loop', async (t) => {
    const { unroll } = await import('../../compiler/unroll/index.ts');
    const doc = readJson(join(lgDir, 'testLoop.graph'));
    for (const n of doc.nodeDataArray) for (const f of n.fields ?? []) if (f.name === 'group_start') f.value = false;
    const r = unroll(lgOfValue(doc));
    const d = r.diagnostics.find((x) => x.code === 'DLG3009');
    t.truthy(d);
    t.is(d!.nodeName, doc.nodeDataArray.find((n: any) => n.category === 'Loop').name);
  });

  test('a node outside a loop fed by every iteration and feeding them back is a drop cycle: DLG3010, not a hung session', async (t) => {
    const { unroll } = await import('../../compiler/unroll/index.ts');
    // Found by the translator fuzz test: cont_img_mvp with CC moved out of its loop.
    const doc = readJson(join(lgDir, 'cont_img_mvp.graph'));
    const cc = doc.nodeDataArray.find((n: any) => n.name === 'CC');
    delete cc.parentId;
    const r = unroll(lgOfValue(doc));
    t.is(r.value, undefined);
    const d = r.diagnostics.find((x) => x.code === 'DLG3010');
    t.truthy(d, JSON.stringify(r.diagnostics));
    t.regex(d!.message, /'CC'/);
  });
}
