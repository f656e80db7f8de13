// Synthetic DALiuGE-shaped scheduling DAGs for benchmarks and property tests: what the
// unroller makes of nested Scatter/Gather constructs (alternating app and data drops, wide
// fan-out from a scattered data drop, pipelines inside each branch, gathers of fixed width).

import { dagFromEdgeList, type SchedulingDag } from './dag.ts';
import { Random } from './random.ts';

export interface ScatterGatherShape {
  /** Approximate number of drops wanted. */
  drops: number;
  /** Inner scatter width (branches per outer branch). */
  inner?: number;
  /** App→data steps in each inner branch. */
  depth?: number;
  /** Inner branches per gather app. */
  gather?: number;
  seed?: number;
}

/**
 * root app → data → outer scatter (k branches) → [app → data → inner scatter (`inner`
 * branches of `depth` app→data steps) → gathers of `gather` branches → data] → final app →
 * data. k is chosen to reach about `drops` drops. O(n).
 */
export function scatterGatherDag(shape: ScatterGatherShape): SchedulingDag {
  const inner = shape.inner ?? 16;
  const depth = shape.depth ?? 4;
  const gather = shape.gather ?? 4;
  const rnd = new Random(shape.seed ?? 1);
  const gathers = Math.ceil(inner / gather);
  const perOuter = 2 + inner * 2 * depth + gathers * 2;
  const outer = Math.max(1, Math.round((shape.drops - 4) / perOuter));
  const n = 4 + outer * perOuter;
  const isApp = new Uint8Array(n);
  const weight = new Float64Array(n);
  const numCpus = new Int32Array(n).fill(1);
  const src: number[] = [];
  const dst: number[] = [];
  let next = 0;
  const app = () => { isApp[next] = 1; weight[next] = 1 + rnd.int(20); return next++; };
  const data = () => { isApp[next] = 0; weight[next] = 1 + rnd.int(100); return next++; };
  const edge = (a: number, b: number) => { src.push(a); dst.push(b); };

  const root = app();
  const rootData = data();
  edge(root, rootData);
  const outerOut: number[] = [];
  for (let o = 0; o < outer; o++) {
    const split = app();
    edge(rootData, split);
    const splitData = data();
    edge(split, splitData);
    const ends: number[] = [];
    for (let b = 0; b < inner; b++) {
      let prev = splitData;
      for (let s = 0; s < depth; s++) {
        const a = app();
        edge(prev, a);
        const d = data();
        edge(a, d);
        prev = d;
      }
      ends.push(prev);
    }
    for (let g = 0; g < gathers; g++) {
      const a = app();
      for (let b = g * gather; b < Math.min(inner, (g + 1) * gather); b++) edge(ends[b]!, a);
      const d = data();
      edge(a, d);
      outerOut.push(d);
    }
  }
  const fin = app();
  for (const d of outerOut) edge(d, fin);
  const finData = data();
  edge(fin, finData);
  return dagFromEdgeList(n, isApp, weight, numCpus, Int32Array.from(src), Int32Array.from(dst));
}

/** A random bipartite app/data DAG: each drop links to a few later drops of the other kind. */
export function randomDag(n: number, seed: number, maxOut = 3, window = 20): SchedulingDag {
  const rnd = new Random(seed);
  const isApp = new Uint8Array(n);
  const weight = new Float64Array(n);
  const numCpus = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    isApp[i] = rnd.int(2);
    weight[i] = rnd.int(10);
    if (isApp[i]) numCpus[i] = 1 + rnd.int(3);
  }
  const src: number[] = [];
  const dst: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = rnd.int(maxOut + 1);
    for (let j = 0; j < k; j++) {
      const t = i + 1 + rnd.int(window);
      if (t < n && isApp[t] !== isApp[i]) { src.push(i); dst.push(t); }
    }
  }
  return dagFromEdgeList(n, isApp, weight, numCpus, Int32Array.from(src), Int32Array.from(dst));
}
