// A graph with a cycle never ends: every drop on it waits for another. The check is one
// linear pass (Kahn's algorithm on typed arrays, no recursion) over the relationship lists
// of both sides, so it costs O(drops + links) and handles 10^6 drops. Links to drops this
// session does not hold (on other nodes) are not followed.

import { entryOid } from '../../compiler/relations.ts';
import type { DropSpec } from '../drops/spec.ts';
import { invalidGraph } from '../errors.ts';

/** The oids of one cycle, in order, or undefined when the drops form a DAG. */
export function findCycle(specs: readonly DropSpec[], index: ReadonlyMap<string, number>): { cycle: string[]; involved: number } | undefined {
  const n = specs.length;
  // Edges a → b in two flat arrays, grown by doubling. Property reads are spelt out (as in
  // wiring.ts): this loop looks up every link of 10^6-drop graphs, usually twice.
  const edges: Edges = { src: new Int32Array(Math.max(16, 2 * n)), dst: new Int32Array(Math.max(16, 2 * n)), e: 0 };
  for (let i = 0; i < n; i++) {
    const s = specs[i]!;
    let l: unknown = s.outputs;
    if (l !== undefined) down(edges, l, i, index, n);
    l = s.consumers;
    if (l !== undefined) down(edges, l, i, index, n);
    l = s.streamingConsumers;
    if (l !== undefined) down(edges, l, i, index, n);
    l = s.inputs;
    if (l !== undefined) up(edges, l, i, index, n);
    l = s.producers;
    if (l !== undefined) up(edges, l, i, index, n);
    l = s.streamingInputs;
    if (l !== undefined) up(edges, l, i, index, n);
  }
  const { src, dst, e } = edges;
  const [offsets, succ] = rows(src, dst, e, n);
  const indeg = new Int32Array(n);
  for (let k = 0; k < e; k++) indeg[dst[k]!]!++;
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue[tail++] = i;
  while (head < tail) {
    const v = queue[head++]!;
    for (let k = offsets[v]!; k < offsets[v + 1]!; k++) if (--indeg[succ[k]!]! === 0) queue[tail++] = succ[k]!;
  }
  if (tail === n) return undefined;
  // Every drop left has a predecessor left (else its in-degree would be 0): walking
  // predecessors among them repeats a drop, which closes a cycle.
  const [poffsets, pred] = rows(dst, src, e, n);
  let v = 0;
  while (indeg[v] === 0) v++;
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  while (!seenAt.has(v)) {
    seenAt.set(v, path.length);
    path.push(v);
    for (let k = poffsets[v]!; k < poffsets[v + 1]!; k++) {
      if (indeg[pred[k]!]! > 0) {
        v = pred[k]!;
        break;
      }
    }
  }
  return { cycle: path.slice(seenAt.get(v)).reverse().map((i) => specs[i]!.oid), involved: n - tail };
}

interface Edges {
  src: Int32Array;
  dst: Int32Array;
  e: number;
}

function push(edges: Edges, a: number, b: number): void {
  if (edges.e === edges.src.length) {
    const src = new Int32Array(edges.e * 2);
    const dst = new Int32Array(edges.e * 2);
    src.set(edges.src);
    dst.set(edges.dst);
    edges.src = src;
    edges.dst = dst;
  }
  edges.src[edges.e] = a;
  edges.dst[edges.e++] = b;
}

/** The local index an entry names, or -1 (not an entry, or a drop on another node). */
function target(e: unknown, index: ReadonlyMap<string, number>, n: number): number {
  const oid = typeof e === 'string' ? e : entryOid(e);
  if (oid === undefined) return -1;
  const j = index.get(oid);
  return j !== undefined && j >= 0 && j < n ? j : -1;
}

/** A list naming drops downstream of drop i. */
function down(edges: Edges, list: unknown, i: number, index: ReadonlyMap<string, number>, n: number): void {
  if (!Array.isArray(list)) return;
  for (let k = 0; k < list.length; k++) {
    const j = target(list[k], index, n);
    if (j >= 0) push(edges, i, j);
  }
}

/** A list naming drops upstream of drop i. */
function up(edges: Edges, list: unknown, i: number, index: ReadonlyMap<string, number>, n: number): void {
  if (!Array.isArray(list)) return;
  for (let k = 0; k < list.length; k++) {
    const j = target(list[k], index, n);
    if (j >= 0) push(edges, j, i);
  }
}

/** Compressed rows of the edges a → b, grouped by a. O(edges + n). */
function rows(a: Int32Array, b: Int32Array, e: number, n: number): [Int32Array, Int32Array] {
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < e; k++) offsets[a[k]! + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const out = new Int32Array(e);
  const next = offsets.slice(0, n);
  for (let k = 0; k < e; k++) out[next[a[k]!]!++] = b[k]!;
  return [offsets, out];
}

/** 400 InvalidGraphException naming the drops of one cycle, when there is one. */
export function refuseCycles(specs: readonly DropSpec[], index: ReadonlyMap<string, number>): void {
  const found = findCycle(specs, index);
  if (!found) return;
  const { cycle, involved } = found;
  const shown = cycle.length > 10 ? [...cycle.slice(0, 10), `… (${cycle.length - 10} more)`] : [...cycle, cycle[0]!];
  const behind = involved > cycle.length ? `; ${involved} drops are on or behind cycles` : '';
  throw invalidGraph(`The drops form a cycle, so the graph could never finish: ${shown.join(' → ')}${behind}`, cycle);
}
