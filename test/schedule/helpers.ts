// Shared helpers for the schedule/partition/map tests: fixture loading and brute force. The
// loaders read ../shared: call them only inside a `needsShared(test)` block.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dagFromEdgeList, type SchedulingDag } from '../../compiler/schedule/dag.ts';
import { referenceFixtures } from '../shared.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = referenceFixtures;
export const specDir = path.join(fixtures, 'translator/drop_spec');
export const graphDir = path.join(fixtures, 'engine/graphs');

export function loadJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function loadSpec(name: string): object[] {
  return loadJson(path.join(specDir, `${name}.spec`)) as object[];
}

/** Every drop-spec fixture and engine PG: [name, document]. */
export function allFixtureGraphs(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const f of readdirSync(specDir).filter((f) => f.endsWith('.spec')).sort()) {
    out.push([f, loadJson(path.join(specDir, f))]);
  }
  for (const f of readdirSync(graphDir).filter((f) => /PG.*\.graph$/.test(f)).sort()) {
    out.push([f, loadJson(path.join(graphDir, f))]);
  }
  return out;
}

/** Reachability matrix by DFS from every drop (small graphs only). */
export function reachability(dag: SchedulingDag): Uint8Array[] {
  const { n, offsets, targets } = dag;
  const reach: Uint8Array[] = [];
  for (let s = 0; s < n; s++) {
    const r = new Uint8Array(n);
    const stack = [s];
    while (stack.length) {
      const u = stack.pop()!;
      for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
        const v = targets[e]!;
        if (!r[v]) { r[v] = 1; stack.push(v); }
      }
    }
    reach.push(r);
  }
  return reach;
}

/** Maximum weighted antichain by enumerating every subset (n ≤ 16). */
export function bruteForceWidth(dag: SchedulingDag, w: ArrayLike<number>): number {
  const n = dag.n;
  const reach = reachability(dag);
  let best = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    let ok = true;
    let sum = 0;
    for (let i = 0; i < n && ok; i++) {
      if (!(mask & (1 << i))) continue;
      sum += w[i]!;
      for (let j = 0; j < n; j++) {
        if (j !== i && mask & (1 << j) && reach[i]![j]) { ok = false; break; }
      }
    }
    if (ok && sum > best) best = sum;
  }
  return best;
}

/** A DAG from plain arrays (apps where isApp[i] is 1). */
export function makeDag(n: number, edges: [number, number][], weights?: number[], cpus?: number[], apps?: number[]): SchedulingDag {
  const isApp = new Uint8Array(n);
  for (let i = 0; i < n; i++) isApp[i] = apps ? apps[i]! : i % 2 === 0 ? 1 : 0;
  const weight = Float64Array.from(weights ?? new Array(n).fill(1));
  const numCpus = Int32Array.from(cpus ?? new Array(n).fill(1));
  return dagFromEdgeList(n, isApp, weight, numCpus,
    Int32Array.from(edges.map((e) => e[0])), Int32Array.from(edges.map((e) => e[1])));
}

/** Induced sub-DAG on the drops of one partition (for DoP checks). */
export function inducedDag(dag: SchedulingDag, keep: (i: number) => boolean): { sub: SchedulingDag; ids: number[] } {
  const ids: number[] = [];
  const local = new Int32Array(dag.n).fill(-1);
  for (let i = 0; i < dag.n; i++) if (keep(i)) { local[i] = ids.length; ids.push(i); }
  const edges: [number, number][] = [];
  for (const i of ids) {
    for (let e = dag.offsets[i]!; e < dag.offsets[i + 1]!; e++) {
      const t = dag.targets[e]!;
      if (local[t]! >= 0) edges.push([local[i]!, local[t]!]);
    }
  }
  const sub = makeDag(ids.length, edges, ids.map((i) => dag.weight[i]!), ids.map((i) => dag.numCpus[i]!), ids.map((i) => dag.isApp[i]!));
  return { sub, ids };
}
