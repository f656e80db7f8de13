// Multilevel bisection and recursive bisection (METIS_PartGraphRecursive's method, and the
// initial partitioning of the k-way scheme): coarsen, grow a bisection several times from
// random seeds, refine each with boundary Fiduccia–Mattheyses, project back refining on
// every level. A bisection is O(n + m) per FM pass and level; recursive bisection into k
// parts is O((n + m) log k).

import { CoarsenWorkspace, coarsen } from './coarsen.ts';
import { GainHeap } from './heap.ts';
import { inducedSubgraph, type PartGraph } from './graph.ts';
import type { Random } from '../schedule/random.ts';

/** Bisection problem: side weights targets and limits. */
interface Sides {
  target0: number;
  target1: number;
  max0: number;
  max1: number;
}

/** Bisections coarsen down to this many vertices. */
const BISECT_COARSEN_TO = 40;
/** Grown bisections tried on the coarsest graph of a bisection. */
const BISECTION_TRIES = 4;

function sides(total: number, frac0: number, ub: number): Sides {
  const target0 = total * frac0;
  const target1 = total - target0;
  return { target0, target1, max0: target0 * ub, max1: target1 * ub };
}

function badness(s: Sides, pw0: number, pw1: number): number {
  return Math.max(0, pw0 - s.max0) + Math.max(0, pw1 - s.max1);
}

/** Breadth-first growth of side 0 from a random seed until it reaches its target weight. */
function growBisection(g: PartGraph, s: Sides, rnd: Random, part: Uint8Array): void {
  const { n, xadj, adjncy, vwgt } = g;
  part.fill(1);
  const queue = new Int32Array(n);
  const seen = new Uint8Array(n);
  let pw0 = 0;
  let qh = 0;
  let qt = 0;
  while (pw0 < s.target0) {
    if (qh === qt) {
      if (qt === n) break; // every vertex seen
      let v = rnd.int(n);
      while (seen[v]) v = (v + 1) % n;
      seen[v] = 1;
      queue[qt++] = v;
    }
    const v = queue[qh++]!;
    if (pw0 > 0 && pw0 + vwgt[v]! > s.max0) continue;
    part[v] = 0;
    pw0 += vwgt[v]!;
    for (let j = xadj[v]!; j < xadj[v + 1]!; j++) {
      const u = adjncy[j]!;
      if (!seen[u]) { seen[u] = 1; queue[qt++] = u; }
    }
  }
}

/** Scratch space reused by every FM pass on graphs of up to `n` vertices. */
export class FmScratch {
  readonly id: Float64Array;
  readonly ed: Float64Array;
  readonly pos: Int32Array;
  readonly heaps: [GainHeap, GainHeap];
  readonly locked: Uint8Array;
  readonly log: Int32Array;
  constructor(n: number) {
    this.id = new Float64Array(n);
    this.ed = new Float64Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.heaps = [new GainHeap(n, this.pos), new GainHeap(n, this.pos)];
    this.locked = new Uint8Array(n);
    this.log = new Int32Array(n);
  }
}

/**
 * Boundary FM refinement of a bisection. Moves go from the side furthest above its target;
 * the best prefix of moves (least imbalance beyond the limits, then least cut, then closest
 * to target) is kept. Returns the cut. O(niter · (n + m) log n).
 */
export function fm2(g: PartGraph, part: Uint8Array, s: Sides, niter: number, sc = new FmScratch(g.n)): number {
  const { n, xadj, adjncy, adjwgt, vwgt } = g;
  const { id, ed, heaps, locked, log } = sc;
  const limit = Math.min(Math.max(Math.floor(0.01 * n), 15), 100);
  let cut = 0;
  let pw0 = 0;
  let pw1 = 0;
  for (let iter = 0; iter < niter; iter++) {
    cut = 0;
    pw0 = 0;
    pw1 = 0;
    for (let v = 0; v < n; v++) {
      let a = 0;
      let b = 0;
      const pv = part[v];
      for (let j = xadj[v]!; j < xadj[v + 1]!; j++) {
        if (part[adjncy[j]!] === pv) a += adjwgt[j]!; else b += adjwgt[j]!;
      }
      id[v] = a;
      ed[v] = b;
      cut += b;
      if (pv === 0) pw0 += vwgt[v]!; else pw1 += vwgt[v]!;
      if (b > 0) heaps[pv!]!.insert(v, b - a);
    }
    cut /= 2;
    let bestCut = cut;
    let bestBad = badness(s, pw0, pw1);
    let bestDiff = Math.abs(pw0 - s.target0);
    let bestIdx = 0;
    let nmoves = 0;
    for (;;) {
      let from = s.target0 - pw0 < s.target1 - pw1 ? 0 : 1;
      if (heaps[from]!.size === 0) {
        from = 1 - from;
        if (heaps[from]!.size === 0) break;
        // only move towards the heavier side while it stays within its limit
        const to = 1 - from;
        if ((to === 0 ? pw0 : pw1) + vwgt[heaps[from]!.topItem()]! > (to === 0 ? s.max0 : s.max1)) break;
      }
      const to = 1 - from;
      const v = heaps[from]!.pop();
      cut -= ed[v]! - id[v]!;
      if (from === 0) { pw0 -= vwgt[v]!; pw1 += vwgt[v]!; } else { pw1 -= vwgt[v]!; pw0 += vwgt[v]!; }
      part[v] = to;
      locked[v] = 1;
      log[nmoves++] = v;
      const bad = badness(s, pw0, pw1);
      const diff = Math.abs(pw0 - s.target0);
      if (bad < bestBad || (bad === bestBad && (cut < bestCut || (cut === bestCut && diff < bestDiff)))) {
        bestBad = bad; bestCut = cut; bestDiff = diff; bestIdx = nmoves;
      } else if (nmoves - bestIdx > limit) break;
      const t = id[v]!;
      id[v] = ed[v]!;
      ed[v] = t;
      for (let j = xadj[v]!; j < xadj[v + 1]!; j++) {
        const u = adjncy[j]!;
        const w = adjwgt[j]!;
        if (part[u] === to) { id[u]! += w; ed[u]! -= w; } else { id[u]! -= w; ed[u]! += w; }
        if (locked[u]) continue;
        const h = heaps[part[u]!]!;
        if (ed[u]! > 0) {
          if (h.has(u)) h.update(u, ed[u]! - id[u]!); else h.insert(u, ed[u]! - id[u]!);
        } else if (h.has(u)) h.remove(u);
      }
    }
    heaps[0].clear();
    heaps[1].clear();
    for (let i = nmoves - 1; i >= bestIdx; i--) part[log[i]!] = 1 - part[log[i]!]!;
    for (let i = 0; i < nmoves; i++) locked[log[i]!] = 0;
    cut = bestCut;
    if (bestIdx === 0) break;
  }
  return cut;
}

