// pso (§5.8): particle swarm optimisation over edge-zeroing decisions, reproducible through
// `seed` (our own small PRNG; the reference's pyswarm run is random).
//
// A particle is x ∈ [0.99, 3.01]^D over the D = min(topk, m) heaviest edges; round(x_i) = 3
// keeps edge i, 1 or 2 zero it if the DoP caps allow. Every other edge is zeroed if the caps
// allow (mysarkar's rule), then clusters are packed first-fit-decreasing. The reference's
// cache key is already only the first topk decisions, so its objective depends on nothing
// else either. Linearisation (value 2 adding sequencing edges) is not modelled: it mutates
// the DAG and breaks the exact DoP model; 2 behaves as 1.
// Objective: without a deadline, the completion time (then fewer partitions); with one, the
// fewest partitions among solutions within it (infeasible ones rank after all feasible).
// Optimiser: standard constrained PSO as pyswarm (ω = φp = φg = 0.5, at most 100
// iterations), stopping early after STALL iterations without a better global best, and
// after an evaluation budget so that big graphs stay bounded.
// Complexity: O(evaluations · (n + m) log n), evaluations ≤ max(swarm_size, EDGE_BUDGET / m)
// distinct decision vectors (repeats are cached).

import { Clustering, zeroingSetup, type DopCaps } from './clustering.ts';
import type { SchedulingDag } from './dag.ts';
import { longestPath, partitionedEdgeWeights } from './metrics.ts';
import { Random } from './random.ts';
import type { ClusterResult } from './sarkar.ts';

export interface PsoOptions extends DopCaps {
  deadline: number | null;
  topk: number;
  swarmSize: number;
  seed: number;
}

const MAX_ITER = 100;
const STALL = 10;
const OMEGA = 0.5;
const PHI_P = 0.5;
const PHI_G = 0.5;
const LB = 0.99;
const UB = 3.01;
/** Distinct evaluations are capped at max(swarm_size, EDGE_BUDGET / edges). */
const EDGE_BUDGET = 2e6;

interface Evaluation extends ClusterResult {
  time: number;
}

export function pso(dag: SchedulingDag, opts: PsoOptions): ClusterResult {
  const { ew, edges, src, order, vw, m } = zeroingSetup(dag);
  const D = Math.min(opts.topk, m);

  const evaluate = (keep: Uint8Array): Evaluation => {
    const c = new Clustering(dag, opts, true);
    for (let i = 0; i < m; i++) {
      if (i < D && keep[i]) continue;
      const e = edges[i]!;
      c.zeroEdge(src[e]!, dag.targets[e]!);
    }
    c.packByWidth();
    const r = c.partition();
    const physical = partitionedEdgeWeights(dag, r.part, ew);
    return { ...r, edgeWeight: physical, time: longestPath(dag, physical, vw, order)!.completionTime };
  };
  // lexicographic fitness as one number: primary objective scaled above the secondary
  const fitness = (ev: Evaluation): number => {
    if (opts.deadline === null) return ev.time * (dag.n + 1) + ev.numParts;
    const over = Math.max(0, ev.time - opts.deadline);
    return over > 0 ? (dag.n + 1) * (1 + over) : ev.numParts;
  };

  const cache = new Map<string, Evaluation>();
  const budget = Math.max(opts.swarmSize, Math.floor(EDGE_BUDGET / Math.max(m, 1)));
  const keep = new Uint8Array(D);
  let bestEval: Evaluation | undefined;
  const score = (x: Float64Array): number => {
    let key = '';
    for (let i = 0; i < D; i++) { keep[i] = Math.round(x[i]!) >= 3 ? 1 : 0; key += keep[i]; }
    let ev = cache.get(key);
    if (!ev) {
      if (cache.size >= budget) return Infinity;
      ev = evaluate(keep);
      cache.set(key, ev);
    }
    const f = fitness(ev);
    if (!bestEval || f < fitness(bestEval)) bestEval = ev;
    return f;
  };

  if (D === 0) return strip(evaluate(keep));
  const rnd = new Random(opts.seed);
  const S = opts.swarmSize;
  const x = new Float64Array(S * D);
  const v = new Float64Array(S * D);
  const p = new Float64Array(S * D);
  const fp = new Float64Array(S).fill(Infinity);
  const g = new Float64Array(D);
  let fg = Infinity;
  for (let s = 0; s < S; s++) {
    for (let d = 0; d < D; d++) {
      x[s * D + d] = LB + rnd.next() * (UB - LB);
      v[s * D + d] = -(UB - LB) + rnd.next() * 2 * (UB - LB);
    }
    const xs = x.subarray(s * D, (s + 1) * D);
    fp[s] = score(xs);
    p.set(xs, s * D);
    if (fp[s]! < fg) { fg = fp[s]!; g.set(xs); }
  }
  let stall = 0;
  for (let it = 0; it < MAX_ITER && stall < STALL && cache.size < budget; it++) {
    const before = fg;
    for (let s = 0; s < S; s++) {
      for (let d = 0; d < D; d++) {
        const i = s * D + d;
        v[i] = OMEGA * v[i]! + PHI_P * rnd.next() * (p[i]! - x[i]!) + PHI_G * rnd.next() * (g[d]! - x[i]!);
        x[i] = Math.min(UB, Math.max(LB, x[i]! + v[i]!));
      }
      const xs = x.subarray(s * D, (s + 1) * D);
      const f = score(xs);
      if (f < fp[s]!) {
        fp[s] = f;
        p.set(xs, s * D);
        if (f < fg) { fg = f; g.set(xs); }
      }
    }
    stall = fg < before ? 0 : stall + 1;
  }
  return strip(bestEval!);
}

function strip(e: Evaluation): ClusterResult {
  return { part: e.part, numParts: e.numParts, edgeWeight: e.edgeWeight };
}
