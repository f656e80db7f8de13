// DLG3001 for relationship entries: an object entry is {oid: port name} with exactly one key
// and a string (or null) port (§3.8). The schema leaves this to us (see its relationList):
// the check rides on the pass that parses the relationships anyway.

import { CODES, error } from '../../diagnostics.ts';
import type { DropListContext } from '../context.ts';

export function dropsEntriesRule(ctx: DropListContext): void {
  const out = ctx.capped(50);
  for (const { drop, list, index } of ctx.malformedEntries()) {
    const loc = ctx.at(drop);
    out.report(error(CODES.SCHEMA, `element #${index} must be an oid string or a one-key object {oid: port name}`, { ...loc, pointer: `${loc.pointer}/${list}/${index}`, field: list }));
  }
  out.done((n) => error(CODES.SCHEMA, `… and ${n} more malformed relationship entries`, {}));
}
