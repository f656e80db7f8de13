import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODES } from '../../compiler/diagnostics.ts';
import { buildLogicalGraph, loadSource, loadValue } from '../../compiler/load/index.ts';
import { codes, loadLg, logicalGraphs, shared } from '../validate/helpers.ts';
import { needsShared } from '../shared.ts';

const withShared = needsShared(test);

if (withShared) {
  const helloText = readFileSync(join(logicalGraphs, 'HelloWorld_simple.graph'), 'utf8');

  test('truncated JSON is DLG1002 at the end of the text, whichever way it was cut', (t) => {
    for (const cut of [helloText.length - 3, helloText.indexOf(',', 200) + 1, helloText.indexOf('"', 300) + 3]) {
      const text = helloText.slice(0, cut);
      const r = loadSource({ file: 'cut.graph', text });
      t.deepEqual(codes(r.diagnostics), [CODES.TRUNCATED_JSON], `cut at ${cut}`);
      t.is(r.diagnostics[0].line, text.split('\n').length);
    }
  });
}

test('text that is not JSON is DLG1001; empty input too', (t) => {
  const r = loadSource({ file: 'x.graph', text: '{\n  "a": nope\n}' });
  t.deepEqual(codes(r.diagnostics), [CODES.NOT_JSON]);
  t.regex(r.diagnostics[0].message, /not valid JSON/);
  t.deepEqual(codes(loadSource({ file: 'e', text: '  \n' }).diagnostics), [CODES.NOT_JSON]);
});

test('what is not a logical graph says what it is', (t) => {
  t.deepEqual(codes(loadValue({ modelData: { fileType: 'palette' }, nodeDataArray: [] }, 'p').diagnostics), [CODES.PALETTE_NOT_GRAPH]);
  t.deepEqual(codes(loadValue(42, 'n').diagnostics), [CODES.NOT_A_GRAPH]);
  t.deepEqual(codes(loadValue({ a: 1 }, 'o').diagnostics), [CODES.NOT_A_GRAPH]);
});

if (withShared) {
  test('a drop list is detected, with or without its trailing reprodata, and in the legacy [name, [specs]] form', (t) => {
    const pg = JSON.parse(readFileSync(join(shared, 'engine/graphs/ddExamplePG.graph'), 'utf8')) as Record<string, unknown>[];
    const withTrailer = loadValue(pg, 'pg');
    t.is(withTrailer.value?.kind, 'drops');
    if (withTrailer.value?.kind === 'drops') {
      t.is(withTrailer.value.drops.length, pg.filter((d) => d.oid).length);
      t.deepEqual(withTrailer.value.reprodata, pg.at(-1));
    }
    const legacy = JSON.parse(readFileSync(join(shared, 'engine/graphs/SLURM_HelloWorld_simplePG.graph'), 'utf8')) as [string, unknown[]];
    const r = loadValue(legacy, 'slurm');
    t.is(r.value?.kind, 'drops');
    if (r.value?.kind === 'drops') {
      t.is(r.value.graphName, legacy[0]);
      t.is(r.value.drops.length, legacy[1].length);
    }
  });

  test('the model: non-executable nodes go, construct apps take the construct id (§1.9)', (t) => {
    const lg = loadLg(join(logicalGraphs, 'test_grpby_gather.graph'));
    const g = buildLogicalGraph(lg.doc, lg.file);
    const comments = lg.doc.nodeDataArray.filter((n) => n.category === 'Comment').length;
    t.true(comments > 0);
    t.false(g.nodes.some((n) => n.category === 'Comment'));
    const sbsg = loadLg(join(logicalGraphs, 'SuperBasicScatterGather.graph'));
    const m = buildLogicalGraph(sbsg.doc, sbsg.file);
    for (const raw of sbsg.doc.nodeDataArray.filter((n) => n.category === 'Scatter' || n.category === 'Gather')) {
      const app = m.nodes[m.byId.get(raw.id)!];
      t.is(app.kind, 'app', raw.name);
      t.is(m.nodes[app.appOf!].construct as string | undefined, raw.category);
    }
  });
}
