// The scheduling DAG made from the drop table equals the one read back from the emitted JSON.
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dagFromDropSpecs } from '../../compiler/schedule/dag.ts';
import { dagOfTable } from '../../compiler/unroll/dag.ts';
import { lgDir, lgOf, pgtOf, tableOf } from '../helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  for (const f of readdirSync(lgDir).filter((x) => x.endsWith('.graph') && !x.includes('Global'))) {
    test(`${f}: dagOfTable = dagFromDropSpecs(emitted PGT)`, (t) => {
      const table = tableOf(lgOf(join(lgDir, f)));
      const ours = dagOfTable(table);
      const theirs = dagFromDropSpecs(pgtOf(table).drops);
      t.is(ours.n, theirs.n);
      t.deepEqual([...ours.isApp], [...theirs.isApp]);
      t.deepEqual([...ours.weight], [...theirs.weight]);
      t.deepEqual([...ours.numCpus], [...theirs.numCpus]);
      // Same edges per source (the JSON side may order a drop's successors differently).
      for (let v = 0; v < ours.n; v++) {
        const a = [...ours.targets.subarray(ours.offsets[v], ours.offsets[v + 1])].sort();
        const b = [...theirs.targets.subarray(theirs.offsets[v], theirs.offsets[v + 1])].sort();
        t.deepEqual(a, b, `successors of drop ${v}`);
      }
    });
  }
}
