// DLG3102: two drops with one oid. A session refuses the second (InvalidGraphException, §4.3).

import { CODES, error } from '../../../kernel/diagnostics.ts';
import type { DropListContext } from '../context.ts';

export function dropsDuplicateOidsRule(ctx: DropListContext): void {
  const out = ctx.capped(50);
  for (const [i, first] of ctx.duplicates) {
    out.report(error(CODES.PGT_DUPLICATE_OID, `oid '${String(ctx.drops[i].oid)}' is also the oid of drop #${first}; oids must be unique`, ctx.at(i, { field: 'oid' })));
  }
  out.done((n) => error(CODES.PGT_DUPLICATE_OID, `… and ${n} more duplicate oids`, {}));
}
