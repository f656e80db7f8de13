// Coarsening (Karypis & Kumar): sorted heavy-edge matching, then 2-hop matching of the
// vertices left over (leaves of a scatter share their hub but not an edge, and plain
// heavy-edge matching would stall on the star shapes DALiuGE graphs are full of), then
// contraction. Each level is O(n + m); levels shrink geometrically.

import type { PartGraph } from './graph.ts';
import type { Random } from '../schedule/random.ts';

export interface Hierarchy {
  /** graphs[0] is the input, graphs[last] the coarsest. */
  graphs: PartGraph[];
  /** cmaps[i] maps vertices of graphs[i] to vertices of graphs[i+1]. */
  cmaps: Int32Array[];
}

/** A level stalls when it keeps more than this fraction of the vertices. */
const STALL = 0.9;
/** 2-hop matching starts when more than this fraction is unmatched. */
const UNMATCHED_FOR_2HOP = 0.1;
/** Vertices shuffled together when choosing the matching order (see visitOrder). */
const SHUFFLE_BLOCK = 4096;
/** Vertices of larger degree are not paired through a common neighbour. */
const TWO_HOP_MAX_DEGREE = 64;

/**
 * Scratch for contraction, sized for the largest graph it will see and reused: coarse
 * adjacency is built here (pages already mapped) and then copied to exact size; `slot`
 * is all -1 between uses.
 */
export class CoarsenWorkspace {
  adjncy: Int32Array;
  adjwgt: Float64Array;
  slot: Int32Array;
  perm: Int32Array;
  order: Int32Array;
  constructor(n: number, m: number) {
    this.adjncy = new Int32Array(m);
    this.adjwgt = new Float64Array(m);
    this.slot = new Int32Array(n).fill(-1);
    this.perm = new Int32Array(n);
    this.order = new Int32Array(n);
  }
  fits(g: PartGraph): boolean {
    return this.slot.length >= g.n && this.adjncy.length >= g.xadj[g.n]!;
  }
}

export function coarsen(g: PartGraph, coarsenTo: number, maxVwgt: number, rnd: Random, ws?: CoarsenWorkspace): Hierarchy {
  const graphs = [g];
  const cmaps: Int32Array[] = [];
  let cur = g;
  const scratch = ws && ws.fits(g) ? ws : new CoarsenWorkspace(g.n, g.xadj[g.n]!);
  while (cur.n > coarsenTo) {
    const { match, cn } = matchVertices(cur, maxVwgt, rnd, scratch);
    if (cn > STALL * cur.n) break;
    const { coarse, cmap } = contract(cur, match, cn, scratch);
    graphs.push(coarse);
    cmaps.push(cmap);
    cur = coarse;
  }
  return { graphs, cmaps };
}

/**
 * Visiting order for matching: random, then a stable bucket sort by degree capped at 0.7 ×
 * the average degree, which puts low-degree vertices first (sorted heavy-edge matching)
 * without reordering the bulk of a regular graph. Random, not METIS's n/8 swaps of the input
 * order: visited in grid rows, a vertex finds its left and upper neighbours taken and picks
 * among two edges instead of four, so the matching is hardly "heavy-edge" and the coarse
 * graphs lose the good cuts (+8% on a 300×300 lattice PGT, +11% on 1000×1000); DALiuGE-shaped
 * DAGs do no worse. The shuffle is by blocks of SHUFFLE_BLOCK consecutive vertices, in random
 * order and shuffled within, which partitions as well as a full shuffle at a third of the
 * matching time (a block's vertices and edges stay in cache). O(n).
 */
function visitOrder(g: PartGraph, rnd: Random, ws?: CoarsenWorkspace): Int32Array {
  const n = g.n;
  const perm = ws ? ws.perm.subarray(0, n) : new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  // Blocks of consecutive vertices in random order, each block shuffled.
  const nb = Math.ceil(n / SHUFFLE_BLOCK);
  const blocks = rnd.shuffle(Int32Array.from({ length: nb }, (_, b) => b));
  let w = 0;
  for (let q = 0; q < nb; q++) {
    const start = w;
    for (let v = blocks[q]! * SHUFFLE_BLOCK, end = Math.min(n, v + SHUFFLE_BLOCK); v < end; v++) perm[w++] = v;
    rnd.shuffle(perm.subarray(start, w));
  }
  const cap = Math.max(0, Math.floor((0.7 * g.xadj[n]!) / Math.max(n, 1)));
  if (cap === 0) return perm;
  const count = new Int32Array(cap + 2);
  for (let v = 0; v < n; v++) count[Math.min(g.xadj[v + 1]! - g.xadj[v]!, cap) + 1]!++;
  for (let d = 0; d <= cap; d++) count[d + 1]! += count[d]!;
  const order = ws ? ws.order.subarray(0, n) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = perm[i]!;
    order[count[Math.min(g.xadj[v + 1]! - g.xadj[v]!, cap)]!++] = v;
  }
  return order;
}

