// DLG3009: a Loop needs a group_start node (where each iteration begins) and a group_end
// node (whose output feeds the next iteration), §3.10.4.

import { CODES, error } from '../../../kernel/diagnostics.ts';
import type { LgContext } from '../context.ts';
import { isGroupEnd, isGroupStart } from '../graph.ts';

export function loopStartEndRule(ctx: LgContext): void {
  const g = ctx.graph;
  for (const n of g.nodes) {
    if (n.construct !== 'Loop') continue;
    const kids = n.children.map((k) => g.nodes[k]);
    if (!kids.length) {
      ctx.report(error(CODES.LOOP_WITHOUT_START_END, 'the Loop contains no nodes', ctx.at(n)));
      continue;
    }
    if (!kids.some((k) => isGroupStart(g, k))) ctx.report(error(CODES.LOOP_WITHOUT_START_END, 'the Loop has no group start: set group_start to true on the node where each iteration begins', ctx.at(n, { field: 'group_start' })));
    if (!kids.some((k) => isGroupEnd(k))) ctx.report(error(CODES.LOOP_WITHOUT_START_END, 'the Loop has no group end: set group_end to true on the node that feeds the next iteration', ctx.at(n, { field: 'group_end' })));
  }
}
