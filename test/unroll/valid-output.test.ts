// What we emit passes our own drop-list validation (schema + referential integrity), for
// every fixture graph: the same checks CI runs with dlg-validate on emitted graphs.
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateDropList } from '../../compiler/validate/index.ts';
import { fill } from '../../compiler/fill/index.ts';
import { buildLogicalGraph, loadFile } from '../../compiler/load/index.ts';
import { lgDir, pgtOf, repoRoot, tableOf } from '../helpers.ts';
import { needsShared } from '../shared.ts';

const own = [join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), join(repoRoot, 'fixtures/graphs/mkn_example.graph')];
for (const file of own) validatesTest(file);
if (needsShared(test)) {
  for (const f of readdirSync(lgDir).filter((f) => f.endsWith('.graph'))) validatesTest(join(lgDir, f));
}

function validatesTest(file: string): void {
  test(`${file.split('/').pop()}: the emitted PGT validates without diagnostics`, (t) => {
    const loaded = loadFile(file);
    if (!loaded.value || loaded.value.kind !== 'lg') return t.fail('not an LG');
    const filled = fill(loaded.value.doc, {}, file);
    if (!filled.value) return t.fail(JSON.stringify(filled.diagnostics));
    const { drops, trailing } = pgtOf(tableOf(buildLogicalGraph(filled.value, file)));
    const diags = validateDropList(drops, 'out.json', trailing);
    t.deepEqual(diags.map((d) => `${d.code} ${d.message}`), []);
  });
}
