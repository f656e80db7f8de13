// min_num_parts (§5.7, the documented objective; the reference only aliases mysarkar, Q38):
// the fewest partitions such that the completion time stays within a deadline and every
// partition's DoP within the caps.
//
// Merging never lengthens the completion time here (a partition's DoP is within its CPUs,
// so tasks never queue, and merging only zeroes edges); the trade-off is which merges use
// up a partition's DoP headroom. A candidate solution, for a prefix length k:
//   1. the k heaviest edges are zeroed as mysarkar does (time-greedy: heavy edges first,
//      whatever DoP headroom they consume);
//   2. every other edge is zeroed only when the merge costs no headroom (the union is no
//      wider than the wider cluster: chains and pipelines fold in for free);
//   3. clusters are packed first-fit-decreasing by DoP (partition-count greedy).
// k = all edges is the fastest candidate (time T_fast). The allowed completion time is
//   with a deadline: T_fast + (deadline - T_fast) · (1 - time_greedy/100)
//   without:         T_fast · (2 - time_greedy/100)
// so time_greedy = 100 keeps mysarkar's completion time and smaller values trade time for
// fewer partitions. A binary search finds the shortest prefix whose completion time fits
// (completion time falls as k grows), and the fewest partitions among the candidates seen
// wins. If even T_fast misses the deadline, the fastest candidate is returned with a warning.
// Complexity: O(log m) candidates, each O((n + m) log n).

import { CODES, warning, type Diagnostic } from '../../kernel/diagnostics.ts';
import { Clustering, zeroingSetup, type DopCaps } from './clustering.ts';
import type { SchedulingDag } from './dag.ts';
import { longestPath, partitionedEdgeWeights } from './metrics.ts';
import type { ClusterResult } from './sarkar.ts';

export interface MinPartsOptions extends DopCaps {
  deadline: number | null;
  /** 1..100 */
  timeGreedy: number;
}

interface Candidate extends ClusterResult {
  time: number;
}

const SEARCH_STEPS = 12;

export function minNumParts(dag: SchedulingDag, opts: MinPartsOptions, diagnostics: Diagnostic[] = []): ClusterResult {
  const { ew, edges, src, order, vw, m } = zeroingSetup(dag);

  const solve = (k: number): Candidate => {
    const c = new Clustering(dag, opts, true);
    const cost = Float64Array.from(ew);
    for (let i = 0; i < m; i++) {
      const e = edges[i]!;
      if (c.zeroEdge(src[e]!, dag.targets[e]!, i >= k)) cost[e] = 0;
    }
    c.packByWidth();
    const result = c.partition();
    const physical = partitionedEdgeWeights(dag, result.part, ew);
    const time = longestPath(dag, physical, vw, order)!.completionTime;
    return { ...result, edgeWeight: physical, time };
  };

  const fast = solve(m);
  if (opts.deadline !== null && fast.time > opts.deadline) {
    diagnostics.push(warning(CODES.DEADLINE_NOT_MET,
      `min_num_parts: no partitioning meets the deadline ${opts.deadline} (the fastest found completes at ${fast.time}); using the fastest`,
      { field: 'deadline' }));
    return strip(fast);
  }
  const slack = 1 - opts.timeGreedy / 100;
  const allowed = opts.deadline !== null ? fast.time + (opts.deadline - fast.time) * slack : fast.time * (1 + slack);
  let best = fast;
  const consider = (c: Candidate) => {
    if (c.time <= allowed && (c.numParts < best.numParts || (c.numParts === best.numParts && c.time < best.time))) best = c;
  };
  let lo = 0;
  let hi = m;
  for (let step = 0; step < SEARCH_STEPS && lo < hi; step++) {
    const mid = (lo + hi) >> 1;
    const c = solve(mid);
    consider(c);
    if (c.time <= allowed) hi = mid; else lo = mid + 1;
  }
  if (lo < m) consider(solve(lo));
  return strip(best);
}

function strip(c: Candidate): ClusterResult {
  return { part: c.part, numParts: c.numParts, edgeWeight: c.edgeWeight };
}
