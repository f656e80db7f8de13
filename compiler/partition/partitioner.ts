// The partitioner's entry point: multilevel k-way or recursive bisection (the METIS
// method; no METIS build is published on npm). Deterministic: the same graph, k and options
// (seed included) give the same partition.

import { recursiveBisection } from './bisect.ts';
import { commVolume, edgeCut, type PartGraph } from './graph.ts';
import { multilevelKway } from './kway.ts';
import { Random } from '../schedule/random.ts';


export interface PartitionOptions {
  /** 0 = minimise edge cut, 1 = minimise total communication volume (k-way only). */
  minGoal?: 0 | 1;
  /** 0 = multilevel k-way, 1 = multilevel recursive bisection. */
  ptype?: 0 | 1;
  /** Allowed imbalance in thousandths: parts weigh at most (1000 + ufactor)/1000 of the mean. */
  ufactor?: number;
  seed?: number;
}

export interface GraphPartition {
  /** Part of every vertex, 0..k-1 (a part may be empty when the graph is tiny). */
  part: Int32Array;
  edgeCut: number;
  volume: number;
  /** edgeCut or volume, whichever min_goal chose (METIS's objval). */
  objective: number;
}

/**
 * Partitions g into k parts. O((n + m) · passes) for k-way, O((n + m) log k) for recursive
 * bisection; both with small constant factors (typed arrays, no per-vertex objects).
 */
export function partitionGraph(g: PartGraph, k: number, opts: PartitionOptions = {}): GraphPartition {
  const rnd = new Random(opts.seed ?? 1);
  const ub = 1 + Math.max(1, opts.ufactor ?? 30) / 1000;
  let part: Int32Array;
  if (k <= 1) part = new Int32Array(g.n);
  else if (opts.ptype === 1) {
    part = new Int32Array(g.n);
    recursiveBisection(g, k, ub, rnd, part);
  } else part = multilevelKway(g, k, { ub, volume: opts.minGoal === 1 }, rnd);
  const cut = edgeCut(g, part);
  const volume = commVolume(g, part, Math.max(k, 1));
  return { part, edgeCut: cut, volume, objective: opts.minGoal === 1 ? volume : cut };
}
