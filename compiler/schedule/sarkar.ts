// mysarkar (§5.6): Sarkar's edge zeroing with DoP caps, then the reference's reduction pass.
// Deterministic, and the same partitions as the reference (same edge order, same ids, same
// acceptance rule including its recorded-width quirk, Q38), but every DoP test is incremental
// (PolyForest) instead of enumerating antichains, and nothing is printed.
// Complexity: O(m log m) for the sort plus O((n + m) log n) amortised for the merges.

import { Clustering, edgeSources, edgesByWeight, type DopCaps } from './clustering.ts';
import { edgeWeights, type SchedulingDag } from './dag.ts';

export interface ClusterResult {
  /** Partition of every drop, 0..numParts-1. */
  part: Int32Array;
  numParts: number;
  /**
   * Edge weights (aligned with dag.targets) as the algorithm left them: an edge is 0 iff it
   * was zeroed when examined. The reference evaluates its metrics on this DAG (§5.3), so an
   * edge rejected before its ends were merged by a later step keeps its weight there.
   */
  edgeWeight: Float64Array;
}

/**
 * Zeroes edges heaviest first, merging clusters when the caps allow (§5.6 step 2); clears
 * the cost of every edge whose ends end up (or already are) in one cluster when examined.
 */
export function zeroEdges(c: Clustering, edges: Int32Array, src: Int32Array, cost: Float64Array): void {
  const targets = c.dag.targets;
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if (c.zeroEdge(src[e]!, targets[e]!)) cost[e] = 0;
  }
}

/**
 * The reference's reduction (§5.6 step 3): sort clusters by recorded num_cpus width (stable,
 * by id), then merge the first adjacent pair that fits and restart, without re-sorting.
 * Pairs before the merge point were not mergeable and are unchanged, so restarting one step
 * before it gives the same result in O(P) total instead of O(P^2).
 */
export function referenceReduction(c: Clustering): void {
  c.settleWidths();
  const roots = Array.from(c.roots());
  const rec = c.recorded[0]!;
  roots.sort((a, b) => rec[a]! - rec[b]!); // stable: ties keep id order
  // As a stack: the stack holds the walked prefix, where no adjacent pair fits.
  const stack = new Int32Array(roots.length);
  let top = 0;
  for (const r of roots) {
    let x = r;
    while (top > 0 && c.canMergeEdgeless(stack[top - 1]!, x)) x = c.mergeEdgeless(stack[--top]!, x);
    stack[top++] = x;
  }
}

/** mysarkar: a partition per drop; `numParts` clusters, each within the DoP caps. */
export function mysarkar(dag: SchedulingDag, caps: DopCaps): ClusterResult {
  const c = new Clustering(dag, caps);
  const cost = edgeWeights(dag);
  zeroEdges(c, edgesByWeight(dag, cost), edgeSources(dag), cost);
  referenceReduction(c);
  return { ...c.partition(), edgeWeight: cost };
}
