// The drop table: the physical graph template held flat. A drop is an index; its LG node
// and instance index are columns; edges are parallel Int32Arrays. Strings (oids, iids,
// port names) are made only when emitting. Memory per drop: ~9 bytes + ~12 bytes per edge.

import { rows } from '../../kernel/drop-graph.ts';
import type { LogicalGraph } from '../model.ts';
import type { NodeSpec } from './classes.ts';
import type { NodeProps } from './props.ts';

/** app → data: src.outputs, dst.producers, dst.port_map */
export const REL_APP_DATA = 0;
/** data → app: src.consumers, dst.inputs */
export const REL_DATA_APP = 1;

export interface Rel {
  kind: typeof REL_APP_DATA | typeof REL_DATA_APP;
  /** the port name stored in the source drop's list (null: a plain oid entry) */
  srcName: string | null;
  /** the port name stored in the target drop's list */
  dstName: string | null;
}

export interface DropBlock {
  node: number;
  /** 'drop': the node's own drops; 'grpdata': the -grp-data helpers of a GroupBy */
  kind: 'drop' | 'grpdata';
  start: number;
  count: number;
}

export interface DropTable {
  lg: LogicalGraph;
  props: NodeProps;
  /** per LG node: class, weight, CPUs (undefined for nodes that make no drops of their own) */
  specs: (NodeSpec | undefined)[];
  /** number of drops */
  n: number;
  /** in output order; together they cover 0..n-1 contiguously */
  blocks: DropBlock[];
  /** per LG node: index of its first drop, -1 when it makes none */
  nodeStart: Int32Array;
  /** per LG node (GroupBy only): index of its first -grp-data drop, -1 otherwise */
  grpStart: Int32Array;
  /** per drop: its LG node */
  dropNode: Int32Array;
  /** per drop: 1 for a -grp-data helper */
  dropGrp: Uint8Array;
  /** distinct edges, in the order the relationships were made */
  m: number;
  src: Int32Array;
  dst: Int32Array;
  rel: Int32Array;
  rels: Rel[];
  /** out-edges of each drop, in the order they were made (built once, read by every stage) */
  out: Adjacency;
}

/** Growable edge list; doubling keeps appends amortised O(1). */
export class EdgeBuffer {
  m = 0;
  src = new Int32Array(1024);
  dst = new Int32Array(1024);
  rel = new Int32Array(1024);

  push(s: number, d: number, r: number): void {
    if (this.m === this.src.length) this.grow();
    this.src[this.m] = s;
    this.dst[this.m] = d;
    this.rel[this.m] = r;
    this.m++;
  }

  private grow(): void {
    const cap = this.src.length * 2;
    const s = new Int32Array(cap);
    const d = new Int32Array(cap);
    const r = new Int32Array(cap);
    s.set(this.src);
    d.set(this.dst);
    r.set(this.rel);
    this.src = s;
    this.dst = d;
    this.rel = r;
  }
}

/** Interns relationship kinds + port names so an edge stores one integer. */
export class RelTable {
  readonly rels: Rel[] = [];
  private readonly index = new Map<string, number>();

  id(kind: Rel['kind'], srcName: string | null, dstName: string | null): number {
    const key = `${kind}\u0000${srcName ?? '\u0001'}\u0000${dstName ?? '\u0001'}`;
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.rels.length;
      this.rels.push({ kind, srcName, dstName });
      this.index.set(key, id);
    }
    return id;
  }
}

/** Compressed adjacency over edge ids, keeping edge order within each drop. O(n + m). */
export interface Adjacency {
  offsets: Int32Array;
  edges: Int32Array;
}

export function adjacency(n: number, m: number, ends: Int32Array): Adjacency {
  const { offsets, items } = rows(n, m, ends, null);
  return { offsets, edges: items };
}

/**
 * Removes repeated (src, dst, rel) edges, keeping the first (Q4).
 * O(m) plus O(d log d) for each drop of out-degree d > 8.
 */
export function dedupeEdges(n: number, buf: EdgeBuffer): { m: number; src: Int32Array; dst: Int32Array; rel: Int32Array } {
  const m = buf.m;
  const { src, dst, rel } = buf;
  const out = adjacency(n, m, src);
  const dup = new Uint8Array(m);
  let any = false;
  for (let v = 0; v < n; v++) {
    const lo = out.offsets[v];
    const hi = out.offsets[v + 1];
    const d = hi - lo;
    if (d < 2) continue;
    if (d <= 8) {
      for (let i = lo + 1; i < hi; i++) {
        const ei = out.edges[i];
        for (let j = lo; j < i; j++) {
          const ej = out.edges[j];
          if (!dup[ej] && dst[ej] === dst[ei] && rel[ej] === rel[ei]) {
            dup[ei] = 1;
            any = true;
            break;
          }
        }
      }
      continue;
    }
    const ids = out.edges.slice(lo, hi);
    ids.sort((a, b) => dst[a] - dst[b] || rel[a] - rel[b] || a - b);
    for (let i = 1; i < ids.length; i++) {
      if (dst[ids[i]] === dst[ids[i - 1]] && rel[ids[i]] === rel[ids[i - 1]]) {
        dup[ids[i]] = 1;
        any = true;
      }
    }
  }
  if (!any) return { m, src: src.subarray(0, m), dst: dst.subarray(0, m), rel: rel.subarray(0, m) };
  let k = 0;
  const s2 = new Int32Array(m);
  const d2 = new Int32Array(m);
  const r2 = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    if (dup[e]) continue;
    s2[k] = src[e];
    d2[k] = dst[e];
    r2[k] = rel[e];
    k++;
  }
  return { m: k, src: s2.subarray(0, k), dst: d2.subarray(0, k), rel: r2.subarray(0, k) };
}

/** Number of distinct (src, dst) pairs: the DAG edge count the reference reports. O(n + m log d). */
export function distinctDropEdges(t: DropTable): number {
  const { out } = t;
  let count = 0;
  const seen = new Map<number, number>();
  for (let v = 0; v < t.n; v++) {
    const lo = out.offsets[v];
    const hi = out.offsets[v + 1];
    if (hi - lo < 2) {
      count += hi - lo;
      continue;
    }
    seen.clear();
    for (let i = lo; i < hi; i++) {
      const d = t.dst[out.edges[i]];
      if (!seen.has(d)) {
        seen.set(d, 1);
        count++;
      }
    }
  }
  return count;
}
