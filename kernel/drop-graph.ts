// Graph algorithms over drops numbered 0..n-1, for the compiler (unrolling, validation,
// scheduling) and the engine (admission): edge lists, compressed rows, topological order and
// the drops of a cycle. Flat typed arrays only, nothing allocated per drop or per edge, no
// recursion, so 10^7 drops stay linear in time and memory.

import type { OidLookup } from './oid-index.ts';
import { entryOid } from './relations.ts';

/** Edges src[k] → dst[k], k < m, in two typed arrays grown by doubling (appends amortised O(1)). */
export class EdgeList {
  m = 0;
  src: Int32Array;
  dst: Int32Array;

  constructor(capacity = 1024) {
    this.src = new Int32Array(Math.max(16, capacity));
    this.dst = new Int32Array(Math.max(16, capacity));
  }

  push(a: number, b: number): void {
    if (this.m === this.src.length) this.grow();
    this.src[this.m] = a;
    this.dst[this.m++] = b;
  }

  /** Every edge of `other`, after these. */
  append(other: EdgeList): void {
    if (this.m + other.m > this.src.length) this.grow(this.m + other.m);
    this.src.set(other.src.subarray(0, other.m), this.m);
    this.dst.set(other.dst.subarray(0, other.m), this.m);
    this.m += other.m;
  }

  private grow(atLeast = 0): void {
    const size = Math.max(this.m * 2, atLeast);
    const src = new Int32Array(size);
    const dst = new Int32Array(size);
    src.set(this.src);
    dst.set(this.dst);
    this.src = src;
    this.dst = dst;
  }
}

/** Compressed rows: row v is items[offsets[v] .. offsets[v + 1]). */
export interface Rows {
  offsets: Int32Array;
  items: Int32Array;
}

/**
 * Edges k < m grouped by key[k] (their source, or their target for the reverse direction),
 * stable: within a row, edges keep their order. A row holds value[k], or the edge id k
 * itself when `value` is null. O(n + m).
 */
export function rows(n: number, m: number, key: Int32Array, value: Int32Array | null): Rows {
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) offsets[key[k]! + 1]!++;
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  const fill = offsets.slice(0, n);
  const items = new Int32Array(m);
  if (value === null) for (let k = 0; k < m; k++) items[fill[key[k]!]!++] = k;
  else for (let k = 0; k < m; k++) items[fill[key[k]!]!++] = value[k]!;
  return { offsets, items };
}

/** Drops 0..n-1 and their distinct successors as compressed rows. */
export interface DropGraph {
  n: number;
  /** length n + 1: the successors of v are targets[offsets[v] .. offsets[v + 1]) */
  offsets: Int32Array;
  targets: Int32Array;
}

/**
 * The successor rows of the edges src[k] → dst[k] (k < m), each row in edge order with
 * repeated targets and self-loops dropped (the first occurrence keeps its place). O(n + m).
 */
export function distinctSuccessors(n: number, src: Int32Array, dst: Int32Array, m: number): DropGraph {
  const { offsets, items } = rows(n, m, src, dst);
  // "Last source that saw this target" marks repeats without clearing anything per row.
  const seen = new Int32Array(n).fill(-1);
  const out = new Int32Array(n + 1);
  let k = 0;
  for (let v = 0; v < n; v++) {
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const t = items[e]!;
      if (t === v || seen[t] === v) continue;
      seen[t] = v;
      items[k++] = t;
    }
    out[v + 1] = k;
  }
  return { n, offsets: out, targets: items.slice(0, k) };
}

/**
 * The reverse of compressed successor rows: the predecessors of each drop, and for each the
 * slot of the edge in `targets`. Within a row, sources come in increasing order. O(n + m).
 */
export function transpose(n: number, offsets: Int32Array, targets: Int32Array): { offsets: Int32Array; sources: Int32Array; edge: Int32Array } {
  const m = offsets[n]!;
  const poff = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) poff[targets[e]! + 1]!++;
  for (let v = 0; v < n; v++) poff[v + 1]! += poff[v]!;
  const fill = poff.slice(0, n);
  const sources = new Int32Array(m);
  const edge = new Int32Array(m);
  for (let u = 0; u < n; u++) {
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const p = fill[targets[e]!]!++;
      sources[p] = u;
      edge[p] = e;
    }
  }
  return { offsets: poff, sources, edge };
}

export interface KahnResult {
  /** the first `placed` entries are a topological order of the drops they name */
  order: Int32Array;
  placed: number;
  /** > 0 exactly for the drops left over: on a cycle or downstream of one */
  indeg: Int32Array;
}

/**
 * Kahn's algorithm with a FIFO queue, O(n + m). The successors of v are
 * items[offsets[v] .. offsets[v + 1]), or, when `via` is given, via[items[k]] (rows of edge
 * ids over an edge list's targets). `placed` < n when the graph has a cycle.
 */
export function kahn(n: number, offsets: Int32Array, items: Int32Array, via: Int32Array | null = null): KahnResult {
  const m = offsets[n]!;
  const indeg = new Int32Array(n);
  const order = new Int32Array(n);
  let tail = 0;
  if (via === null) {
    for (let k = 0; k < m; k++) indeg[items[k]!]!++;
    for (let v = 0; v < n; v++) if (indeg[v] === 0) order[tail++] = v;
    for (let head = 0; head < tail; head++) {
      const v = order[head]!;
      for (let k = offsets[v]!; k < offsets[v + 1]!; k++) {
        const w = items[k]!;
        if (--indeg[w]! === 0) order[tail++] = w;
      }
    }
  } else {
    for (let k = 0; k < m; k++) indeg[via[items[k]!]!]!++;
    for (let v = 0; v < n; v++) if (indeg[v] === 0) order[tail++] = v;
    for (let head = 0; head < tail; head++) {
      const v = order[head]!;
      for (let k = offsets[v]!; k < offsets[v + 1]!; k++) {
        const w = via[items[k]!]!;
        if (--indeg[w]! === 0) order[tail++] = w;
      }
    }
  }
  return { order, placed: tail, indeg };
}

