// The §5.3 mysarkar table reproduced on OUR unroller's drop table (not only on the reference's
// .spec files): same drops, same DAG edge order, so the same deterministic edge zeroing.
import test from 'ava';
import { join } from 'node:path';
import { partitionDag } from '../../compiler/partition/plan.ts';
import { dagOfTable } from '../../compiler/unroll/index.ts';
import { lgDir, lgOf, tableOf } from '../helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  const table = [
    { graph: 'testLoop.graph', before: [30, 50, 80], after: [30, 0, 30], parts: 1 },
    { graph: 'test_grpby_gather.graph', before: [16, 70, 51], after: [16, 0, 16], parts: 1 },
    { graph: 'chiles_simple.graph', before: [45, 1080, 285], after: [45, 0, 45], parts: 1 },
    { graph: 'cont_img_mvp.graph', before: [144, 932, 444], after: [144, 135, 179], parts: 6, sizes: [25, 44, 20, 27, 14, 14] },
  ];

  for (const row of table) {
    test(`${row.graph}: mysarkar gives ${row.parts} partition(s), ${row.after.join(' / ')}`, (t) => {
      const dag = dagOfTable(tableOf(lgOf(join(lgDir, row.graph))));
      const r = partitionDag(dag, { algorithm: 'mysarkar', numPartitions: 1000 });
      if (!r.value) return t.fail(JSON.stringify(r.diagnostics));
      const p = r.value;
      t.deepEqual([p.before.computeTime, p.before.dataMovement, p.before.completionTime], row.before);
      t.deepEqual([p.result.min_exec_time, p.result.total_data_movement, p.result.exec_time], row.after);
      t.is(p.result.num_parts, row.parts);
      if (row.sizes) {
        const sizes = new Array(p.algorithmParts).fill(0);
        for (const x of p.part) sizes[x]++;
        t.deepEqual(sizes, row.sizes);
      }
    });
  }
}
