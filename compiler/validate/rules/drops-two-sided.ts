// DLG3104 (warning): relationships are written on both ends (§3.8): a.outputs has b ⇔
// b.producers has a; a.inputs has b ⇔ b.consumers has a; and the same for streaming. The
// engine needs one side only (it wires both directions), so a one-sided entry runs, but a
// translator's output should agree with itself.
// O(entries): pairs are packed into one number (from · N + to) in a Set.

import { CODES, warning } from '../../diagnostics.ts';
import { MIRROR, UPSTREAM_LISTS } from '../../relations.ts';
import type { DropListContext, Relation } from '../context.ts';

/** Each relationship once: the upstream list and its mirror. */
const PAIRS: [Relation, Relation][] = UPSTREAM_LISTS.map((l) => [MIRROR[l], l]);

export function dropsTwoSidedRule(ctx: DropListContext): void {
  const N = ctx.drops.length;
  const out = ctx.capped(50);
  for (const [a, b] of PAIRS) {
    const ta = ctx.relation(a);
    const tb = ctx.relation(b);
    // Both sides as sets of (owner, other) pairs, the b side stored reversed.
    const sideA = new Set<number>();
    const sideB = new Set<number>();
    for (let i = 0; i < N; i++) {
      for (let k = ta.offsets[i]; k < ta.offsets[i + 1]; k++) if (ta.targets[k] >= 0) sideA.add(i * N + ta.targets[k]);
      for (let k = tb.offsets[i]; k < tb.offsets[i + 1]; k++) if (tb.targets[k] >= 0) sideB.add(tb.targets[k] * N + i);
    }
    const oid = (i: number) => String(ctx.drops[i].oid);
    for (const p of sideA) {
      if (sideB.has(p)) continue;
      const i = Math.floor(p / N);
      const j = p - i * N;
      out.report(warning(CODES.PGT_ONE_SIDED, `${a} lists '${oid(j)}', but that drop's ${b} does not list '${oid(i)}'`, ctx.at(i, { field: a })));
    }
    for (const p of sideB) {
      if (sideA.has(p)) continue;
      const i = Math.floor(p / N);
      const j = p - i * N;
      out.report(warning(CODES.PGT_ONE_SIDED, `${b} lists '${oid(i)}', but that drop's ${a} does not list '${oid(j)}'`, ctx.at(j, { field: b })));
    }
  }
  out.done((n) => warning(CODES.PGT_ONE_SIDED, `… and ${n} more one-sided relationships`, {}));
}
