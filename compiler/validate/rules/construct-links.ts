// DLG3007: the construct link rules of §3.2 (rules 1-5 and the unsupported targets of §3.5),
// as diagnostics: the reference raises on the first one, or crashes (Q15, Q23).

import { CODES, error } from '../../../kernel/diagnostics.ts';
import type { LgLink, LgNode } from '../../model.ts';
import { linkName, type LgContext } from '../context.ts';
import { hLevel, isGroupStart } from '../graph.ts';

export function constructLinksRule(ctx: LgContext): void {
  const g = ctx.graph;
  // Q15: the gather's first input is looked up over all links, not only those seen so far.
  const firstInput = new Map<number, LgLink>();
  const groupByInputs = new Map<number, number>();
  for (const l of g.links) if (!firstInput.has(l.to)) firstInput.set(l.to, l);

  for (const l of g.links) {
    const S = g.nodes[l.from];
    const T = g.nodes[l.to];
    const name = linkName(l);
    const report = (node: LgNode, msg: string) => ctx.report(error(CODES.CONSTRUCT_LINK, `${name}: ${msg}`, ctx.at(node, { pointer: l.origin.pointer })));

    // Rules 1-2: scatter (without an input app) and loop constructs make no drops to link to.
    for (const end of [S, T]) {
      if (end.construct === 'Scatter') report(end, `Scatter ${ctx.label(end)} has no input application, so nothing can be linked to or from it: give it an input application in EAGLE, or link the nodes inside it`);
      if (end.construct === 'Loop') report(end, `Loop ${ctx.label(end)} cannot be linked itself: link the nodes inside it (mark the first one group_start and the last one group_end)`);
      if (end.construct === 'Service' || end.construct === 'MKN') report(end, `links to or from a ${end.construct} construct (${ctx.label(end)}) are not supported`);
    }

    // Rule 3: what a gather (without an input app) may feed.
    if (S.construct === 'Gather') {
      const first = firstInput.get(S.index);
      if (T.kind !== 'app') report(T, `Gather ${ctx.label(S)} can only feed an application, not ${ctx.label(T)} (${T.categoryType})`);
      else if (!isGroupStart(g, T)) report(T, `${ctx.label(T)} is fed by Gather ${ctx.label(S)}, so it must be inside a construct and marked group_start`);
      else if (!first) report(S, `Gather ${ctx.label(S)} has no input, so what it feeds cannot be matched to it`);
      else if (hLevel(g, T) !== hLevel(g, g.nodes[first.from])) report(T, `${ctx.label(T)} must be nested as deep as the gather's first input ${ctx.label(g.nodes[first.from])}`);
    }

    // Rule 4: a groupby takes exactly one data input from inside a construct; a gather takes data.
    if (T.construct === 'GroupBy') {
      const seen = (groupByInputs.get(T.index) ?? 0) + 1;
      groupByInputs.set(T.index, seen);
      if (S.kind === 'construct') report(S, `GroupBy ${ctx.label(T)} cannot take a construct (${ctx.label(S)}) as input`);
      else if (seen > 1) report(T, `GroupBy ${ctx.label(T)} accepts one input only; ${ctx.label(S)} is another`);
      else if (S.parent < 0) report(S, `the input of GroupBy ${ctx.label(T)} must be inside a construct (usually two nested scatters), but ${ctx.label(S)} is at top level`);
    } else if (T.construct === 'Gather') {
      if (S.kind !== 'data' && S.construct !== 'GroupBy') report(S, `Gather ${ctx.label(T)} gathers data: its input ${ctx.label(S)} is ${S.kind === 'app' ? 'an application' : `a ${S.category}`}`);
    }

    // Rule 5: a groupby feeds a gather only.
    if (S.construct === 'GroupBy' && T.construct !== 'Gather') report(T, `GroupBy ${ctx.label(S)} can only feed a Gather, not ${ctx.label(T)}`);
  }
}
