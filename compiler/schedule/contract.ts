// Contraction of the scheduling DAG for placement constraints (ExclusiveForceNode): every
// group instance becomes one vertex, so whatever algorithm partitions the contracted DAG
// puts the group's drops together, and the partition is expanded back to the drops.
//
// The contracted graph must stay a DAG for the schedulers (mysarkar, min_num_parts, pso).
// It is one unless a path leaves a group and comes back into it (A → X → C with A and C in
// the group); then the vertices on such cycles are merged too (the strongly connected
// components of the quotient), i.e. X is placed with the group, which is where a schedule
// that runs A and C on one node would have to wait for it anyway. O(n + m).

import type { SchedulingDag } from './dag.ts';
import { edgeWeights, topologicalOrder } from './dag.ts';

export interface Contraction {
  /** The contracted DAG; its edge weights are the summed weights of the edges they stand for. */
  dag: SchedulingDag;
  /** Vertex of every drop of the original DAG. */
  vertexOf: Int32Array;
  /** Drops in no group that had to join one (on a path from a group back into it). */
  absorbed: number;
}

/**
 * Contracts each group instance (`groupOf[i]` in 0..groups-1, -1 for drops in none) into
 * one vertex. Vertices are numbered in order of their first drop, so a DAG without groups
 * comes back with the same numbering.
 */
export function contractDag(dag: SchedulingDag, groupOf: Int32Array, groups: number): Contraction {
  const n = dag.n;
  let vertexOf = new Int32Array(n);
  const vertexOfLabel = new Int32Array(groups + n).fill(-1);
  let V = 0;
  for (let i = 0; i < n; i++) {
    const label = groupOf[i]! >= 0 ? groupOf[i]! : groups + i;
    if (vertexOfLabel[label]! < 0) vertexOfLabel[label] = V++;
    vertexOf[i] = vertexOfLabel[label]!;
  }
  const ew = edgeWeights(dag);
  let q = quotient(dag, ew, vertexOf, V);
  let absorbed = 0;
  if (!topologicalOrder(q)) {
    const comp = components(q);
    // Renumber the components in order of their first drop.
    const renum = new Int32Array(comp.count).fill(-1);
    let C = 0;
    const merged = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = comp.of[vertexOf[i]!]!;
      if (renum[c]! < 0) renum[c] = C++;
      merged[i] = renum[c]!;
    }
    const hasGroup = new Uint8Array(C);
    for (let i = 0; i < n; i++) if (groupOf[i]! >= 0) hasGroup[merged[i]!] = 1;
    for (let i = 0; i < n; i++) if (groupOf[i]! < 0 && hasGroup[merged[i]!]) absorbed++;
    vertexOf = merged;
    V = C;
    q = quotient(dag, ew, vertexOf, V);
  }
  // A vertex runs its apps' work: it is an app if it holds one (execution time and CPUs
  // summed, an upper bound of what the group needs), else data (volumes summed).
  const isApp = new Uint8Array(V);
  const appWeight = new Float64Array(V);
  const dataWeight = new Float64Array(V);
  const cpus = new Int32Array(V);
  for (let i = 0; i < n; i++) {
    const v = vertexOf[i]!;
    if (dag.isApp[i]) {
      isApp[v] = 1;
      appWeight[v]! += dag.weight[i]!;
      cpus[v]! += dag.numCpus[i]!;
    } else dataWeight[v]! += dag.weight[i]!;
  }
  const weight = new Float64Array(V);
  const numCpus = new Int32Array(V);
  for (let v = 0; v < V; v++) {
    weight[v] = isApp[v] ? appWeight[v]! : dataWeight[v]!;
    numCpus[v] = isApp[v] ? Math.max(1, cpus[v]!) : 1;
  }
  return { dag: { n: V, isApp, weight, numCpus, offsets: q.offsets, targets: q.targets, edgeWeight: q.edgeWeight }, vertexOf, absorbed };
}

/**
 * The quotient graph: distinct vertex pairs, self-loops dropped, weights summed; targets of
 * a vertex in the order its drops' edges were met (drops in order, then DAG edge order).
 */
function quotient(dag: SchedulingDag, ew: Float64Array, vertexOf: Int32Array, V: number): SchedulingDag & { edgeWeight: Float64Array } {
  const { n, offsets, targets } = dag;
  const count = new Int32Array(V + 1);
  for (let u = 0; u < n; u++) count[vertexOf[u]! + 1]! += offsets[u + 1]! - offsets[u]!;
  for (let v = 0; v < V; v++) count[v + 1]! += count[v]!;
  const fill = count.slice(0, V);
  const m = offsets[n]!;
  const dst = new Int32Array(m);
  const w = new Float64Array(m);
  for (let u = 0; u < n; u++) {
    const qu = vertexOf[u]!;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const p = fill[qu]!++;
      dst[p] = vertexOf[targets[e]!]!;
      w[p] = ew[e]!;
    }
  }
  // Per source: drop self-loops, merge repeated targets (their weights add).
  const at = new Int32Array(V).fill(-1); // position of target t in the current source's run
  const seenBy = new Int32Array(V).fill(-1);
  const outOffsets = new Int32Array(V + 1);
  let k = 0;
  for (let v = 0; v < V; v++) {
    for (let p = count[v]!; p < count[v + 1]!; p++) {
      const t = dst[p]!;
      if (t === v) continue;
      if (seenBy[t] === v) { w[at[t]!]! += w[p]!; continue; }
      seenBy[t] = v;
      at[t] = k;
      dst[k] = t;
      w[k] = w[p]!;
      k++;
    }
    outOffsets[v + 1] = k;
  }
  return {
    n: V, isApp: new Uint8Array(V), weight: new Float64Array(V), numCpus: new Int32Array(V),
    offsets: outOffsets, targets: dst.slice(0, k), edgeWeight: w.slice(0, k),
  };
}

/** Strongly connected components (Tarjan, iterative: no recursion depth limit). O(V + E). */
function components(g: SchedulingDag): { of: Int32Array; count: number } {
  const { n, offsets, targets } = g;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callV = new Int32Array(n);
  const callE = new Int32Array(n);
  const of = new Int32Array(n).fill(-1);
  let sp = 0;
  let next = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (index[root]! >= 0) continue;
    let depth = 0;
    callV[0] = root;
    callE[0] = offsets[root]!;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callV[depth]!;
      const e = callE[depth]!;
      if (e < offsets[v + 1]!) {
        callE[depth] = e + 1;
        const w = targets[e]!;
        if (index[w]! < 0) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          depth++;
          callV[depth] = w;
          callE[depth] = offsets[w]!;
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          of[w] = count;
        } while (w !== v);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callV[depth]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
    }
  }
  return { of, count };
}
