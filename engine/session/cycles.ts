// A graph with a cycle never ends: every drop on it waits for another. The check is one
// linear pass (Kahn's algorithm on typed arrays, no recursion) over the relationship lists
// of both sides, so it costs O(drops + links) and handles 10^6 drops. Links to drops this
// session does not hold (on other nodes) are not followed.

import { DOWNSTREAM_LISTS, UPSTREAM_LISTS, entryOid } from '../../compiler/relations.ts';
import type { DropSpec } from '../drops/spec.ts';
import { invalidGraph } from '../errors.ts';

/** The oids of one cycle, in order, or undefined when the drops form a DAG. */
export function findCycle(specs: readonly DropSpec[], index: ReadonlyMap<string, number>): { cycle: string[]; involved: number } | undefined {
  const n = specs.length;
  // Count, then fill: edges a → b as two flat arrays.
  let m = 0;
  for (const s of specs) {
    for (const k of DOWNSTREAM_LISTS) if (Array.isArray(s[k])) m += (s[k] as unknown[]).length;
    for (const k of UPSTREAM_LISTS) if (Array.isArray(s[k])) m += (s[k] as unknown[]).length;
  }
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const s = specs[i]!;
    for (const k of DOWNSTREAM_LISTS) {
      const list = s[k];
      if (!Array.isArray(list)) continue;
      for (const x of list) {
        const j = index.get(entryOid(x) ?? '');
        if (j !== undefined && j >= 0 && j < n) (src[e] = i), (dst[e++] = j);
      }
    }
    for (const k of UPSTREAM_LISTS) {
      const list = s[k];
      if (!Array.isArray(list)) continue;
      for (const x of list) {
        const j = index.get(entryOid(x) ?? '');
        if (j !== undefined && j >= 0 && j < n) (src[e] = j), (dst[e++] = i);
      }
    }
  }
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
