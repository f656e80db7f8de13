// DLG3018 (warning): the same link (same nodes, same ports) drawn twice. The reference then
// repeats the relationship in every drop spec (Q4); we de-duplicate, but it is a mistake.

import { CODES, warning } from '../../../kernel/diagnostics.ts';
import type { LgContext } from '../context.ts';

export function duplicateLinksRule(ctx: LgContext): void {
  const g = ctx.graph;
  const seen = new Map<string, number>();
  for (const l of g.links) {
    const key = `${l.from}\u0000${l.fromPort ?? ''}\u0000${l.to}\u0000${l.toPort ?? ''}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, l.index);
      continue;
    }
    const firstPtr = g.links[first].origin.pointer;
    ctx.report(
      warning(CODES.DUPLICATE_LINK, `this link from ${ctx.label(g.nodes[l.from])} to ${ctx.label(g.nodes[l.to])} repeats the one at ${firstPtr}`, ctx.at(g.nodes[l.from], { pointer: l.origin.pointer })),
    );
  }
}
