// The graphs the reference crashes on because of EnvironmentVariables (Q14) translate to
// what they mean: the global values drive the multiplicities and fields.
import test from 'ava';
import { join } from 'node:path';
import { fill } from '../../compiler/fill/index.ts';
import { buildLogicalGraph, loadFile } from '../../compiler/load/index.ts';
import { edgesOf, lgDir, pgtOf, readJson, tableOf } from '../helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  function translated(name: string, params: Record<string, unknown> = {}) {
    const file = join(lgDir, name);
    const loaded = loadFile(file);
    if (!loaded.value || loaded.value.kind !== 'lg') throw new Error('not an LG');
    const filled = fill(loaded.value.doc, { params }, file);
    if (!filled.value) throw new Error(JSON.stringify(filled.diagnostics));
    return pgtOf(tableOf(buildLogicalGraph(filled.value, file))).drops;
  }

  function globals(name: string): Record<string, unknown> {
    const doc = readJson(join(lgDir, name));
    const env = doc.nodeDataArray.find((n: any) => n.category === 'EnvironmentVariables');
    return Object.fromEntries(env.fields.map((f: any) => [f.name, f.value]));
  }

  test('ArrayLoop_Global: num_copies and num_loops from the globals give 3 + s + 3·s·l drops, as ArrayLoop', (t) => {
    const g = globals('ArrayLoop_Global.graph');
    const s = Number(g.num_copies);
    const l = Number(g.num_loops);
    const drops = translated('ArrayLoop_Global.graph');
    t.is(drops.length, 3 + s + 3 * s * l);
    t.is(drops.length, translated('ArrayLoop.graph').length);
    t.is(edgesOf(drops).edges.size, 72);
    const random = drops.filter((d) => d.name === 'RandomArrayApp');
    t.is(random.length, 1, 'the RandomArrayApp node is outside the scatter: one drop');
    t.true(random.every((d) => d.size === g.array_size));
  });

  test('ArrayLoop_Global: a global given as a parameter changes the unrolling', (t) => {
    const drops = translated('ArrayLoop_Global.graph', { num_copies: 4, num_loops: 3 });
    t.is(drops.length, 3 + 4 + 3 * 4 * 3);
  });

  test('HelloWorld_Global: greet comes from the global', (t) => {
    const drops = translated('HelloWorld_Global.graph');
    t.is(drops.length, 2);
    t.is(drops.find((d) => d.categoryType === 'Application').greet, globals('HelloWorld_Global.graph').greet);
  });
}
