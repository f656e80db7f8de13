// DLG3010: a cycle that no Loop closes. A loop's back edge (group_end → group_start inside
// one Loop, or an EAGLE link marked closesLoop) is the only cycle a DAG of drops can come
// from; any other cycle would deadlock the engine.
//
// O(nodes + links): nodes on no cycle are peeled off first (in-degree / out-degree zero,
// repeatedly); graphlib's Tarjan (recursive) then runs only on what is left, which is empty
// for every acyclic graph.

import { alg, Graph } from '@dagrejs/graphlib';
import { CODES, error } from '../../diagnostics.ts';
import type { LgLink, LogicalGraph } from '../../model.ts';
import type { LgContext } from '../context.ts';
import { isGroupEnd, isGroupStart } from '../graph.ts';

function closesLoop(g: LogicalGraph, l: LgLink): boolean {
  if (l.closesLoop) return true;
  const s = g.nodes[l.from];
  const t = g.nodes[l.to];
  return s.parent >= 0 && s.parent === t.parent && g.nodes[s.parent].construct === 'Loop' && isGroupEnd(s) && isGroupStart(g, t);
}

/** Removes every node that cannot be on a cycle; returns the rest. */
function peel(graph: Graph): void {
  const queue = graph.nodes().filter((v) => !graph.predecessors(v)?.length || !graph.successors(v)?.length);
  while (queue.length) {
    const v = queue.pop()!;
    if (!graph.hasNode(v)) continue;
    const next = [...(graph.predecessors(v) ?? []), ...(graph.successors(v) ?? [])];
    graph.removeNode(v);
    for (const w of next) if (graph.hasNode(w) && (!graph.predecessors(w)?.length || !graph.successors(w)?.length)) queue.push(w);
  }
}

export function cyclesRule(ctx: LgContext): void {
  const g = ctx.graph;
  const graph = new Graph({ directed: true });
  for (const n of g.nodes) graph.setNode(String(n.index));
  for (const l of g.links) if (!closesLoop(g, l)) graph.setEdge(String(l.from), String(l.to));
  peel(graph);
  if (graph.nodeCount() === 0) return;
  let cycles: string[][];
  try {
    cycles = alg.findCycles(graph);
  } catch (e) {
    // A cycle deeper than the call stack: report what is left as one.
    if (!(e instanceof RangeError)) throw e;
    cycles = [graph.nodes()];
  }
  for (const c of cycles) {
    const members = c.map(Number).sort((a, b) => a - b).map((i) => g.nodes[i]);
    const shown = members.slice(0, 8).map((n) => ctx.label(n)).join(', ');
    const more = members.length > 8 ? ` and ${members.length - 8} more` : '';
    ctx.report(
      error(CODES.CYCLE, `the links form a cycle through ${members.length} node(s): ${shown}${more}. Only a Loop may close a cycle (its group_end node feeding its group_start node)`, ctx.at(members[0])),
    );
  }
}
