// DLG3002: two nodes with one id. The model keeps the first and drops the others, so links
// and parents that mean the others silently attach to the first.

import { CODES, error } from '../../../kernel/diagnostics.ts';
import { docNodeLabel, type LgContext } from '../context.ts';

export function duplicateNodeIdsRule(ctx: LgContext): void {
  for (const [id, at] of ctx.docIds) {
    if (at.length < 2) continue;
    const first = ctx.docNodes[at[0]]!;
    for (const i of at.slice(1)) {
      const d = ctx.docNodes[i]!;
      ctx.report(
        error(CODES.DUPLICATE_NODE_ID, `node id '${id}' is also used by node ${docNodeLabel(first)} at ${first.pointer}; every node needs its own id (this node is ignored)`, {
          nodeId: id,
          nodeName: d.name,
          pointer: d.pointer,
        }),
      );
    }
  }
}
