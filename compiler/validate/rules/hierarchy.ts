// DLG3016: §3.2 rule 6. The two ends of a link must be hierarchically related (one's
// constructs enclose the other's), or sit in loops that iterate in step.
// Unlike the reference (Q51) the relation compares construct chains, not id substrings.

import { CODES, error } from '../../../kernel/diagnostics.ts';
import { linkName, type LgContext } from '../context.ts';
import { chainOf, dopOf, hierarchicallyRelated } from '../graph.ts';

export function hierarchyRule(ctx: LgContext): void {
  const g = ctx.graph;
  const chains = new Map<number, number[]>();
  const chain = (i: number) => {
    let c = chains.get(i);
    if (!c) chains.set(i, (c = chainOf(g, g.nodes[i])));
    return c;
  };
  for (const l of g.links) {
    const S = g.nodes[l.from];
    const T = g.nodes[l.to];
    // Links to scatter/loop constructs are construct-links' errors already.
    if (S.construct === 'Scatter' || S.construct === 'Loop' || T.construct === 'Scatter' || T.construct === 'Loop') continue;
    const cs = chain(l.from);
    const ct = chain(l.to);
    if (hierarchicallyRelated(cs, ct)) continue;
    const ps = S.parent >= 0 ? g.nodes[S.parent] : undefined;
    const pt = T.parent >= 0 ? g.nodes[T.parent] : undefined;
    if (ps?.construct === 'Loop' && pt?.construct === 'Loop') {
      // Walk both chains outwards while both are loops: each pair must iterate equally often.
      for (let a = cs.length - 1, b = ct.length - 1; a >= 0 && b >= 0; a--, b--) {
        const la = g.nodes[cs[a]];
        const lb = g.nodes[ct[b]];
        if (la.construct !== 'Loop' || lb.construct !== 'Loop') break;
        const da = dopOf(la);
        const db = dopOf(lb);
        if (da !== undefined && db !== undefined && da !== db) {
          ctx.report(error(CODES.NOT_HIERARCHICAL, `${linkName(l)} joins loops that are not synchronised: ${ctx.label(la)} iterates ${da} times, ${ctx.label(lb)} ${db} times`, ctx.at(S, { pointer: l.origin.pointer })));
          break;
        }
      }
      continue;
    }
    const where = (c: number[]) => (c.length ? `inside ${c.map((k) => ctx.label(g.nodes[k])).join(' › ')}` : 'at top level');
    ctx.report(
      error(CODES.NOT_HIERARCHICAL, `${linkName(l)} joins ${ctx.label(S)} (${where(cs)}) to ${ctx.label(T)} (${where(ct)}): neither's constructs enclose the other's, so their instances cannot be matched`, ctx.at(S, { pointer: l.origin.pointer })),
    );
  }
}