/**
 * Multilevel bisection with side 0 getting `frac0` of the weight, each side within `ub`
 * times its target. Returns a 0/1 side per vertex.
 */
/** Work arrays shared by all the bisections of one recursive bisection. */
export class BisectWorkspace {
  readonly coarsen: CoarsenWorkspace;
  readonly fm: FmScratch;
  constructor(g: PartGraph) {
    this.coarsen = new CoarsenWorkspace(g.n, g.xadj[g.n]!);
    this.fm = new FmScratch(g.n);
  }
}

export function multilevelBisect(
  g: PartGraph, frac0: number, ub: number, rnd: Random, ws = new BisectWorkspace(g), tries = BISECTION_TRIES,
): Uint8Array {
  let total = 0;
  for (let v = 0; v < g.n; v++) total += g.vwgt[v]!;
  const s = sides(total, frac0, ub);
  const h = coarsen(g, BISECT_COARSEN_TO, Math.max(1.5 * total / BISECT_COARSEN_TO, 1), rnd, ws.coarsen);
  const coarsest = h.graphs[h.graphs.length - 1]!;
  const sc = ws.fm;
  let best: Uint8Array | undefined;
  let bestKey = [Infinity, Infinity];
  const trial = new Uint8Array(coarsest.n);
  for (let t = 0; t < tries; t++) {
    growBisection(coarsest, s, rnd, trial);
    const cut = fm2(coarsest, trial, s, 10, sc);
    let pw0 = 0;
    for (let v = 0; v < coarsest.n; v++) if (trial[v] === 0) pw0 += coarsest.vwgt[v]!;
    const bad = badness(s, pw0, total - pw0);
    if (bad < bestKey[0]! || (bad === bestKey[0] && cut < bestKey[1]!)) { bestKey = [bad, cut]; best = trial.slice(); }
  }
  let part = best!;
  for (let level = h.cmaps.length - 1; level >= 0; level--) {
    const cmap = h.cmaps[level]!;
    const fine = new Uint8Array(cmap.length);
    for (let v = 0; v < cmap.length; v++) fine[v] = part[cmap[v]!]!;
    part = fine;
    fm2(h.graphs[level]!, part, s, 10, sc);
  }
  return part;
}

/**
 * Recursive bisection into k parts numbered first..first+k-1, written to out[ids[v]].
 * With `perLevel` every bisection may use `ub` (the k-way scheme's initial partitioning,
 * which rebalances later). Otherwise `ub` is the budget of the final parts, shared between
 * the levels: a level that comes out better balanced than allowed leaves the slack to the
 * levels below. O((n + m) log k).
 */
export function recursiveBisection(
  g: PartGraph, k: number, ub: number, rnd: Random, out: Int32Array, first = 0, ids?: Int32Array, perLevel = false,
  ws = new BisectWorkspace(g),
): void {
  if (k <= 1 || g.n === 0) {
    for (let v = 0; v < g.n; v++) out[ids ? ids[v]! : v] = first;
    return;
  }
  const k0 = k >> 1;
  const frac0 = k0 / k;
  const levelUb = perLevel ? ub : Math.pow(ub, 1 / Math.ceil(Math.log2(k)));
  const part = multilevelBisect(g, frac0, levelUb, rnd, ws);
  let total = 0;
  let pw0 = 0;
  for (let v = 0; v < g.n; v++) { total += g.vwgt[v]!; if (part[v] === 0) pw0 += g.vwgt[v]!; }
  const ratio0 = total > 0 && frac0 > 0 ? pw0 / (total * frac0) : 1;
  const ratio1 = total > 0 ? (total - pw0) / (total * (1 - frac0)) : 1;
  const a = inducedSubgraph(g, part, 0);
  const b = inducedSubgraph(g, part, 1);
  const map = (sub: Int32Array) => (ids ? sub.map((x) => ids[x]!) : sub);
  const ub0 = perLevel ? ub : Math.max(1, ub / Math.max(ratio0, 1e-9));
  const ub1 = perLevel ? ub : Math.max(1, ub / Math.max(ratio1, 1e-9));
  recursiveBisection(a.sub, k0, ub0, rnd, out, first, map(a.ids), perLevel, ws);
  recursiveBisection(b.sub, k - k0, ub1, rnd, out, first + k0, map(b.ids), perLevel, ws);
}
