// DLG3017 (warning): a link that touches a comment, description or other non-executable
// node. Such nodes are removed before unrolling (Q12), and their links with them. Global
// variable nodes are data-class's concern (they are not data).

import { CODES, pointer, warning } from '../../../kernel/diagnostics.ts';
import { docNodeLabel, type LgContext } from '../context.ts';
import { GLOBAL_CATEGORIES } from '../../fill/names.ts';

export function linkNonExecutableRule(ctx: LgContext): void {
  const links: unknown[] = Array.isArray(ctx.doc.linkDataArray) ? ctx.doc.linkDataArray : [];
  links.forEach((l, i) => {
    if (!l || typeof l !== 'object') return;
    const o = l as Record<string, unknown>;
    for (const end of ['from', 'to'] as const) {
      const id = typeof o[end] === 'string' || typeof o[end] === 'number' ? String(o[end]) : undefined;
      if (id === undefined || ctx.graph.byId.has(id)) continue;
      const at = ctx.docIds.get(id)?.[0];
      if (at === undefined) continue; // link-endpoints reports it
      const d = ctx.docNodes[at]!;
      if (GLOBAL_CATEGORIES.has(d.category)) continue;
      ctx.report(
        warning(CODES.LINK_TO_NON_EXECUTABLE, `link #${i} ${end === 'from' ? 'comes from' : 'goes to'} ${docNodeLabel(d)}, a ${d.category || 'non-executable'} node that is not executed; the link is ignored`, {
          nodeId: d.id,
          nodeName: d.name,
          pointer: pointer('linkDataArray', i),
        }),
      );
    }
  });
}
