// The undirected weighted graph the partitioner works on (METIS's CSR layout), how §5.5
// builds it from the scheduling DAG, and the quality measures of a partition.

import { edgeWeights, type SchedulingDag } from '../schedule/dag.ts';

export interface PartGraph {
  n: number;
  /** CSR offsets, length n+1. Every undirected edge appears in both endpoint lists. */
  xadj: Int32Array;
  adjncy: Int32Array;
  adjwgt: Float64Array;
  /** Vertex weight: what is balanced. */
  vwgt: Float64Array;
  /** Vertex size: what the communication volume counts. */
  vsize: Float64Array;
}

/**
 * §5.5 step 1: vertex weight = execution time for apps, 1 for data; vertex size = data volume
 * for data, 1 for apps; an edge links each producer/consumer pair with the data drop's volume
 * as weight (values ≤ 0 become 1). App→app edges use the DAG edge weight, symmetrically (the
 * reference passes METIS an asymmetric graph there). Every drop is a vertex whatever its
 * categoryType (Q22). O(n + m).
 */
export function graphFromDag(dag: SchedulingDag): PartGraph {
  const { n, offsets, targets, isApp, weight } = dag;
  const m = offsets[n]!;
  const ew = edgeWeights(dag);
  const deg = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) {
    deg[u + 1]! += offsets[u + 1]! - offsets[u]!;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) deg[targets[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) deg[i + 1]! += deg[i]!;
  const xadj = deg;
  const fill = xadj.slice(0, n);
  const adjncy = new Int32Array(2 * m);
  const adjwgt = new Float64Array(2 * m);
  for (let u = 0; u < n; u++) {
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const v = targets[e]!;
      const w = ew[e]! > 0 ? ew[e]! : 1;
      let p = fill[u]!++;
      adjncy[p] = v;
      adjwgt[p] = w;
      p = fill[v]!++;
      adjncy[p] = u;
      adjwgt[p] = w;
    }
  }
  const vwgt = new Float64Array(n);
  const vsize = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (isApp[i]) { vwgt[i] = weight[i]!; vsize[i] = 1; } else { vwgt[i] = 1; vsize[i] = weight[i]! > 0 ? weight[i]! : 1; }
  }
  return { n, xadj, adjncy, adjwgt, vwgt, vsize };
}

/** Sum of the weights of edges whose ends are in different parts (each edge once). O(m). */
export function edgeCut(g: PartGraph, part: Int32Array): number {
  let cut = 0;
  for (let v = 0; v < g.n; v++) {
    const pv = part[v]!;
    for (let j = g.xadj[v]!; j < g.xadj[v + 1]!; j++) if (part[g.adjncy[j]!] !== pv) cut += g.adjwgt[j]!;
  }
  return cut / 2;
}

/**
 * Total communication volume (METIS's definition): every vertex counts its size once for
 * each other part among its neighbours. O(m).
 */
export function commVolume(g: PartGraph, part: Int32Array, k: number): number {
  const mark = new Int32Array(k).fill(-1);
  let vol = 0;
  for (let v = 0; v < g.n; v++) {
    const pv = part[v]!;
    mark[pv] = v;
    for (let j = g.xadj[v]!; j < g.xadj[v + 1]!; j++) {
      const p = part[g.adjncy[j]!]!;
      if (mark[p] !== v) { mark[p] = v; vol += g.vsize[v]!; }
    }
  }
  return vol;
}

export function partWeights(g: PartGraph, part: Int32Array, k: number): Float64Array {
  const w = new Float64Array(k);
  for (let v = 0; v < g.n; v++) w[part[v]!]! += g.vwgt[v]!;
  return w;
}

export function totalWeight(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]!;
  return s;
}

/** max part weight / (total / k): 1 is perfect balance; METIS's ufactor allows 1 + ufactor/1000. */
export function imbalance(g: PartGraph, part: Int32Array, k: number): number {
  const w = partWeights(g, part, k);
  const total = totalWeight(w);
  if (total === 0) return 1;
  let max = 0;
  for (let i = 0; i < k; i++) if (w[i]! > max) max = w[i]!;
  return max / (total / k);
}

