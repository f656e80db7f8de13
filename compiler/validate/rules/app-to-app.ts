// DLG3005 (warning): an application linked straight to an application. No data drop
// carries anything between them; the reference translator accepts it (cont_img_mvp has one)
// and the engine only orders the two. Usually a data node is missing.

import { CODES, warning } from '../../../kernel/diagnostics.ts';
import { linkName, type LgContext } from '../context.ts';

export function appToAppRule(ctx: LgContext): void {
  const g = ctx.graph;
  for (const l of g.links) {
    const a = g.nodes[l.from];
    const b = g.nodes[l.to];
    if (a.kind !== 'app' || b.kind !== 'app') continue;
    ctx.report(
      warning(CODES.APP_TO_APP_LINK, `${linkName(l)} joins application ${ctx.label(a)} directly to application ${ctx.label(b)}: no data passes between them (put a data node between the two if one should)`, ctx.at(a, { pointer: l.origin.pointer })),
    );
  }
}
