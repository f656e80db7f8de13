// When every drop runs under a placement (the reference's label_schedule, §5.3): a drop starts
// when its last producer has ended plus the time to move the data between them (zero inside a
// partition), and runs for its execution time. Lanes then pack each partition's drops into
// parallel slots, as the rows of a Gantt chart or of the reference's schedule matrices.

import { edgeWeights, predecessors, timeWeights, topologicalOrder, type SchedulingDag } from './dag.ts';
import { longestPath, partitionedEdgeWeights } from './metrics.ts';

export interface Timeline {
  start: Float64Array;
  end: Float64Array;
  /** the latest end: the completion time with data movement */
  makespan: number;
  /** a topological order of the drops */
  order: Int32Array;
  /** the critical path, source first */
  critical: Int32Array;
}

/** Start and end times of every drop. O(n + m). Undefined for a cyclic graph. */
export function timeline(dag: SchedulingDag, part?: Int32Array): Timeline | undefined {
  const order = topologicalOrder(dag);
  if (!order) return undefined;
  const ew = part ? partitionedEdgeWeights(dag, part, edgeWeights(dag)) : edgeWeights(dag);
  const tw = timeWeights(dag);
  const pred = predecessors(dag);
  const start = new Float64Array(dag.n);
  const end = new Float64Array(dag.n);
  let makespan = 0;
  for (let k = 0; k < dag.n; k++) {
    const v = order[k]!;
    let s = 0;
    for (let p = pred.offsets[v]!; p < pred.offsets[v + 1]!; p++) {
      const t = end[pred.sources[p]!]! + ew[pred.edge[p]!]!;
      if (t > s) s = t;
    }
    start[v] = s;
    end[v] = s + tw[v]!;
    if (end[v]! > makespan) makespan = end[v]!;
  }
  const lp = longestPath(dag, ew, tw, order);
  return { start, end, makespan, order, critical: lp?.path ?? new Int32Array(0) };
}

/** Binary min-heap of (time, lane) pairs, for the lanes of one partition. */
class LaneHeap {
  private time: number[] = [];
  private lane: number[] = [];

  get size(): number {
    return this.time.length;
  }

  peekTime(): number {
    return this.time[0]!;
  }

  push(t: number, l: number): void {
    const { time, lane } = this;
    let i = time.length;
    time.push(t);
    lane.push(l);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p]! < t || (time[p] === t && lane[p]! < l)) break;
      time[i] = time[p]!;
      lane[i] = lane[p]!;
      i = p;
    }
    time[i] = t;
    lane[i] = l;
  }

  pop(): number {
    const { time, lane } = this;
    const top = lane[0]!;
    const t = time.pop()!;
    const l = lane.pop()!;
    const n = time.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (time[c + 1]! < time[c]! || (time[c + 1] === time[c] && lane[c + 1]! < lane[c]!))) c++;
        if (time[c]! > t || (time[c] === t && lane[c]! > l)) break;
        time[i] = time[c]!;
        lane[i] = lane[c]!;
        i = c;
      }
      time[i] = t;
      lane[i] = l;
    }
    return top;
  }
}

export interface Lanes {
  /** lane of every drop within its partition; -1 for drops that take no time */
  lane: Int32Array;
  /** lanes used per partition */
  count: Int32Array;
}

/**
 * Packs each partition's timed drops into lanes: by start time, a drop takes the lane that
 * has been free the longest, else a new one. O(n log n).
 */
export function packLanes(tl: Timeline, part: Int32Array | undefined, numParts: number): Lanes {
  const n = tl.start.length;
  const lane = new Int32Array(n).fill(-1);
  const timed: number[] = [];
  for (let i = 0; i < n; i++) if (tl.end[i]! > tl.start[i]!) timed.push(i);
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[tl.order[k]!] = k;
  timed.sort((a, b) => tl.start[a]! - tl.start[b]! || rank[a]! - rank[b]!);
  const P = Math.max(1, numParts);
  const heaps = Array.from({ length: P }, () => new LaneHeap());
  const count = new Int32Array(P);
  for (const i of timed) {
    const p = part ? part[i]! : 0;
    const h = heaps[p]!;
    const l = h.size > 0 && h.peekTime() <= tl.start[i]! ? h.pop() : count[p]!++;
    lane[i] = l;
    h.push(tl.end[i]!, l);
  }
  return { lane, count };
}