/** A topological order of compressed successor rows, or undefined when they hold a cycle. */
export function topologicalOrder(n: number, offsets: Int32Array, targets: Int32Array): Int32Array | undefined {
  const { order, placed } = kahn(n, offsets, targets);
  return placed === n ? order : undefined;
}

/** The drops Kahn's algorithm leaves over (on a cycle or downstream of one), ascending; empty for a DAG. */
export function cyclicDrops(n: number, offsets: Int32Array, items: Int32Array, via: Int32Array | null = null): Int32Array {
  const { placed, indeg } = kahn(n, offsets, items, via);
  if (placed === n) return new Int32Array(0);
  const left = new Int32Array(n - placed);
  let k = 0;
  for (let v = 0; v < n; v++) if (indeg[v]! > 0) left[k++] = v;
  return left;
}

/**
 * One cycle of the edges src[k] → dst[k] (k < m), as the drops along it in edge direction,
 * with the number of drops on or behind cycles; undefined for a DAG. Self-loops and repeated
 * edges are allowed. O(n + m), no recursion.
 */
export function findCycle(n: number, src: Int32Array, dst: Int32Array, m: number): { cycle: number[]; involved: number } | undefined {
  const succ = rows(n, m, src, dst);
  const { placed, indeg } = kahn(n, succ.offsets, succ.items);
  if (placed === n) return undefined;
  // Every drop left has a predecessor left (else its in-degree would have reached 0), so
  // walking predecessors among them must repeat a drop: that closes a cycle.
  const pred = rows(n, m, dst, src);
  let v = 0;
  while (indeg[v] === 0) v++;
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  while (!seenAt.has(v)) {
    seenAt.set(v, path.length);
    path.push(v);
    for (let k = pred.offsets[v]!; k < pred.offsets[v + 1]!; k++) {
      if (indeg[pred.items[k]!]! > 0) {
        v = pred.items[k]!;
        break;
      }
    }
  }
  return { cycle: path.slice(seenAt.get(v)).reverse(), involved: n - placed };
}

/**
 * Every relationship of the specs as an edge upstream → downstream, read from both ends:
 * first the downstream lists of every drop (streamingConsumers, consumers, outputs: the
 * reference's DAG edge order, §5.2), then the upstream lists (streamingInputs, producers,
 * inputs). Entries naming no drop of `index` below `n`, or nothing at all, are counted in
 * `unknown`. Repeated edges and self-loops are kept. O(drops + entries).
 */
export function specEdges(specs: readonly Record<string, unknown>[], index: OidLookup, n = specs.length): { edges: EdgeList; unknown: number } {
  const edges = new EdgeList(2 * n);
  const upstream = new EdgeList(n);
  let unknown = 0;
  // One pass (reading 10^6 spec objects twice cost a quarter more), the upstream edges kept
  // apart and appended after. Property reads spelt out: this loop reads every entry.
  for (let i = 0; i < n; i++) {
    const s = specs[i]!;
    let l: unknown = s.streamingConsumers;
    if (l !== undefined) unknown += down(edges, l, i, index, n);
    l = s.consumers;
    if (l !== undefined) unknown += down(edges, l, i, index, n);
    l = s.outputs;
    if (l !== undefined) unknown += down(edges, l, i, index, n);
    l = s.streamingInputs;
    if (l !== undefined) unknown += up(upstream, l, i, index, n);
    l = s.producers;
    if (l !== undefined) unknown += up(upstream, l, i, index, n);
    l = s.inputs;
    if (l !== undefined) unknown += up(upstream, l, i, index, n);
  }
  edges.append(upstream);
  return { edges, unknown };
}

/**
 * The drop graph of a list of specs, all with a string oid (a repeated oid names its last
 * drop): distinct edges in the reference's DAG edge order (see specEdges), with the number of
 * entries naming no drop of the list. O(drops + entries).
 */
export function dropGraphOfSpecs(specs: readonly Record<string, unknown>[]): DropGraph & { unknown: number } {
  const n = specs.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(specs[i]!.oid as string, i);
  const { edges, unknown } = specEdges(specs, index, n);
  return { ...distinctSuccessors(n, edges.src, edges.dst, edges.m), unknown };
}

/** The drop an entry names, or -1. */
function target(e: unknown, index: OidLookup, n: number): number {
  const oid = typeof e === 'string' ? e : entryOid(e);
  if (oid === undefined) return -1;
  const j = index.get(oid);
  return j !== undefined && j >= 0 && j < n ? j : -1;
}

/** Edges i → each drop of `list`; the number of entries naming no drop. */
function down(edges: EdgeList, list: unknown, i: number, index: OidLookup, n: number): number {
  if (!Array.isArray(list)) return 0;
  let unknown = 0;
  for (let k = 0; k < list.length; k++) {
    const j = target(list[k], index, n);
    if (j >= 0) edges.push(i, j);
    else unknown++;
  }
  return unknown;
}

/** Edges each drop of `list` → i; the number of entries naming no drop. */
function up(edges: EdgeList, list: unknown, i: number, index: OidLookup, n: number): number {
  if (!Array.isArray(list)) return 0;
  let unknown = 0;
  for (let k = 0; k < list.length; k++) {
    const j = target(list[k], index, n);
    if (j >= 0) edges.push(j, i);
    else unknown++;
  }
  return unknown;
}
