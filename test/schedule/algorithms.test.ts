import test from 'ava';
import fc from 'fast-check';
import { dagFromDropSpecs, dropSpecList, edgeWeights } from '../../compiler/schedule/dag.ts';
import { scheduleMetrics } from '../../compiler/schedule/metrics.ts';
import { mysarkar } from '../../compiler/schedule/sarkar.ts';
import { minNumParts } from '../../compiler/schedule/minparts.ts';
import { pso } from '../../compiler/schedule/pso.ts';
import { maxWeightedAntichain } from '../../compiler/schedule/antichain.ts';
import { parseAlgorithmParams } from '../../compiler/schedule/params.ts';
import { randomDag, scatterGatherDag } from '../../compiler/schedule/synthetic.ts';
import type { Diagnostic } from '../../compiler/diagnostics.ts';
import { allFixtureGraphs, inducedDag, loadSpec } from './helpers.ts';
import { needsShared } from '../shared.ts';

const withShared = needsShared(test);

const CAPS = { maxCpu: 8, maxMem: 1000 };

// §5.3: after mysarkar with default caps: min_exec_time / total_data_movement / exec_time, partition sizes.
const AFTER: Record<string, [number, number, number, number[]]> = {
  testLoop: [30, 0, 30, [11]],
  test_grpby_gather: [16, 0, 16, [15]],
  chiles_simple: [45, 0, 45, [22]],
  cont_img_mvp: [144, 135, 179, [25, 44, 20, 27, 14, 14]],
};

if (withShared) {
  for (const [name, [compute, movement, completion, sizes]] of Object.entries(AFTER)) {
    test(`§5.3 mysarkar table: ${name}`, (t) => {
      const dag = dagFromDropSpecs(loadSpec(name));
      const r = mysarkar(dag, CAPS);
      t.is(r.numParts, sizes.length);
      const count = new Array(r.numParts).fill(0);
      for (const p of r.part) count[p]++;
      t.deepEqual(count, sizes);
      const m = scheduleMetrics(dag, { part: r.part, numParts: r.numParts, edgeWeight: r.edgeWeight });
      t.is(m.computeTime, compute);
      t.is(m.dataMovement, movement);
      t.is(m.completionTime, completion);
    });
  }

  test('mysarkar on cont_img_mvp: the physical movement is §5.3\'s 135 less the edges rejected before their ends were merged', (t) => {
    // §5.6 step 2: a rejected edge gets its weight back and keeps it, even when a later merge
    // puts both of its ends in one partition; the reference's total_data_movement (135, §5.3)
    // sums those current weights. Data really moved is the weight of the edges whose ends are
    // in different partitions. The difference is derived here edge by edge.
    const dag = dagFromDropSpecs(loadSpec('cont_img_mvp'));
    const r = mysarkar(dag, CAPS);
    const original = edgeWeights(dag);
    let reference = 0;
    let physical = 0;
    const stale: number[] = [];
    for (let u = 0; u < dag.n; u++) {
      for (let e = dag.offsets[u]!; e < dag.offsets[u + 1]!; e++) {
        const crosses = r.part[u] !== r.part[dag.targets[e]!];
        reference += r.edgeWeight[e]!;
        if (crosses) {
          physical += original[e]!;
          t.is(r.edgeWeight[e], original[e], 'an edge between partitions was rejected: its weight is restored');
        } else if (r.edgeWeight[e]! > 0) stale.push(r.edgeWeight[e]!);
      }
    }
    t.is(reference, 135);
    t.true(stale.length > 0, 'at least one rejected edge ended inside a partition');
    t.is(physical, reference - stale.reduce((a, b) => a + b, 0));
    t.is(scheduleMetrics(dag, { part: r.part, numParts: r.numParts }).dataMovement, physical);
    // On this graph: one such edge, of weight 5 (a data volume), so 130.
    t.deepEqual(stale, [5]);
  });
}

function partitionDops(dag: ReturnType<typeof dagFromDropSpecs>, part: Int32Array, P: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < P; p++) out.push(maxWeightedAntichain(inducedDag(dag, (i) => part[i] === p).sub));
  return out;
}

if (withShared) {
  test('Sarkar-family partitions respect the DoP caps on every fixture', (t) => {
    for (const [name, doc] of allFixtureGraphs()) {
      const dag = dagFromDropSpecs(dropSpecList(doc));
      for (const maxCpu of [1, 2, 8]) {
        const caps = { maxCpu, maxMem: 1000 };
        const results = [
          mysarkar(dag, caps),
          minNumParts(dag, { ...caps, deadline: null, timeGreedy: 50 }),
          pso(dag, { ...caps, deadline: null, topk: 10, swarmSize: 6, seed: 3 }),
        ];
        for (const r of results) {
          t.is(r.part.length, dag.n);
          for (const dop of partitionDops(dag, r.part, r.numParts)) t.true(dop <= maxCpu, `${name} cap ${maxCpu}: ${dop}`);
        }
      }
    }
  });
}

