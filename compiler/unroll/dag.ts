// The scheduling DAG (compiler/schedule's SchedulingDag, §5.2) straight from the drop table,
// without emitting JSON: the same drops in the same order, the same distinct edges in DAG
// edge order (by source drop, then in the order the relationships were made). O(n + m).

import type { SchedulingDag } from '../schedule/dag.ts';
import { grpDataWeight } from './classes.ts';
import type { DropTable } from './table.ts';

export function dagOfTable(t: DropTable): SchedulingDag {
  const { n } = t;
  const isApp = new Uint8Array(n);
  const weight = new Float64Array(n);
  const numCpus = new Int32Array(n).fill(1);
  for (const b of t.blocks) {
    const end = b.start + b.count;
    if (b.kind === 'grpdata') {
      weight.fill(grpDataWeight(t.specs, t.props, b.node), b.start, end);
      continue;
    }
    const spec = t.specs[b.node]!;
    if (spec.isApp) {
      isApp.fill(1, b.start, end);
      numCpus.fill(spec.numCpus, b.start, end);
    }
    weight.fill(spec.weight, b.start, end);
  }
  const { out } = t;
  const offsets = new Int32Array(n + 1);
  const targets = new Int32Array(t.m);
  let k = 0;
  // Several relationships between one pair (different ports) are one DAG edge. A drop's
  // successors are few except for fan-outs, where a per-source marker keeps this linear.
  const lastSeen = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    offsets[v] = k;
    for (let i = out.offsets[v]; i < out.offsets[v + 1]; i++) {
      const d = t.dst[out.edges[i]];
      if (lastSeen[d] === v) continue;
      lastSeen[d] = v;
      targets[k++] = d;
    }
  }
  offsets[n] = k;
  return { n, isApp, weight, numCpus, offsets, targets: targets.slice(0, k) };
}
