// DLG3010: a cycle that no Loop closes. A loop's back edge (group_end → group_start inside
// one Loop, or an EAGLE link marked closesLoop) is the only cycle a DAG of drops can come
// from; any other cycle would deadlock the engine.
//
// O(nodes + links): nodes that cannot be on a cycle (no in-edge or no out-edge, repeatedly)
// are peeled off with typed arrays first; graphlib's Tarjan (recursive) then runs on the
// small core that is left, which is empty for every acyclic graph.

import { alg, Graph } from '@dagrejs/graphlib';
import { CODES, error } from '../../../kernel/diagnostics.ts';
import { rows } from '../../../kernel/drop-graph.ts';
import type { LgLink, LogicalGraph } from '../../model.ts';
import type { LgContext } from '../context.ts';
import { isGroupEnd, isGroupStart } from '../graph.ts';

function closesLoop(g: LogicalGraph, l: LgLink): boolean {
  if (l.closesLoop) return true;
  const s = g.nodes[l.from];
  const t = g.nodes[l.to];
  return s.parent >= 0 && s.parent === t.parent && g.nodes[s.parent].construct === 'Loop' && isGroupEnd(s) && isGroupStart(g, t);
}

/** Marks the nodes that lie on a cycle or between cycles (the rest can be peeled off). */
function core(n: number, edges: LgLink[]): Uint8Array {
  const m = edges.length;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  edges.forEach((l, k) => ((from[k] = l.from), (to[k] = l.to)));
  const out = rows(n, m, from, to);
  const inn = rows(n, m, to, from);
  const indeg = new Int32Array(n);
  const outdeg = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    outdeg[v] = out.offsets[v + 1] - out.offsets[v];
    indeg[v] = inn.offsets[v + 1] - inn.offsets[v];
  }
  const alive = new Uint8Array(n).fill(1);
  const stack: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0 || outdeg[v] === 0) stack.push(v);
  while (stack.length) {
    const v = stack.pop()!;
    if (!alive[v]) continue;
    alive[v] = 0;
    for (let k = out.offsets[v]; k < out.offsets[v + 1]; k++) {
      const w = out.items[k];
      if (alive[w] && --indeg[w] === 0) stack.push(w);
    }
    for (let k = inn.offsets[v]; k < inn.offsets[v + 1]; k++) {
      const w = inn.items[k];
      if (alive[w] && --outdeg[w] === 0) stack.push(w);
    }
  }
  return alive;
}

export function cyclesRule(ctx: LgContext): void {
  const g = ctx.graph;
  const edges = g.links.filter((l) => !closesLoop(g, l));
  const alive = core(g.nodes.length, edges);
  if (!alive.includes(1)) return;
  const graph = new Graph({ directed: true });
  alive.forEach((a, v) => a && graph.setNode(String(v)));
  for (const l of edges) if (alive[l.from] && alive[l.to]) graph.setEdge(String(l.from), String(l.to));
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
