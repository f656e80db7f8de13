// DLG3103: a relationship entry naming an oid that is not in the list. The engine ignores
// such entries (it takes them for drops on other nodes, §4.3), so the edge silently
// disappears; in a whole PGT/PG every oid must be present.

import { CODES, error } from '../../diagnostics.ts';
import { RELATIONS, type DropListContext } from '../context.ts';

export function dropsReferencesRule(ctx: DropListContext): void {
  const out = ctx.capped(50);
  for (const kind of RELATIONS) {
    const { offsets, targets, unknown } = ctx.relation(kind);
    for (let i = 0; i < ctx.drops.length; i++) {
      for (let k = offsets[i]; k < offsets[i + 1]; k++) {
        if (targets[k] >= 0) continue;
        out.report(error(CODES.PGT_UNKNOWN_OID, `${kind} names oid '${unknown.get(k)}', which no drop in the list has`, ctx.at(i, { field: kind })));
      }
    }
  }
  out.done((n) => error(CODES.PGT_UNKNOWN_OID, `… and ${n} more references to unknown oids`, {}));
}
