// DLG3003: a link whose from/to names no node of the document (the reference crashes with
// a KeyError while unrolling). Ends that are non-executable nodes are link-non-executable's.

import { CODES, error, pointer } from '../../../kernel/diagnostics.ts';
import { docNodeLabel, type LgContext } from '../context.ts';

function endId(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

export function linkEndpointsRule(ctx: LgContext): void {
  const links: unknown[] = Array.isArray(ctx.doc.linkDataArray) ? ctx.doc.linkDataArray : [];
  links.forEach((l, i) => {
    if (!l || typeof l !== 'object') return; // the schema rule reports it
    const o = l as Record<string, unknown>;
    const from = endId(o.from);
    const to = endId(o.to);
    const fromNode = from !== undefined ? ctx.docIds.get(from)?.[0] : undefined;
    const toNode = to !== undefined ? ctx.docIds.get(to)?.[0] : undefined;
    const known = fromNode ?? toNode;
    const at = known !== undefined ? { nodeId: ctx.docNodes[known]!.id, nodeName: ctx.docNodes[known]!.name } : {};
    const ptr = pointer('linkDataArray', i);
    if (from !== undefined && fromNode === undefined) {
      const other = toNode !== undefined ? ` (to ${docNodeLabel(ctx.docNodes[toNode]!)})` : '';
      ctx.report(error(CODES.LINK_MISSING_NODE, `link #${i}${other} comes from node '${from}', which is not in the graph`, { ...at, pointer: `${ptr}/from` }));
    }
    if (to !== undefined && toNode === undefined) {
      const other = fromNode !== undefined ? ` (from ${docNodeLabel(ctx.docNodes[fromNode]!)})` : '';
      ctx.report(error(CODES.LINK_MISSING_NODE, `link #${i}${other} goes to node '${to}', which is not in the graph`, { ...at, pointer: `${ptr}/to` }));
    }
  });
}
