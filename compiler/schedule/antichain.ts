// Exact maximum weighted antichain (degree of parallelism, §5.9) of a whole DAG.
//
// By Dilworth's theorem (weighted form) the maximum weight of an antichain equals the minimum
// flow through the DAG when every drop v is split into v_in → v_out with lower bound w(v) and
// every other arc is uncapacitated: chains may pass through drops without covering them, so
// the transitive closure (quadratic, and what the reference builds) is never needed.
//
// Method: a greedy feasible flow f0 (exact on in/out-forests, the common scatter shapes),
// then the surplus is cancelled with a maximum flow from t to s in the residual network
// (Dinic). min flow = |f0| - maxflow(t→s).
// Complexity: O(n + m) to build; Dinic is O(V^2 E) in the worst case, and in practice a few
// BFS/DFS phases over the 2n + 2 vertex, n + m + (sources + sinks) arc network because f0 is
// already close to optimal. Memory: O(n + m) typed arrays.

import { predecessors, topologicalOrder, type SchedulingDag } from './dag.ts';

/**
 * Maximum weight of an antichain of the DAG with per-drop weights `w` (default: num_cpus,
 * which is 1 for data drops, §5.6). Returns -1 if the graph has a cycle.
 */
export function maxWeightedAntichain(dag: SchedulingDag, w: ArrayLike<number> = dag.numCpus): number {
  const { n, offsets, targets } = dag;
  if (n === 0) return 0;
  const order = topologicalOrder(dag);
  if (!order) return -1;
  const m = offsets[n]!;
  const pred = predecessors(dag);

  // need(v): flow v must carry to cover itself and the successors it "feeds" (those whose
  // first predecessor it is). Exact on forests; an overestimate elsewhere, fixed by Dinic.
  const need = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k]!;
    let sum = 0;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const s = targets[e]!;
      if (pred.sources[pred.offsets[s]!] === v) sum += need[s]!;
    }
    need[v] = Math.max(w[v]!, sum);
  }

  // Network: v_in = 2v, v_out = 2v+1, s = 2n, t = 2n+1. Arc a has reverse a^1.
  // Arcs: [0, n) vertex arcs, then m edge arcs, then source arcs, then sink arcs.
  let nSources = 0;
  let nSinks = 0;
  for (let v = 0; v < n; v++) {
    if (pred.offsets[v] === pred.offsets[v + 1]) nSources++;
    if (offsets[v] === offsets[v + 1]) nSinks++;
  }
  const nArcs = n + m + nSources + nSinks;
  const N = 2 * n + 2;
  const S = 2 * n;
  const T = 2 * n + 1;
  const head = new Int32Array(2 * nArcs); // arc endpoint
  const res = new Float64Array(2 * nArcs); // residual capacity
  const flow = new Float64Array(nArcs); // f0 on each arc
  const lower = new Float64Array(nArcs);
  const tail = new Int32Array(nArcs);
  let a = 0;
  for (let v = 0; v < n; v++, a++) { tail[a] = 2 * v; head[2 * a] = 2 * v + 1; lower[a] = w[v]!; }
  const edgeArc0 = a;
  for (let u = 0; u < n; u++) {
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++, a++) { tail[a] = 2 * u + 1; head[2 * a] = 2 * targets[e]!; }
  }
  const srcArc = new Int32Array(n).fill(-1);
  const sinkArc = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    if (pred.offsets[v] === pred.offsets[v + 1]) { srcArc[v] = a; tail[a] = S; head[2 * a] = 2 * v; a++; }
  }
  for (let v = 0; v < n; v++) {
    if (offsets[v] === offsets[v + 1]) { sinkArc[v] = a; tail[a] = 2 * v + 1; head[2 * a] = T; a++; }
  }
  for (let x = 0; x < nArcs; x++) head[2 * x + 1] = tail[x]!;

  // Greedy feasible flow in topological order.
  const inflow = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const v = order[k]!;
    if (srcArc[v]! >= 0) { flow[srcArc[v]!] = need[v]!; inflow[v] = need[v]!; total += need[v]!; }
    let out = inflow[v]!;
    flow[v] = out;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const s = targets[e]!;
      if (pred.sources[pred.offsets[s]!] === v) {
        flow[edgeArc0 + e] = need[s]!;
        inflow[s]! += need[s]!;
        out -= need[s]!;
      }
    }
    if (out > 0) {
      if (sinkArc[v]! >= 0) flow[sinkArc[v]!] = out;
      else {
        const s = targets[offsets[v]!]!;
        flow[edgeArc0 + offsets[v]!]! += out;
        inflow[s]! += out;
      }
    }
  }
  for (let x = 0; x < nArcs; x++) {
    res[2 * x] = Infinity;
    res[2 * x + 1] = flow[x]! - lower[x]!;
  }

  // Residual adjacency (CSR over arc slots).
  const adjOff = new Int32Array(N + 1);
  for (let x = 0; x < 2 * nArcs; x++) adjOff[head[x ^ 1]! + 1]!++;
  for (let i = 0; i < N; i++) adjOff[i + 1]! += adjOff[i]!;
  const adj = new Int32Array(2 * nArcs);
  const fill = adjOff.slice(0, N);
  for (let x = 0; x < 2 * nArcs; x++) adj[fill[head[x ^ 1]!]!++] = x;

  return total - dinic(N, T, S, head, res, adjOff, adj);
}

/** Dinic max flow on a residual network given as arc slots (reverse = slot ^ 1). */
function dinic(
  N: number, source: number, sink: number, head: Int32Array, res: Float64Array,
  adjOff: Int32Array, adj: Int32Array,
): number {
  const level = new Int32Array(N);
  const queue = new Int32Array(N);
  const cur = new Int32Array(N);
  const stackArc = new Int32Array(N);
  let maxflow = 0;
  for (;;) {
    level.fill(-1);
    level[source] = 0;
    let qt = 0;
    queue[qt++] = source;
    for (let qh = 0; qh < qt && level[sink] < 0; qh++) {
      const x = queue[qh]!;
      for (let k = adjOff[x]!; k < adjOff[x + 1]!; k++) {
        const arc = adj[k]!;
        const y = head[arc]!;
        if (res[arc]! > 0 && level[y]! < 0) { level[y] = level[x]! + 1; queue[qt++] = y; }
      }
    }
    if (level[sink]! < 0) return maxflow;
    for (let i = 0; i < N; i++) cur[i] = adjOff[i]!;
    // Iterative DFS for augmenting paths in the level graph.
    for (;;) {
      let depth = 0;
      let x = source;
      let found = false;
      while (true) {
        if (x === sink) { found = true; break; }
        let advanced = false;
        for (; cur[x]! < adjOff[x + 1]!; cur[x]!++) {
          const arc = adj[cur[x]!]!;
          const y = head[arc]!;
          if (res[arc]! > 0 && level[y] === level[x]! + 1) {
            stackArc[depth++] = arc;
            x = y;
            advanced = true;
            break;
          }
        }
        if (advanced) continue;
        if (depth === 0) break;
        level[x] = -1; // dead end: prune it from this phase
        const back = stackArc[--depth]!;
        x = head[back ^ 1]!;
        cur[x]!++;
      }
      if (!found) break;
      let delta = Infinity;
      for (let i = 0; i < depth; i++) delta = Math.min(delta, res[stackArc[i]!]!);
      for (let i = 0; i < depth; i++) {
        const arc = stackArc[i]!;
        res[arc]! -= delta;
        res[arc ^ 1]! += delta;
      }
      maxflow += delta;
    }
  }
}
