// Edge-zeroing clustering under DoP caps: the state shared by mysarkar, min_num_parts and
// pso (§5.6–§5.8). A cluster (partition) is a union-find set of drops whose private DAG is
// the forest of edges that merged it, exactly as the reference keeps it; its width per cap
// attribute (num_cpus, mem_usage) is kept exact through PolyForest.

import { PolyForest } from './polyforest.ts';
import { edgeWeights, referenceVertexOrder, timeWeights, topologicalOrder, type SchedulingDag } from './dag.ts';

export interface DopCaps {
  /** Cap on the num_cpus-weighted DoP of a partition (max_cpu). null counts as 1. */
  maxCpu: number | null;
  /** Cap on the unweighted DoP, every drop using 1 unit of memory (max_mem). null counts as 1. */
  maxMem: number | null;
}

export class Clustering {
  readonly dag: SchedulingDag;
  readonly caps: number[];
  /** Position of each drop in the reference's vertex order: a cluster's id is its minimum. */
  readonly pos: Int32Array;
  private readonly forest: PolyForest;
  private readonly uf: Int32Array;
  private readonly size: Int32Array;
  /** rank: per root, its minimum pos */
  readonly minPos: Int32Array;
  /** Width per attribute per root: an upper bound, exact after settleWidths(). */
  readonly width: Float64Array[];
  /** The width the reference records (§5.6, Q38: the cap after any merge). */
  readonly recorded: Float64Array[];
  private readonly dp = new Float64Array(3);
  /** Record actual widths instead of the reference's caps (our own algorithms). */
  private readonly recordActual: boolean;

  constructor(dag: SchedulingDag, caps: DopCaps, recordActual = false) {
    this.dag = dag;
    this.recordActual = recordActual;
    const n = dag.n;
    const cpuCap = caps.maxCpu ?? 1;
    const memCap = caps.maxMem ?? 1;
    let minCpu = Infinity;
    let maxCpu = 0;
    for (let i = 0; i < n; i++) {
      minCpu = Math.min(minCpu, dag.numCpus[i]!);
      maxCpu = Math.max(maxCpu, dag.numCpus[i]!);
    }
    // The unit-weight (memory) width never exceeds the num_cpus width when every drop uses at
    // least one CPU, so the memory cap can only bind when it is below the CPU bound.
    const memBinds = !(minCpu >= 1 && memCap >= Math.max(cpuCap, maxCpu));
    const weights: ArrayLike<number>[] = [dag.numCpus];
    this.caps = [cpuCap];
    if (memBinds) { weights.push(new Float64Array(n).fill(1)); this.caps.push(memCap); }
    this.forest = new PolyForest(weights);
    this.uf = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    this.width = weights.map((w) => Float64Array.from(w));
    this.recorded = weights.map((w) => Float64Array.from(w));
    const order = referenceVertexOrder(dag);
    this.pos = new Int32Array(n);
    for (let k = 0; k < n; k++) this.pos[order[k]!] = k;
    this.minPos = Int32Array.from(this.pos);
    for (let i = 0; i < n; i++) this.uf[i] = i;
  }

  find(x: number): number {
    const uf = this.uf;
    let r = x;
    while (uf[r] !== r) r = uf[r]!;
    while (uf[x] !== r) { const nx = uf[x]!; uf[x] = r; x = nx; }
    return r;
  }

