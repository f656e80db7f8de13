// DLG3014: a parentId that names no node, a node that is not a construct (or an
// ExclusiveForceNode, a placement group), the node itself, or closes a cycle of parents.
// The model puts such nodes at top level silently, which changes how many instances they get.

import { CODES, error } from '../../diagnostics.ts';
import { CONSTRUCT_KINDS } from '../../model.ts';
import { EXCLUSIVE_FORCE_NODE } from '../../load/model.ts';
import { docNodeLabel, type DocNode, type LgContext } from '../context.ts';

function isConstruct(d: DocNode): boolean {
  return (CONSTRUCT_KINDS as readonly string[]).includes(d.category) && (d.isGroup || d.categoryType === 'Construct');
}

function canContain(d: DocNode): boolean {
  return isConstruct(d) || d.category === EXCLUSIVE_FORCE_NODE;
}

export function parentsRule(ctx: LgContext): void {
  const parentOf = (d: DocNode): DocNode | undefined => {
    const at = d.parentId !== undefined ? ctx.docIds.get(d.parentId)?.[0] : undefined;
    return at !== undefined ? ctx.docNodes[at] : undefined;
  };
  for (const d of ctx.docNodes) {
    if (!d || d.parentId === undefined) continue;
    const at = { nodeId: d.id, nodeName: d.name, pointer: `${d.pointer}/parentId` };
    const p = parentOf(d);
    if (d.parentId === d.id) ctx.report(error(CODES.BAD_PARENT, 'the node names itself as its parent', at));
    else if (!p) ctx.report(error(CODES.BAD_PARENT, `parent '${d.parentId}' is not in the graph; the node is treated as top level`, at));
    else if (!canContain(p)) ctx.report(error(CODES.BAD_PARENT, `parent ${docNodeLabel(p)} is ${p.category ? `a ${p.category}` : 'not a construct'}, not a construct; only constructs (Scatter, Gather, GroupBy, Loop, ...) contain nodes`, at));
  }
  // Cycles of parents: colour walk, each node visited once.
  const state = new Uint8Array(ctx.docNodes.length); // 0 new, 1 on the current path, 2 done
  for (const start of ctx.docNodes) {
    if (!start) continue;
    const path: DocNode[] = [];
    let cur: DocNode | undefined = start;
    while (cur && state[cur.index] === 0 && cur.parentId !== cur.id) {
      state[cur.index] = 1;
      path.push(cur);
      cur = parentOf(cur);
    }
    if (cur && state[cur.index] === 1 && cur.parentId !== cur.id) {
      const cycle = path.slice(path.indexOf(cur));
      ctx.report(
        error(CODES.BAD_PARENT, `parents form a cycle: ${[...cycle, cur].map(docNodeLabel).join(' → ')}; every node on it is treated as top level`, {
          nodeId: cur.id,
          nodeName: cur.name,
          pointer: `${cur.pointer}/parentId`,
        }),
      );
    }
    for (const p of path) state[p.index] = 2;
  }
}
