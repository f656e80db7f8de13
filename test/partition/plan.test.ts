import test from 'ava';
import { dagFromDropSpecs, dropSpecList } from '../../compiler/schedule/dag.ts';
import { partitionDag } from '../../compiler/partition/index.ts';
import { ALGORITHM_NAMES } from '../../compiler/schedule/params.ts';
import { scatterGatherDag } from '../../compiler/schedule/synthetic.ts';
import { allFixtureGraphs, loadSpec } from '../schedule/helpers.ts';
import { needsShared } from '../shared.ts';

const withShared = needsShared(test);

if (withShared) {
  test('every algorithm on every fixture: each drop placed, ≤ -N partitions, ≤ -i islands', (t) => {
    for (const [name, doc] of allFixtureGraphs()) {
      const dag = dagFromDropSpecs(dropSpecList(doc));
      for (const algorithm of ALGORITHM_NAMES) {
        for (const [N, I] of [[1, 1], [2, 1], [3, 2], [8, 3]] as const) {
          const params = algorithm === 'pso' ? { swarm_size: 5, topk: 8 } : {};
          const r = partitionDag(dag, { algorithm, numPartitions: N, numIslands: I, params, dop: false });
          const where = `${name} ${algorithm} -N ${N} -i ${I}`;
          t.truthy(r.value, where);
          const plan = r.value!;
          t.is(plan.part.length, dag.n, where);
          t.true(dag.n > 0, where);
          t.true(plan.numParts >= 1 && plan.numParts <= N, where);
          t.true(plan.numIslands >= 1 && plan.numIslands <= I, where);
          t.is(plan.islandOf.length, plan.numParts, where);
          const used = new Set(plan.part);
          t.is(used.size, plan.numParts, `${where}: partition ids are contiguous and used`);
          t.true(plan.part.every((p) => p >= 0 && p < plan.numParts), where);
          t.true(plan.islandOf.every((j) => j >= 0 && j < plan.numIslands), where);
          t.is(plan.after.partitions, plan.numParts, where);
          t.is(plan.after.islands, plan.numIslands, where);
        }
      }
    }
  });

  test('Q2: algorithm none is one partition on node #0', (t) => {
    const dag = dagFromDropSpecs(loadSpec('cont_img_mvp'));
    const plan = partitionDag(dag, { algorithm: 'none', numPartitions: 4, numIslands: 2 }).value!;
    t.is(plan.numParts, 1);
    t.is(plan.part.length, 144);
    t.true(plan.part.every((p) => p === 0));
    t.is(plan.result.algo, 'Raw_unrolling');
    t.is(plan.after.dataMovement, 0);
    t.is(plan.after.completionTime, 144);
  });
}

test('Q8: -N 5 -i 1 gives at most 5 partitions, not 6', (t) => {
  const dag = scatterGatherDag({ drops: 2000 });
  for (const algorithm of ['metis', 'mysarkar', 'min_num_parts'] as const) {
    const plan = partitionDag(dag, { algorithm, numPartitions: 5, numIslands: 1, dop: false }).value!;
    t.true(plan.numParts <= 5, algorithm);
    t.true(plan.algorithmParts >= plan.numParts, algorithm);
  }
});

if (withShared) {
  test('mysarkar plan: the reference result keys reproduce §5.3 before merging into slots', (t) => {
    const dag = dagFromDropSpecs(loadSpec('cont_img_mvp'));
    const plan = partitionDag(dag, { algorithm: 'mysarkar', numPartitions: 4, numIslands: 2 }).value!;
    t.deepEqual(plan.result, {
      algo: 'Edge Zero', min_exec_time: 144, total_data_movement: 135, exec_time: 179, num_parts: 6, num_islands: 2,
    });
    t.is(plan.numParts, 4);
    t.deepEqual([plan.before.computeTime, plan.before.dataMovement, plan.before.completionTime], [144, 932, 444]);
    t.is(plan.before.maxDop, 8);
    // merging 6 partitions into 4 slots only zeroes more edges
    t.true(plan.after.dataMovement <= 130);
    t.true(plan.after.completionTime <= 179);
  });
}

test('metis plan: result names the load balance like the reference (METIS_LB90 by default)', (t) => {
  const dag = scatterGatherDag({ drops: 5000 });
  const plan = partitionDag(dag, { algorithm: 'metis', numPartitions: 8, params: { max_load_imb: 95 } }).value!;
  t.is(plan.result.algo, 'METIS_LB95');
  t.is(plan.result.num_parts, 8);
  t.is(plan.result.total_data_movement, plan.after.dataMovement);
  const def = partitionDag(dag, { algorithm: 'metis', numPartitions: 8 }).value!;
  t.is(def.result.algo, 'METIS_LB90');
});

test('deterministic plans: same input and options, same placement', (t) => {
  const dag = scatterGatherDag({ drops: 4000, seed: 9 });
  for (const algorithm of ALGORITHM_NAMES) {
    const params = algorithm === 'pso' ? { swarm_size: 6, topk: 10, seed: 5 } : {};
    const a = partitionDag(dag, { algorithm, numPartitions: 6, numIslands: 2, params, dop: false }).value!;
    const b = partitionDag(dag, { algorithm, numPartitions: 6, numIslands: 2, params, dop: false }).value!;
    t.deepEqual([a.part, a.islandOf], [b.part, b.islandOf], algorithm);
  }
});

if (withShared) {
  test('bad requests are diagnostics: counts, algorithm, cycle', (t) => {
    const dag = dagFromDropSpecs(loadSpec('testLoop'));
    t.is(partitionDag(dag, { algorithm: 'metis', numPartitions: 0 }).diagnostics[0]!.code, 'DLG5007');
    t.is(partitionDag(dag, { algorithm: 'metis', numIslands: 1.5 }).diagnostics[0]!.code, 'DLG5007');
    t.is(partitionDag(dag, { algorithm: 'best' }).diagnostics[0]!.code, 'DLG5004');
    const cyclic = dagFromDropSpecs([
      { oid: 'a', categoryType: 'Application', outputs: ['b'] },
      { oid: 'b', categoryType: 'Data', consumers: ['a'] },
    ]);
    const r = partitionDag(cyclic, { algorithm: 'mysarkar' });
    t.is(r.value, undefined);
    t.is(r.diagnostics[0]!.code, 'DLG5003');
  });
}
