// The schedule behind the Gantt chart and the schedule matrices: start/end times respect
// every dependency with its data movement, the makespan is the longest path, and lanes never
// hold two drops at once while using no more lanes than drops ever run together.

import test from 'ava';
import fc from 'fast-check';
import { edgeWeights, timeWeights } from '../../compiler/schedule/dag.ts';
import { longestPath, partitionedEdgeWeights } from '../../compiler/schedule/metrics.ts';
import { randomDag } from '../../compiler/schedule/synthetic.ts';
import { packLanes, timeline } from '../../compiler/schedule/timeline.ts';

test('timeline and lanes on random DAGs and partitions (property)', (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 5 }), (n, seed, P) => {
    const dag = randomDag(n, seed);
    const part = Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % P);
    const tl = timeline(dag, part)!;
    const ew = partitionedEdgeWeights(dag, part, edgeWeights(dag));
    const tw = timeWeights(dag);
    for (let u = 0; u < n; u++) {
      if (tl.end[u] !== tl.start[u]! + tw[u]!) return false;
      for (let e = dag.offsets[u]!; e < dag.offsets[u + 1]!; e++) if (tl.start[dag.targets[e]!]! < tl.end[u]! + ew[e]!) return false;
    }
    if (tl.makespan !== longestPath(dag, ew, tw)!.completionTime) return false;
    const lanes = packLanes(tl, part, P);
    for (let p = 0; p < P; p++) {
      const timed = [...Array(n).keys()].filter((i) => part[i] === p && tl.end[i]! > tl.start[i]!);
      // no overlap within a lane
      for (const a of timed) for (const b of timed) {
        if (a < b && lanes.lane[a] === lanes.lane[b] && tl.start[a]! < tl.end[b]! && tl.start[b]! < tl.end[a]!) return false;
      }
      // as many lanes as drops ever overlap (greedy by start time is optimal on intervals)
      const events = timed.flatMap((i) => [[tl.start[i]!, 1], [tl.end[i]!, -1]] as [number, number][]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      let now = 0;
      let most = 0;
      for (const [, d] of events) most = Math.max(most, (now += d));
      if (lanes.count[p] !== most) return false;
    }
    return [...Array(n).keys()].every((i) => (lanes.lane[i] === -1) === (tl.end[i] === tl.start[i]));
  }), { numRuns: 150 });
  t.pass();
});

test('a cyclic graph has no timeline', (t) => {
  const dag = { n: 2, isApp: new Uint8Array([1, 0]), weight: new Float64Array([1, 1]), numCpus: new Int32Array([1, 1]), offsets: new Int32Array([0, 1, 2]), targets: new Int32Array([1, 0]) };
  t.is(timeline(dag), undefined);
});
