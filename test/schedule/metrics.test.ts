import test from 'ava';
import fc from 'fast-check';
import { dagFromDropSpecs } from '../../compiler/schedule/dag.ts';
import { maxWeightedAntichain } from '../../compiler/schedule/antichain.ts';
import { longestPath, scheduleMetrics } from '../../compiler/schedule/metrics.ts';
import { PolyForest } from '../../compiler/schedule/polyforest.ts';
import { randomDag, scatterGatherDag } from '../../compiler/schedule/synthetic.ts';
import { bruteForceWidth, loadSpec, makeDag, reachability } from './helpers.ts';
import { needsShared } from '../shared.ts';

const withShared = needsShared(test);

// §5.3: min_exec_time / total_data_movement / exec_time before partitioning.
const BEFORE: Record<string, [number, number, number]> = {
  testLoop: [30, 50, 80],
  test_grpby_gather: [16, 70, 51],
  chiles_simple: [45, 1080, 285],
  cont_img_mvp: [144, 932, 444],
};

if (withShared) {
  for (const [name, [compute, movement, completion]] of Object.entries(BEFORE)) {
    test(`§5.3 metrics before partitioning: ${name}`, (t) => {
      const m = scheduleMetrics(dagFromDropSpecs(loadSpec(name)));
      t.is(m.computeTime, compute);
      t.is(m.dataMovement, movement);
      t.is(m.completionTime, completion);
      t.is(m.partitions, 1);
    });
  }
}

test('Q39: a source counts its own weight; an isolated app has its execution time', (t) => {
  const lone = makeDag(1, [], [5], [1], [1]);
  t.is(longestPath(lone)!.completionTime, 5);
  // app(3) -> data(vol 4) -> app(2): 3 + 4 + 4 + 2
  const chain = makeDag(3, [[0, 1], [1, 2]], [3, 4, 2], [1, 1, 1], [1, 0, 1]);
  const lp = longestPath(chain)!;
  t.is(lp.completionTime, 13);
  t.is(lp.computeTime, 5);
  t.deepEqual(Array.from(lp.path), [0, 1, 2]);
});

if (withShared) {
  test('maximum DoP of the fixtures (exact, num_cpus-weighted)', (t) => {
    t.is(maxWeightedAntichain(dagFromDropSpecs(loadSpec('testLoop'))), 1);
    t.is(maxWeightedAntichain(dagFromDropSpecs(loadSpec('chiles_simple'))), 5);
    t.is(maxWeightedAntichain(dagFromDropSpecs(loadSpec('cont_img_mvp'))), 8);
    for (const name of Object.keys(BEFORE)) {
      const dag = dagFromDropSpecs(loadSpec(name));
      if (dag.n <= 16) t.is(maxWeightedAntichain(dag), bruteForceWidth(dag, dag.numCpus), name);
    }
  });
}

test('maximum DoP of a scatter/gather graph equals its widest level', (t) => {
  // inner 16 branches × outer k: the pipelines give 16·k concurrent drops of weight 1
  const dag = scatterGatherDag({ drops: 2000, inner: 16, depth: 3, gather: 4 });
  const outer = Math.round((2000 - 4) / (2 + 16 * 6 + 8));
  t.is(maxWeightedAntichain(dag), 16 * outer);
});

test('property: exact DoP equals brute force on random DAGs', (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 4 }),
    (n, seed, maxOut) => {
      const dag = randomDag(n, seed, maxOut, 6);
      return maxWeightedAntichain(dag) === bruteForceWidth(dag, dag.numCpus)
        && maxWeightedAntichain(dag, new Float64Array(n).fill(1)) === bruteForceWidth(dag, new Float64Array(n).fill(1));
    }), { numRuns: 300 });
  t.pass();
});

test('property: PolyForest rerooted DP equals brute force while linking polytrees', (t) => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 11 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.nat()), { minLength: 1, maxLength: 12 }),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 11, maxLength: 11 }),
    (n, steps, ws) => {
      const w = ws.slice(0, n);
      const forest = new PolyForest([w]);
      const comp = Array.from({ length: n }, (_, i) => i);
      const edges: [number, number][] = [];
      const out = new Float64Array(3);
      for (const [a, b, dirAB, q] of steps) {
        const u = a % n;
        const v = b % n;
        if (comp[u] === comp[v]) continue;
        const cu = comp[u]!;
        const cv = comp[v]!;
        const su = comp.filter((c) => c === cu).length;
        const sv = comp.filter((c) => c === cv).length;
        const [tail, head] = dirAB ? [u, v] : [v, u];
        edges.push([tail, head]);
        if (su <= sv) forest.link(u, v, tail === u); else forest.link(v, u, tail === v);
        for (let i = 0; i < n; i++) if (comp[i] === cv) comp[i] = cu;
        // check a vertex of the new tree
        const members = comp.map((c, i) => (c === cu ? i : -1)).filter((i) => i >= 0);
        const x = members[q % members.length]!;
        forest.rerooted(x, 0, out);
        const idx = new Map(members.map((m, i) => [m, i]));
        const sub = makeDag(members.length, edges.filter(([s]) => idx.has(s)).map(([s, d]) => [idx.get(s)!, idx.get(d)!]),
          undefined, members.map((m) => w[m]!));
        const reach = reachability(sub);
        const xi = idx.get(x)!;
        const width = bruteForceWidth(sub, sub.numCpus);
        const noDown = sub.numCpus.map((c, i) => (i === xi || reach[xi]![i] ? 0 : c));
        const noUp = sub.numCpus.map((c, i) => (i === xi || reach[i]![xi] ? 0 : c));
        if (Math.max(out[0]!, out[1]!, out[2]!) !== width) return false;
        if (out[1] !== bruteForceWidth(sub, noDown)) return false;
        if (out[2] !== bruteForceWidth(sub, noUp)) return false;
      }
      return true;
    }), { numRuns: 300 });
  t.pass();
});

if (withShared) {
  test('metrics under a partition zero intra-partition edges and report workload', (t) => {
    const dag = dagFromDropSpecs(loadSpec('testLoop'));
    const one = scheduleMetrics(dag, { part: new Int32Array(dag.n) });
    t.is(one.dataMovement, 0);
    t.is(one.completionTime, 30);
    t.deepEqual(Array.from(one.workload!.drops), [dag.n]);
    t.is(one.workload!.compute[0], 30);
  });
}