/** match[v] = partner (v itself when alone); cn = number of coarse vertices. */
export function matchVertices(g: PartGraph, maxVwgt: number, rnd: Random, ws?: CoarsenWorkspace): { match: Int32Array; cn: number } {
  const { n, xadj, adjncy, adjwgt, vwgt } = g;
  const match = new Int32Array(n).fill(-1);
  const order = visitOrder(g, rnd, ws);
  let unmatched = 0;
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    if (match[v]! >= 0) continue;
    let best = -1;
    let bestW = -1;
    const room = maxVwgt - vwgt[v]!;
    for (let j = xadj[v]!; j < xadj[v + 1]!; j++) {
      const u = adjncy[j]!;
      if (match[u]! < 0 && u !== v && adjwgt[j]! > bestW && vwgt[u]! <= room) { best = u; bestW = adjwgt[j]!; }
    }
    if (best >= 0) { match[v] = best; match[best] = v; } else unmatched++;
  }
  if (unmatched > UNMATCHED_FOR_2HOP * n) twoHop(g, match, maxVwgt);
  let cn = 0;
  for (let v = 0; v < n; v++) {
    if (match[v]! < 0) match[v] = v;
    if (match[v]! >= v) cn++;
  }
  return { match, cn };
}

/**
 * Pairs unmatched vertices through a common neighbour (the hub), and isolated vertices
 * with each other. Each hub's list is scanned once: O(m).
 */
function twoHop(g: PartGraph, match: Int32Array, maxVwgt: number): void {
  const { n, xadj, adjncy, vwgt } = g;
  let loose = -1;
  for (let h = 0; h < n; h++) {
    if (xadj[h + 1] === xadj[h]) {
      if (match[h]! >= 0) continue;
      if (loose >= 0 && vwgt[loose]! + vwgt[h]! <= maxVwgt) { match[loose] = h; match[h] = loose; loose = -1; } else loose = h;
      continue;
    }
    let pending = -1;
    for (let j = xadj[h]!; j < xadj[h + 1]!; j++) {
      const u = adjncy[j]!;
      if (match[u]! >= 0 || xadj[u + 1]! - xadj[u]! > TWO_HOP_MAX_DEGREE) continue;
      if (pending >= 0 && vwgt[pending]! + vwgt[u]! <= maxVwgt) {
        match[pending] = u;
        match[u] = pending;
        pending = -1;
      } else pending = u;
    }
  }
}

/**
 * Contracts matched pairs. Coarse vertices are numbered in order of their first fine vertex,
 * which keeps locality. Parallel edges merge (weights add); edges inside a pair vanish. O(n + m).
 */
export function contract(
  g: PartGraph, match: Int32Array, cn: number, scratch = new CoarsenWorkspace(g.n, g.xadj[g.n]!),
): { coarse: PartGraph; cmap: Int32Array } {
  const { n, xadj, adjncy, adjwgt, vwgt, vsize } = g;
  const cmap = new Int32Array(n);
  let c = 0;
  for (let v = 0; v < n; v++) {
    const u = match[v]!;
    if (u >= v) { cmap[v] = c; cmap[u] = c; c++; }
  }
  const cxadj = new Int32Array(cn + 1);
  const cadjncy = scratch.adjncy;
  const cadjwgt = scratch.adjwgt;
  const cvwgt = new Float64Array(cn);
  const cvsize = new Float64Array(cn);
  const slot = scratch.slot;
  let k = 0;
  c = 0;
  for (let v = 0; v < n; v++) {
    const u = match[v]!;
    if (u < v) continue;
    const start = k;
    cvwgt[c] = vwgt[v]! + (u !== v ? vwgt[u]! : 0);
    cvsize[c] = vsize[v]! + (u !== v ? vsize[u]! : 0);
    for (let j = xadj[v]!, end = xadj[v + 1]!; j < end; j++) {
      const cy = cmap[adjncy[j]!]!;
      if (cy === c) continue;
      const s = slot[cy]!;
      if (s < 0) { slot[cy] = k; cadjncy[k] = cy; cadjwgt[k++] = adjwgt[j]!; } else cadjwgt[s]! += adjwgt[j]!;
    }
    if (u !== v) {
      for (let j = xadj[u]!, end = xadj[u + 1]!; j < end; j++) {
        const cy = cmap[adjncy[j]!]!;
        if (cy === c) continue;
        const s = slot[cy]!;
        if (s < 0) { slot[cy] = k; cadjncy[k] = cy; cadjwgt[k++] = adjwgt[j]!; } else cadjwgt[s]! += adjwgt[j]!;
      }
    }
    for (let i = start; i < k; i++) slot[cadjncy[i]!] = -1;
    cxadj[++c] = k;
  }
  return {
    coarse: { n: cn, xadj: cxadj, adjncy: cadjncy.slice(0, k), adjwgt: cadjwgt.slice(0, k), vwgt: cvwgt, vsize: cvsize },
    cmap,
  };
}