/**
 * The quotient graph of a partition (P vertices): vertex weight and size are sums, edge
 * weights between two parts are summed over both directions, and intra-part edges vanish
 * (Q11). O(n + m).
 */
export function quotientGraph(g: PartGraph, part: Int32Array, P: number): PartGraph {
  const members = bucketByPart(part, P);
  const vwgt = new Float64Array(P);
  const vsize = new Float64Array(P);
  for (let v = 0; v < g.n; v++) { vwgt[part[v]!]! += g.vwgt[v]!; vsize[part[v]!]! += g.vsize[v]!; }
  const xadj = new Int32Array(P + 1);
  const adjncy: number[] = [];
  const adjwgt: number[] = [];
  const slot = new Int32Array(P).fill(-1);
  for (let p = 0; p < P; p++) {
    const start = adjncy.length;
    for (let i = members.offsets[p]!; i < members.offsets[p + 1]!; i++) {
      const v = members.items[i]!;
      for (let j = g.xadj[v]!; j < g.xadj[v + 1]!; j++) {
        const q = part[g.adjncy[j]!]!;
        if (q === p) continue;
        if (slot[q]! < 0) { slot[q] = adjncy.length; adjncy.push(q); adjwgt.push(g.adjwgt[j]!); } else adjwgt[slot[q]!]! += g.adjwgt[j]!;
      }
    }
    for (let i = start; i < adjncy.length; i++) slot[adjncy[i]!] = -1;
    xadj[p + 1] = adjncy.length;
  }
  return { n: P, xadj, adjncy: Int32Array.from(adjncy), adjwgt: Float64Array.from(adjwgt), vwgt, vsize };
}

/** Vertices grouped by part (counting sort), ascending within a part. O(n + P). */
export function bucketByPart(part: Int32Array, P: number): { offsets: Int32Array; items: Int32Array } {
  const offsets = new Int32Array(P + 1);
  for (let v = 0; v < part.length; v++) offsets[part[v]! + 1]!++;
  for (let p = 0; p < P; p++) offsets[p + 1]! += offsets[p]!;
  const fill = offsets.slice(0, P);
  const items = new Int32Array(part.length);
  for (let v = 0; v < part.length; v++) items[fill[part[v]!]!++] = v;
  return { offsets, items };
}

/**
 * The subgraph induced by the vertices with part[v] === side, and the map from its vertices
 * to g's. Edges leaving the side are dropped. O(n + m).
 */
export function inducedSubgraph(g: PartGraph, part: Int32Array | Uint8Array, side: number): { sub: PartGraph; ids: Int32Array } {
  const local = new Int32Array(g.n);
  let n = 0;
  let m = 0;
  for (let v = 0; v < g.n; v++) {
    if (part[v] !== side) { local[v] = -1; continue; }
    local[v] = n++;
    for (let j = g.xadj[v]!; j < g.xadj[v + 1]!; j++) if (part[g.adjncy[j]!] === side) m++;
  }
  const ids = new Int32Array(n);
  const xadj = new Int32Array(n + 1);
  const adjncy = new Int32Array(m);
  const adjwgt = new Float64Array(m);
  const vwgt = new Float64Array(n);
  const vsize = new Float64Array(n);
  let k = 0;
  for (let v = 0; v < g.n; v++) {
    const lv = local[v]!;
    if (lv < 0) continue;
    ids[lv] = v;
    vwgt[lv] = g.vwgt[v]!;
    vsize[lv] = g.vsize[v]!;
    for (let j = g.xadj[v]!; j < g.xadj[v + 1]!; j++) {
      const lu = local[g.adjncy[j]!]!;
      if (lu >= 0) { adjncy[k] = lu; adjwgt[k++] = g.adjwgt[j]!; }
    }
    xadj[lv + 1] = k;
  }
  return { sub: { n, xadj, adjncy, adjwgt, vwgt, vsize }, ids };
}
