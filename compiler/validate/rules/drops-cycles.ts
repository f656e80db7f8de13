// DLG3105: the drops must form a DAG: a cycle never completes (every drop on it waits for
// another). Kahn's algorithm on typed arrays, O(drops + edges), no recursion, so it handles
// 10^6 drops; the report names the drops of one cycle found by walking what is left.

import { CODES, error } from '../../diagnostics.ts';
import type { DropListContext, Relation } from '../context.ts';

/** Relationship lists whose entries point downstream (owner → entry) and upstream. */
const DOWN: Relation[] = ['outputs', 'consumers', 'streamingConsumers'];
const UP: Relation[] = ['inputs', 'producers', 'streamingInputs'];

export function dropsCyclesRule(ctx: DropListContext): void {
  const N = ctx.drops.length;
  // Edge list from both sides; duplicates do not change the answer.
  let m = 0;
  for (const r of [...DOWN, ...UP]) m += ctx.relation(r).targets.length;
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let e = 0;
  for (const r of DOWN) {
    const t = ctx.relation(r);
    for (let i = 0; i < N; i++) for (let k = t.offsets[i]; k < t.offsets[i + 1]; k++) if (t.targets[k] >= 0) (src[e] = i), (dst[e++] = t.targets[k]);
  }
  for (const r of UP) {
    const t = ctx.relation(r);
    for (let i = 0; i < N; i++) for (let k = t.offsets[i]; k < t.offsets[i + 1]; k++) if (t.targets[k] >= 0) (src[e] = t.targets[k]), (dst[e++] = i);
  }
  const [offsets, succ] = csr(src, dst, e, N);
  const indeg = new Int32Array(N);
  for (let k = 0; k < e; k++) indeg[dst[k]]++;
  const queue = new Int32Array(N);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < N; i++) if (indeg[i] === 0) queue[tail++] = i;
  while (head < tail) {
    const v = queue[head++];
    for (let k = offsets[v]; k < offsets[v + 1]; k++) if (--indeg[succ[k]] === 0) queue[tail++] = succ[k];
  }
  if (tail === N) return;
  // Every left-over drop has a left-over predecessor (else its in-degree would have reached
  // 0), so walking predecessors among them must repeat a drop: that closes a cycle.
  const [poffsets, pred] = csr(dst, src, e, N);
  const left = (v: number) => indeg[v] > 0;
  let v = 0;
  while (!left(v)) v++;
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  while (!seenAt.has(v)) {
    seenAt.set(v, path.length);
    path.push(v);
    for (let k = poffsets[v]; k < poffsets[v + 1]; k++) {
      if (left(pred[k])) {
        v = pred[k];
        break;
      }
    }
  }
  const cycle = path.slice(seenAt.get(v)).reverse();
  const names = cycle.slice(0, 8).map((i) => `${String(ctx.drops[i].name ?? '')} (${String(ctx.drops[i].oid)})`);
  const more = cycle.length > 8 ? ` and ${cycle.length - 8} more` : '';
  ctx.report(
    error(CODES.PGT_CYCLE, `the drops form a cycle: ${names.join(' → ')}${more}${N - tail > cycle.length ? ` (${N - tail} drops are on or behind cycles)` : ''}`, ctx.at(cycle[0])),
  );
}

/** Compressed rows of the edges a → b, grouped by a. O(edges + n). */
function csr(a: Int32Array, b: Int32Array, e: number, n: number): [Int32Array, Int32Array] {
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < e; k++) offsets[a[k] + 1]++;
  for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i];
  const rows = new Int32Array(e);
  const next = offsets.slice(0, n);
  for (let k = 0; k < e; k++) rows[next[a[k]]++] = b[k];
  return [offsets, rows];
}
