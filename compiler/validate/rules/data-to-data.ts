// DLG3006: a data node linked straight to a data node. Data is only written by applications
// and read by applications; the engine has no relationship for data → data.

import { CODES, error } from '../../../kernel/diagnostics.ts';
import { linkName, type LgContext } from '../context.ts';

export function dataToDataRule(ctx: LgContext): void {
  const g = ctx.graph;
  for (const l of g.links) {
    const a = g.nodes[l.from];
    const b = g.nodes[l.to];
    if (a.kind !== 'data' || b.kind !== 'data') continue;
    ctx.report(
      error(CODES.DATA_TO_DATA_LINK, `${linkName(l)} joins data ${ctx.label(a)} directly to data ${ctx.label(b)}: put an application between them`, ctx.at(a, { pointer: l.origin.pointer })),
    );
  }
}
