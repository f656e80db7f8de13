// DLG3015: §1.8. Only Scatter, Loop and GroupBy constructs may sit inside another construct
// ("Only Scatters, Loops and GroupBys can be nested"). A Gather's own input application is
// inside the Gather, which is fine: it is not a construct.

import { CODES, error } from '../../../kernel/diagnostics.ts';
import type { LgContext } from '../context.ts';

const NESTABLE = new Set(['Scatter', 'Loop', 'GroupBy']);

export function nestingRule(ctx: LgContext): void {
  const g = ctx.graph;
  for (const n of g.nodes) {
    if (n.kind !== 'construct' || n.parent < 0 || NESTABLE.has(n.construct!)) continue;
    ctx.report(error(CODES.ILLEGAL_NESTING, `a ${n.construct} cannot be nested inside another construct (here ${ctx.label(g.nodes[n.parent])}); only Scatter, Loop and GroupBy can`, ctx.at(n, { pointer: `${n.origin.pointer}/parentId` })));
  }
}
