// Scheduling metrics (reference §5.3) of a DAG, optionally under a partition: an edge whose
// ends share a partition moves no data, so its weight counts 0.

import { maxWeightedAntichain } from './antichain.ts';
import {
  edgeCount, edgeWeights, predecessors, timeWeights, topologicalOrder, type SchedulingDag,
} from './dag.ts';

export interface LongestPath {
  /** Completion time including data movement: max over paths of vertex + edge weights. */
  completionTime: number;
  /** Pure compute time: the sum of execution times along that path. */
  computeTime: number;
  /** The path, source first. */
  path: Int32Array;
}

/**
 * Longest path with vertex weights `vw` and edge weights `ew` (aligned with dag.targets).
 * Unlike the reference (Q39) a source's own weight always counts, so one isolated app of
 * weight 5 has completion time 5. Ties pick the predecessor with the highest index, as the
 * reference's lexicographic (length, vertex) maximum does, so computeTime matches it.
 * O(n + m). Returns undefined for a cyclic graph.
 */
export function longestPath(
  dag: SchedulingDag, ew: Float64Array = edgeWeights(dag), vw: Float64Array = timeWeights(dag),
  order: Int32Array | undefined = topologicalOrder(dag),
): LongestPath | undefined {
  const { n } = dag;
  if (!order) return undefined;
  if (n === 0) return { completionTime: 0, computeTime: 0, path: new Int32Array(0) };
  const pred = predecessors(dag);
  const dist = new Float64Array(n);
  const from = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const v = order[k]!;
    let best = 0;
    let arg = -1;
    for (let p = pred.offsets[v]!; p < pred.offsets[v + 1]!; p++) {
      const u = pred.sources[p]!;
      const d = dist[u]! + ew[pred.edge[p]!]!;
      if (arg < 0 || d > best || (d === best && u > arg)) { best = d; arg = u; }
    }
    dist[v] = vw[v]! + (arg < 0 ? 0 : Math.max(0, best));
    from[v] = arg;
  }
  let end = order[0]!;
  for (let k = 1; k < n; k++) {
    const v = order[k]!;
    const dv = dist[v]!;
    const de = dist[end]!;
    if (dv > de || (dv === de && (from[v]! < 0 ? v : from[v]!) > (from[end]! < 0 ? end : from[end]!))) end = v;
  }
  let len = 0;
  for (let v = end; v >= 0; v = from[v]!) len++;
  const path = new Int32Array(len);
  let compute = 0;
  for (let v = end, i = len - 1; v >= 0; v = from[v]!, i--) { path[i] = v; compute += vw[v]!; }
  return { completionTime: dist[end]!, computeTime: compute, path };
}

/** Edge weights with every intra-partition edge zeroed. O(m). */
export function partitionedEdgeWeights(dag: SchedulingDag, part: Int32Array, ew = edgeWeights(dag)): Float64Array {
  const { n, offsets, targets } = dag;
  const out = new Float64Array(ew.length);
  for (let u = 0; u < n; u++) {
    const pu = part[u]!;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) out[e] = part[targets[e]!] === pu ? 0 : ew[e]!;
  }
  return out;
}

/** Sum of edge weights (total data movement). O(m). */
export function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

export interface PartitionWorkload {
  /** Drops per partition. */
  drops: Int32Array;
  /** Sum of app execution times per partition. */
  compute: Float64Array;
  /** Sum of data volumes per partition. */
  data: Float64Array;
}

/** Per-partition workload. O(n). */
export function partitionWorkload(dag: SchedulingDag, part: Int32Array, numParts: number): PartitionWorkload {
  const drops = new Int32Array(numParts);
  const compute = new Float64Array(numParts);
  const data = new Float64Array(numParts);
  for (let i = 0; i < dag.n; i++) {
    const p = part[i]!;
    drops[p]!++;
    if (dag.isApp[i]) compute[p]! += dag.weight[i]!;
    else data[p]! += dag.weight[i]!;
  }
  return { drops, compute, data };
}

export interface ScheduleMetrics {
  drops: number;
  edges: number;
  /** Completion time including data movement (the reference's exec_time). */
  completionTime: number;
  /** Compute time along the critical path (the reference's min_exec_time). */
  computeTime: number;
  /** Sum of the weights of edges that cross partitions (all edges when unpartitioned). */
  dataMovement: number;
  /** Maximum degree of parallelism: max antichain weighted by num_cpus (data drops count 1). */
  maxDop: number;
  partitions: number;
  islands: number;
  workload?: PartitionWorkload;
}

export interface MetricsOptions {
  part?: Int32Array;
  numParts?: number;
  islandOf?: Int32Array;
  /** Edge weights to use instead of the partition's (e.g. an algorithm's zeroed edges). */
  edgeWeight?: Float64Array;
  /** Skip the exact DoP (a max-flow) when only the times are wanted. */
  dop?: boolean;
}

/** All §5.3 metrics; O(n + m) plus the DoP max flow. */
export function scheduleMetrics(dag: SchedulingDag, opts: MetricsOptions = {}): ScheduleMetrics {
  const order = topologicalOrder(dag);
  let ew = edgeWeights(dag);
  let numParts = 1;
  if (opts.part) {
    ew = partitionedEdgeWeights(dag, opts.part, ew);
    numParts = opts.numParts ?? countParts(opts.part);
  }
  if (opts.edgeWeight) ew = opts.edgeWeight;
  const lp = longestPath(dag, ew, timeWeights(dag), order);
  let islands = 1;
  if (opts.islandOf) islands = countParts(opts.islandOf);
  const m: ScheduleMetrics = {
    drops: dag.n,
    edges: edgeCount(dag),
    completionTime: lp ? lp.completionTime : NaN,
    computeTime: lp ? lp.computeTime : NaN,
    dataMovement: sum(ew),
    maxDop: opts.dop === false ? NaN : maxWeightedAntichain(dag),
    partitions: dag.n === 0 ? 0 : numParts,
    islands: dag.n === 0 ? 0 : islands,
  };
  if (opts.part) m.workload = partitionWorkload(dag, opts.part, numParts);
  return m;
}

/** 1 + the largest id (ids are contiguous in everything this package returns). */
export function countParts(part: Int32Array): number {
  let max = -1;
  for (let i = 0; i < part.length; i++) if (part[i]! > max) max = part[i]!;
  return max + 1;
}