  /**
   * Tries to zero the DAG edge u→v by merging the clusters of u and v (§5.6 step 2): accepted
   * iff the width of A ∪ B + (u→v) is at most max(cap, recorded width of the higher-id one)
   * for every attribute; with `widthNeutral`, also at most the wider of A and B (a merge
   * that costs no parallelism headroom). Returns true when u and v end up in one cluster.
   * O(log n) amortised (O(1) when the sum of the widths already fits).
   */
  zeroEdge(u: number, v: number, widthNeutral = false): boolean {
    const A = this.find(u);
    const B = this.find(v);
    if (A === B) return true;
    const hi = this.minPos[A]! < this.minPos[B]! ? B : A;
    const k = this.caps.length;
    const newWidth = this.scratchWidth;
    for (let a = 0; a < k; a++) {
      let limit = Math.max(this.caps[a]!, this.recorded[a]![hi]!);
      const wa = this.width[a]!;
      if (!widthNeutral && wa[A]! + wa[B]! <= limit) { newWidth[a] = wa[A]! + wa[B]!; continue; }
      this.forest.rerooted(u, a, this.dp);
      const WA = Math.max(this.dp[0]!, this.dp[1]!, this.dp[2]!);
      const YA = this.dp[2]!;
      this.forest.rerooted(v, a, this.dp);
      const WB = Math.max(this.dp[0]!, this.dp[1]!, this.dp[2]!);
      const XB = this.dp[1]!;
      const W = Math.max(WA + XB, YA + WB);
      if (widthNeutral) limit = Math.min(limit, Math.max(WA, WB));
      if (W > limit) {
        wa[A] = WA; // tighter bounds for the next quick test
        wa[B] = WB;
        return false;
      }
      newWidth[a] = W;
    }
    if (this.size[A]! <= this.size[B]!) this.forest.link(u, v, true);
    else this.forest.link(v, u, false);
    this.union(A, B, hi, newWidth);
    return true;
  }

  private readonly scratchWidth = new Float64Array(2);

  private union(A: number, B: number, hi: number, newWidth: Float64Array): void {
    const [big, small] = this.size[A]! >= this.size[B]! ? [A, B] : [B, A];
    this.uf[small] = big;
    this.size[big]! += this.size[small]!;
    this.minPos[big] = Math.min(this.minPos[A]!, this.minPos[B]!);
    for (let a = 0; a < this.caps.length; a++) {
      this.width[a]![big] = newWidth[a]!;
      this.recorded[a]![big] = this.recordActual ? newWidth[a]! : Math.max(this.caps[a]!, this.recorded[a]![hi]!);
    }
  }

  /** Exact width of a single-tree cluster (before any edgeless merge). O(log n) amortised. */
  exactWidth(root: number, a: number): number {
    this.forest.rerooted(root, a, this.dp);
    return Math.max(this.dp[0]!, this.dp[1]!, this.dp[2]!);
  }

  /** Makes every cluster's width exact (before reductions, which add widths). O(n log n). */
  settleWidths(): void {
    for (let x = 0; x < this.dag.n; x++) {
      if (this.uf[x] !== x) continue;
      for (let a = 0; a < this.caps.length; a++) this.width[a]![x] = this.exactWidth(x, a);
    }
  }

  /** Merges two clusters without an edge (their forests stay apart, widths add). */
  mergeEdgeless(A: number, B: number): number {
    const hi = this.minPos[A]! < this.minPos[B]! ? B : A;
    const w = this.scratchWidth;
    for (let a = 0; a < this.caps.length; a++) w[a] = this.width[a]![A]! + this.width[a]![B]!;
    this.union(A, B, hi, w);
    return this.find(A);
  }

  /** Whether an edgeless merge fits (§5.6 step 3 test). */
  canMergeEdgeless(A: number, B: number): boolean {
    const hi = this.minPos[A]! < this.minPos[B]! ? B : A;
    for (let a = 0; a < this.caps.length; a++) {
      const limit = Math.max(this.caps[a]!, this.recorded[a]![hi]!);
      if (this.width[a]![A]! + this.width[a]![B]! > limit) return false;
    }
    return true;
  }

