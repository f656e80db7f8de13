// DLG3106: categoryType decides what the engine builds (§4.2): data, application (or app),
// socket or container, case-insensitively. Anything else is rejected when the graph loads.

import { CODES, error } from '../../../kernel/diagnostics.ts';
import type { DropListContext } from '../context.ts';

const KNOWN = new Set(['data', 'application', 'app', 'socket', 'container']);

export function dropsCategoryTypeRule(ctx: DropListContext): void {
  const out = ctx.capped(50);
  ctx.drops.forEach((d, i) => {
    const t = d.categoryType;
    if (typeof t !== 'string') return; // the schema rule reports a missing or non-string one
    if (!KNOWN.has(t.toLowerCase())) {
      out.report(error(CODES.PGT_BAD_CATEGORY_TYPE, `categoryType '${t}' is not one the engine knows (Data, Application, socket, container)`, ctx.at(i, { field: 'categoryType' })));
    }
  });
  out.done((n) => error(CODES.PGT_BAD_CATEGORY_TYPE, `… and ${n} more drops with an unknown categoryType`, {}));
}
