// DLG3104 (warning): relationships are written on both ends (§3.8): a.outputs has b ⇔
// b.producers has a; a.inputs has b ⇔ b.consumers has a; and the same for streaming. The
// engine needs one side only (it wires both directions), so a one-sided entry runs, but a
// translator's output should agree with itself. The pairs come from ctx.oneSided(), which
// the normalisation of a drop list given to dlg-translate reuses to add the missing ends.

import { CODES, warning } from '../../diagnostics.ts';
import type { DropListContext } from '../context.ts';

export function dropsTwoSidedRule(ctx: DropListContext): void {
  const out = ctx.capped(50);
  const oid = (i: number) => String(ctx.drops[i]!.oid);
  for (const { list, mirror, owners, others } of ctx.oneSided()) {
    for (let k = 0; k < owners.length; k++) {
      const i = owners[k]!;
      const j = others[k]!;
      out.report(warning(CODES.PGT_ONE_SIDED, `${list} lists '${oid(j)}', but that drop's ${mirror} does not list '${oid(i)}'`, ctx.at(i, { field: list })));
    }
  }
  out.done((n) => warning(CODES.PGT_ONE_SIDED, `… and ${n} more one-sided relationships`, {}));
}