  /**
   * First-fit-decreasing packing of whole clusters into as few as the caps allow (widths of
   * edgeless unions add). Clusters wider than a cap (one oversized drop) stay alone.
   * O(P log P) with a max segment tree over the bins' free num_cpus width.
   */
  packByWidth(): void {
    this.settleWidths();
    const roots = Array.from(this.roots());
    const k = this.caps.length;
    const w0 = this.width[0]!;
    roots.sort((a, b) => w0[b]! - w0[a]! || this.minPos[a]! - this.minPos[b]!);
    const P = roots.length;
    let size = 1;
    while (size < P) size *= 2;
    const free = new Float64Array(2 * size).fill(-Infinity); // free cpu width per bin, max tree
    const bins: number[] = []; // cluster root of each bin
    const set = (i: number, x: number) => {
      let p = size + i;
      free[p] = x;
      for (p >>= 1; p >= 1; p >>= 1) free[p] = Math.max(free[2 * p]!, free[2 * p + 1]!);
    };
    // first bin index >= from whose free cpu width is >= need, or -1
    const firstFit = (need: number, from: number): number => {
      const walk = (p: number, lo: number, hi: number): number => {
        if (hi < from || free[p]! < need) return -1;
        if (lo === hi) return lo;
        const mid = (lo + hi) >> 1;
        const l = walk(2 * p, lo, mid);
        return l >= 0 ? l : walk(2 * p + 1, mid + 1, hi);
      };
      return walk(1, 0, size - 1);
    };
    for (const r of roots) {
      let placed = false;
      for (let b = firstFit(w0[r]!, 0); b >= 0; b = firstFit(w0[r]!, b + 1)) {
        const root = this.find(bins[b]!);
        let fits = true;
        for (let a = 0; a < k && fits; a++) fits = this.width[a]![root]! + this.width[a]![r]! <= this.caps[a]!;
        if (!fits) continue;
        const merged = this.mergeEdgeless(root, r);
        bins[b] = merged;
        set(b, this.caps[0]! - w0[merged]!);
        placed = true;
        break;
      }
      if (!placed) {
        bins.push(r);
        set(bins.length - 1, this.caps[0]! - w0[r]!);
      }
    }
  }

  /** Cluster roots ordered by id (minimum reference position). O(n). */
  roots(): Int32Array {
    const n = this.dag.n;
    const byPos = new Int32Array(n).fill(-1);
    for (let x = 0; x < n; x++) if (this.uf[x] === x) byPos[this.minPos[x]!] = x;
    let k = 0;
    for (let p = 0; p < n; p++) if (byPos[p]! >= 0) byPos[k++] = byPos[p]!;
    return byPos.slice(0, k);
  }

  /** The partition of every drop, numbered by cluster id (contiguous 0..P-1). O(n). */
  partition(): { part: Int32Array; numParts: number } {
    const roots = this.roots();
    const idOf = new Int32Array(this.dag.n);
    for (let i = 0; i < roots.length; i++) idOf[roots[i]!] = i;
    const part = new Int32Array(this.dag.n);
    for (let x = 0; x < this.dag.n; x++) part[x] = idOf[this.find(x)]!;
    return { part, numParts: roots.length };
  }
}

/**
 * DAG edges sorted by weight, heaviest first; ties keep the reference's edge order (sources
 * in its vertex order, then successor insertion order). O(m log m).
 */
export function edgesByWeight(dag: SchedulingDag, ew: Float64Array = edgeWeights(dag)): Int32Array {
  const { n, offsets } = dag;
  const order = referenceVertexOrder(dag);
  const m = offsets[n]!;
  const rank = new Int32Array(m);
  const edges = new Int32Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const u = order[i]!;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) { rank[e] = k; edges[k++] = e; }
  }
  edges.sort((a, b) => (ew[b]! - ew[a]!) || (rank[a]! - rank[b]!));
  return edges;
}

/** Source drop of each edge (CSR row index). O(n + m). */
export function edgeSources(dag: SchedulingDag): Int32Array {
  const src = new Int32Array(dag.offsets[dag.n]!);
  for (let u = 0; u < dag.n; u++) src.fill(u, dag.offsets[u]!, dag.offsets[u + 1]!);
  return src;
}

/** What the edge-zeroing searches (min_num_parts, pso) start from; O(m log m). */
export interface ZeroingSetup {
  /** edge weights */
  ew: Float64Array;
  /** edge ids, heaviest first (edgesByWeight) */
  edges: Int32Array;
  /** source drop of each edge */
  src: Int32Array;
  order: Int32Array | undefined;
  /** vertex time weights */
  vw: Float64Array;
  m: number;
}

export function zeroingSetup(dag: SchedulingDag): ZeroingSetup {
  const ew = edgeWeights(dag);
  const edges = edgesByWeight(dag, ew);
  return { ew, edges, src: edgeSources(dag), order: topologicalOrder(dag), vw: timeWeights(dag), m: edges.length };
}
