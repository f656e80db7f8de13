// DLG3107: an application drop, or a drop whose categoryType is exactly "Data", needs the
// dropclass the engine instantiates (§4.3: "specifies non-existent application").

import { CODES, error } from '../../../kernel/diagnostics.ts';
import type { DropListContext } from '../context.ts';

const APP = new Set(['application', 'app']);

export function dropsDropclassRule(ctx: DropListContext): void {
  const out = ctx.capped(50);
  ctx.drops.forEach((d, i) => {
    const t = d.categoryType;
    if (typeof t !== 'string') return;
    const needs = APP.has(t.toLowerCase()) || t === 'Data';
    if (!needs || (typeof d.dropclass === 'string' && d.dropclass.trim() !== '')) return;
    out.report(error(CODES.PGT_MISSING_DROPCLASS, `this ${t} drop has no dropclass, so the engine cannot create it`, ctx.at(i, { field: 'dropclass' })));
  });
  out.done((n) => error(CODES.PGT_MISSING_DROPCLASS, `… and ${n} more drops without a dropclass`, {}));
}
