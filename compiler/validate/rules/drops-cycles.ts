// DLG3105: the drops must form a DAG: a cycle never completes (every drop on it waits for
// another). Kahn's algorithm on typed arrays (kernel/drop-graph.ts), O(drops + edges), no
// recursion, so it handles 10^6 drops; the report names the drops of one cycle.

import { findCycle } from '../../../kernel/drop-graph.ts';
import { CODES, error } from '../../../kernel/diagnostics.ts';
import { DOWNSTREAM_LISTS, UPSTREAM_LISTS } from '../../../kernel/relations.ts';
import type { DropListContext } from '../context.ts';

export function dropsCyclesRule(ctx: DropListContext): void {
  const N = ctx.drops.length;
  // Edge list from both sides; duplicates do not change the answer.
  let m = 0;
  for (const r of [...DOWNSTREAM_LISTS, ...UPSTREAM_LISTS]) m += ctx.relation(r).targets.length;
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let e = 0;
  for (const r of DOWNSTREAM_LISTS) {
    const t = ctx.relation(r);
    for (let i = 0; i < N; i++) for (let k = t.offsets[i]; k < t.offsets[i + 1]; k++) if (t.targets[k] >= 0) (src[e] = i), (dst[e++] = t.targets[k]);
  }
  for (const r of UPSTREAM_LISTS) {
    const t = ctx.relation(r);
    for (let i = 0; i < N; i++) for (let k = t.offsets[i]; k < t.offsets[i + 1]; k++) if (t.targets[k] >= 0) (src[e] = t.targets[k]), (dst[e++] = i);
  }
  const found = findCycle(N, src, dst, e);
  if (!found) return;
  const { cycle, involved } = found;
  const names = cycle.slice(0, 8).map((i) => `${String(ctx.drops[i].name ?? '')} (${String(ctx.drops[i].oid)})`);
  const more = cycle.length > 8 ? ` and ${cycle.length - 8} more` : '';
  ctx.report(
    error(CODES.PGT_CYCLE, `the drops form a cycle: ${names.join(' → ')}${more}${involved > cycle.length ? ` (${involved} drops are on or behind cycles)` : ''}`, ctx.at(cycle[0])),
  );
}
