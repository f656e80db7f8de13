// DLG1007: a graph with nothing to execute (the reference: "Invalid LG, nodes not found").

import { CODES, error } from '../../../kernel/diagnostics.ts';
import type { LgContext } from '../context.ts';

export function emptyGraphRule(ctx: LgContext): void {
  if (ctx.graph.nodes.length > 0) return;
  const written = ctx.docNodes.filter(Boolean).length;
  ctx.report(
    error(
      CODES.EMPTY_GRAPH,
      written === 0
        ? 'the graph has no nodes'
        : `the graph has no executable nodes (its ${written} node(s) are comments, descriptions or variables, or have no usable id)`,
      { pointer: '/nodeDataArray' },
    ),
  );
}