test('property: mysarkar keeps every partition within max_cpu on random DAGs', (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 6 }),
    (n, seed, cap) => {
      const dag = randomDag(n, seed, 3, 8);
      const r = mysarkar(dag, { maxCpu: cap, maxMem: 1000 });
      const maxSingle = Math.max(...dag.numCpus);
      const dops = partitionDops(dag, r.part, r.numParts);
      return dops.length > 0 && dops.every((d) => d <= Math.max(cap, maxSingle));
    }), { numRuns: 100 });
  t.pass();
});

test('mysarkar on a 2·10^4-drop scatter/gather: clusters form, far fewer than drops', (t) => {
  const dag = scatterGatherDag({ drops: 20000 });
  const r = mysarkar(dag, CAPS);
  t.true(r.numParts > 1 && r.numParts < dag.n / 8);
});

test('min_num_parts: time_greedy=100 keeps mysarkar\'s completion time with no more partitions', (t) => {
  const dag = scatterGatherDag({ drops: 3000, seed: 4 });
  const s = mysarkar(dag, CAPS);
  const sTime = scheduleMetrics(dag, { part: s.part, dop: false }).completionTime;
  const m = minNumParts(dag, { ...CAPS, deadline: null, timeGreedy: 100 });
  const mTime = scheduleMetrics(dag, { part: m.part, dop: false }).completionTime;
  t.true(mTime <= sTime, `${mTime} vs ${sTime}`);
  t.true(m.numParts <= s.numParts);
});

test('min_num_parts: a looser deadline or a lower time_greedy never gives more partitions', (t) => {
  const dag = scatterGatherDag({ drops: 3000, seed: 5 });
  const strict = minNumParts(dag, { ...CAPS, deadline: null, timeGreedy: 100 });
  const loose = minNumParts(dag, { ...CAPS, deadline: null, timeGreedy: 1 });
  t.true(loose.numParts <= strict.numParts);
  const fast = scheduleMetrics(dag, { part: strict.part, dop: false }).completionTime;
  const withDeadline = minNumParts(dag, { ...CAPS, deadline: fast * 3, timeGreedy: 1 });
  t.true(scheduleMetrics(dag, { part: withDeadline.part, dop: false }).completionTime <= fast * 3);
  t.true(withDeadline.numParts <= strict.numParts);
});

if (withShared) {
  test('min_num_parts: an impossible deadline warns and returns the fastest partitioning', (t) => {
    const dag = dagFromDropSpecs(loadSpec('cont_img_mvp'));
    const diags: Diagnostic[] = [];
    const r = minNumParts(dag, { ...CAPS, deadline: 1, timeGreedy: 50 }, diags);
    t.is(diags.length, 1);
    t.is(diags[0]!.code, 'DLG5008');
    t.true(r.numParts >= 1);
  });
}

test('pso: the same seed gives the same partition; the deadline objective stays within it', (t) => {
  const dag = scatterGatherDag({ drops: 600, seed: 2 });
  const opts = { ...CAPS, deadline: null, topk: 12, swarmSize: 8, seed: 42 };
  t.deepEqual(pso(dag, opts).part, pso(dag, opts).part);
  const free = pso(dag, opts);
  const freeTime = scheduleMetrics(dag, { part: free.part, dop: false }).completionTime;
  const bounded = pso(dag, { ...opts, deadline: freeTime * 2 });
  t.true(scheduleMetrics(dag, { part: bounded.part, dop: false }).completionTime <= freeTime * 2);
  t.true(bounded.numParts <= free.numParts);
});

test('parameters: defaults, string values, null means default', (t) => {
  const r = parseAlgorithmParams('metis', { min_goal: '1', max_load_imb: 80, seed: 'null' });
  t.deepEqual(r.diagnostics, []);
  t.is(r.value!.params.min_goal, 1);
  t.is(r.value!.params.max_load_imb, 80);
  t.is(r.value!.params.seed, 1);
  t.is(parseAlgorithmParams('pso', { deadline: '300', swarm_size: 10 }).value!.params.deadline, 300);
});

test('parameters: unknown names and bad values are errors naming the accepted parameters', (t) => {
  const unknown = parseAlgorithmParams('mysarkar', { min_goal: 1 });
  t.is(unknown.value, undefined);
  t.is(unknown.diagnostics[0]!.code, 'DLG5005');
  t.regex(unknown.diagnostics[0]!.message, /accepted parameters: max_cpu, max_mem/);
  const bad = parseAlgorithmParams('mysarkar', { max_cpu: '0' });
  t.is(bad.diagnostics[0]!.code, 'DLG5006');
  t.regex(bad.diagnostics[0]!.message, /max_cpu.*at least 1/);
  t.is(parseAlgorithmParams('metis', { ptype: 2 }).diagnostics[0]!.code, 'DLG5006');
  t.is(parseAlgorithmParams('metis', { min_goal: 1, ptype: 1 }).diagnostics[0]!.code, 'DLG5006');
  t.is(parseAlgorithmParams('min_num_parts', { time_greedy: 'fast' }).diagnostics[0]!.code, 'DLG5006');
  const none = parseAlgorithmParams('none', { max_cpu: 2 });
  t.regex(none.diagnostics[0]!.message, /accepts no parameters/);
  const algo = parseAlgorithmParams('kmeans');
  t.is(algo.diagnostics[0]!.code, 'DLG5004');
  t.regex(algo.diagnostics[0]!.message, /none, metis, mysarkar, min_num_parts, pso/);
});
