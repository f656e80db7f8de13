// Greedy refinement for total communication volume (min_goal 1, METIS objtype=vol): a
// vertex counts its size once per other part among its neighbours, which is the data a
// DALiuGE data drop really sends (once per remote node, whatever the number of consumers).
//
// The exact gain of moving v from part a to b needs, for each neighbour u, whether v is u's
// only neighbour in a and whether u already has one in b: O(Σ deg(u)). Vertices whose
// neighbourhood is larger than NEIGHBOURHOOD_BUDGET are left where the cut refinement put
// them, which bounds a pass to O(n · budget) even next to a 10^5-way scatter hub.

import type { PartGraph } from './graph.ts';
import type { Random } from '../schedule/random.ts';

const NEIGHBOURHOOD_BUDGET = 4096;
const NITER = 4;

/** Volume change (negative = better) of moving v from a to b. */
function volumeDelta(g: PartGraph, part: Int32Array, v: number, a: number, b: number): number {
  const { xadj, adjncy, vsize } = g;
  let delta = 0;
  let hasA = false;
  for (let j = xadj[v]!; j < xadj[v + 1]!; j++) {
    const u = adjncy[j]!;
    const pu = part[u]!;
    if (pu === a) hasA = true;
    let inA = 0;
    let inB = 0;
    for (let i = xadj[u]!; i < xadj[u + 1]!; i++) {
      const p = part[adjncy[i]!]!;
      if (p === a) inA++; else if (p === b) inB++;
    }
    if (inA === 1 && a !== pu) delta -= vsize[u]!;
    if (inB === 0 && b !== pu) delta += vsize[u]!;
  }
  if (!hasA) delta -= vsize[v]!;
  return delta;
}

export function refineVolume(g: PartGraph, part: Int32Array, pw: Float64Array, maxPw: Float64Array, k: number, rnd: Random): number {
  const { n, xadj, adjncy, adjwgt, vwgt } = g;
  const edw = new Float64Array(k);
  const touched = new Int32Array(k);
  let total = 0;
  for (let iter = 0; iter < NITER; iter++) {
    const list: number[] = [];
    for (let v = 0; v < n; v++) {
      let work = 0;
      let bnd = false;
      for (let j = xadj[v]!; j < xadj[v + 1]!; j++) {
        const u = adjncy[j]!;
        work += xadj[u + 1]! - xadj[u]!;
        if (part[u] !== part[v]) bnd = true;
      }
      if (bnd && work <= NEIGHBOURHOOD_BUDGET) list.push(v);
    }
    const order = rnd.shuffle(Int32Array.from(list));
    let moves = 0;
    for (let i = 0; i < order.length; i++) {
      const v = order[i]!;
      const own = part[v]!;
      let id = 0;
      let nt = 0;
      for (let j = xadj[v]!; j < xadj[v + 1]!; j++) {
        const p = part[adjncy[j]!]!;
        if (p === own) { id += adjwgt[j]!; continue; }
        if (edw[p] === 0) touched[nt++] = p;
        edw[p]! += adjwgt[j]!;
      }
      let best = -1;
      let bestVol = 0;
      let bestCut = 0;
      for (let t = 0; t < nt; t++) {
        const p = touched[t]!;
        const cutGain = edw[p]! - id;
        edw[p] = 0;
        if (pw[p]! + vwgt[v]! > maxPw[p]!) continue;
        const volGain = -volumeDelta(g, part, v, own, p);
        if (volGain > bestVol || (volGain === bestVol && volGain >= 0 && cutGain > bestCut)) {
          best = p; bestVol = volGain; bestCut = cutGain;
        }
      }
      if (best < 0) continue;
      part[v] = best;
      pw[own]! -= vwgt[v]!;
      pw[best]! += vwgt[v]!;
      moves++;
    }
    total += moves;
    if (moves === 0) break;
  }
  return total;
}
