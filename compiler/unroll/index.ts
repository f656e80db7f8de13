// compiler/unroll: LogicalGraph → DropTable (the physical graph template, §3).
// Two passes as in the reference: drop creation (here: block layout, since a node's drops
// are contiguous and their identities follow from the construct nest), then link expansion,
// then gather finalisation. Linear in drops + edges.

import { CODES, at, error, hasErrors, type Diagnostic, type Result } from '../diagnostics.ts';
import type { LogicalGraph } from '../model.ts';
import { layoutBlocks } from './instances.ts';
import { expandLink, finishGathers, GatherState, type ExpLink, type Expander } from './links.ts';
import { nodeSpec } from './classes.ts';
import { computeProps } from './props.ts';
import { adjacency, cyclicDrops, dedupeEdges, EdgeBuffer, REL_APP_DATA, RelTable, type DropTable } from './table.ts';

export { distinctDropEdges, adjacency, REL_APP_DATA, REL_DATA_APP, type Adjacency, type DropTable, type Rel, type DropBlock } from './table.ts';
export { radices, loopDigits, digitsOf } from './instances.ts';
export { dagOfTable } from './dag.ts';
export { exclusiveInstances, type ExclusiveInstances } from './exclusive.ts';
export { grpDataWeight, nodeSpec, DATA_CLASSES, SLEEP_APP, IN_MEMORY, type NodeSpec } from './classes.ts';
export { truthy, multiplicity, type NodeProps } from './props.ts';

export interface UnrollOptions {
  /** refuse graphs that would make more drops than this (default DEFAULT_MAX_DROPS, at most 2^31 - 1) */
  maxDrops?: number;
}

/**
 * The default drop limit: 5·10^7 drops already take several GB (table, scheduling DAG,
 * JSON); a graph that unrolls to more is far more often a typo in a multiplicity than a plan,
 * so it has to be asked for (--max-drops).
 */
export const DEFAULT_MAX_DROPS = 50_000_000;

export function unroll(lg: LogicalGraph, options: UnrollOptions = {}): Result<DropTable> {
  const diagnostics: Diagnostic[] = [];
  const props = computeProps(lg, diagnostics);
  const specs = lg.nodes.map((node) => (node.kind === 'construct' && node.construct !== 'GroupBy') || props.noDrops[node.index] ? undefined : nodeSpec(node, diagnostics));
  if (hasErrors(diagnostics)) return { diagnostics };

  // The count comes from the multiplicities alone: nothing per drop is allocated before this.
  const { blocks, n } = layoutBlocks(lg, props);
  const maxDrops = Math.min(options.maxDrops ?? DEFAULT_MAX_DROPS, 0x7fffffff);
  if (n > maxDrops) {
    const biggest = blocks.reduce((a, b) => (b.count > a.count ? b : a));
    const node = lg.nodes[biggest.node];
    const why = props.chain[biggest.node].map((c) => `${lg.nodes[c].construct} '${lg.nodes[c].name}' (${props.dop[c]})`).join(' > ');
    const raise = maxDrops < 0x7fffffff ? `; if that is intended and the machine has the memory, raise the limit with --max-drops N (at most ${0x7fffffff})` : '';
    diagnostics.push(error(CODES.TOO_MANY_DROPS, `the graph unrolls to ${count(n)} drops, more than the limit of ${count(maxDrops)}: the largest node is '${node?.name}' with ${count(biggest.count)} drops${why ? `, made by ${why}` : ''}${raise}`, at(node?.origin, { count: n })));
    return { diagnostics };
  }

  const nodeStart = new Int32Array(lg.nodes.length).fill(-1);
  const grpStart = new Int32Array(lg.nodes.length).fill(-1);
  const dropNode = new Int32Array(n);
  const dropGrp = new Uint8Array(n);
  for (const b of blocks) {
    if (b.kind === 'drop') nodeStart[b.node] = b.start;
    else grpStart[b.node] = b.start;
    dropNode.fill(b.node, b.start, b.start + b.count);
    if (b.kind === 'grpdata') dropGrp.fill(1, b.start, b.start + b.count);
  }

  const edges = new EdgeBuffer();
  const rels = new RelTable();
  const x: Expander = {
    lg, props, nodeStart, grpStart, edges, rels, diagnostics,
    gathers: new GatherState(),
    dropNodeOf: (d) => dropNode[d],
  };

  // Each GroupBy instance writes its -grp-data drop (made with the drop, before any link).
  const grp = rels.id(REL_APP_DATA, 'grpdata', 'grpdata');
  for (const node of lg.nodes) {
    if (node.construct !== 'GroupBy') continue;
    for (let i = 0; i < props.count[node.index]; i++) edges.push(nodeStart[node.index] + i, grpStart[node.index] + i, grp);
  }

  for (const l of lg.links) {
    expandLink(x, { from: l.from, to: l.to, fromPort: l.fromPort, toPort: l.toPort, loopAware: l.loopAware, artificial: false, drawn: l });
  }
  for (const l of artificialLinks(lg, props.groupStart, props.groupEnd, diagnostics)) expandLink(x, l);
  finishGathers(x);
  if (hasErrors(diagnostics)) return { diagnostics };

  const d = dedupeEdges(n, edges);
  // A loop's back edge joins iterations in order; anything else that links iterations back
  // (a node outside the loop fed by every iteration and feeding them all) makes a drop cycle
  // the engine would wait on forever. The LG rules cannot always see it; the drops can.
  const out = adjacency(n, d.m, d.src);
  const cyclic = cyclicDrops(n, d.m, d.dst, out);
  if (cyclic.length) {
    const nodes = [...new Set(Array.from(cyclic, (x) => dropNode[x]))].map((i) => lg.nodes[i]);
    const shown = nodes.slice(0, 8).map((x) => `'${x.name}' (${x.id})`).join(', ');
    diagnostics.push(error(CODES.CYCLE, `the unrolled drops form a cycle (${cyclic.length} drops are on or behind it), through the drops of ${shown}${nodes.length > 8 ? ` and ${nodes.length - 8} more nodes` : ''}: a link from outside a Loop back into it, or from a node fed by every iteration, makes iterations wait on each other; use loop-aware links (loop entry and exit) or keep the node inside the Loop`, at(nodes[0].origin)));
    return { diagnostics };
  }
  const table: DropTable = {
    lg, props, specs, n, blocks, nodeStart, grpStart, dropNode, dropGrp,
    m: d.m, src: d.src, dst: d.dst, rel: d.rel, rels: rels.rels, out,
  };
  return { value: table, diagnostics };
}

/** 50000000 → "50,000,000"; beyond 2^53 the product is only approximate, say so. */
function count(x: number): string {
  return Number.isSafeInteger(x) ? x.toLocaleString('en-US') : `about ${x.toPrecision(3)}`;
}

/**
 * Links the constructs add (§3.3): a Loop's group ends feed its group starts (one
 * iteration to the next); a Gather or GroupBy feeds its entry nodes. Made once per
 * construct, not once per instance (Q4), and not where the user drew the same link.
 */
function artificialLinks(lg: LogicalGraph, groupStart: boolean[], groupEnd: boolean[], diagnostics: Diagnostic[]): ExpLink[] {
  const out: ExpLink[] = [];
  const drawn = new Set<string>();
  const hasInput = new Uint8Array(lg.nodes.length);
  for (const l of lg.links) {
    drawn.add(`${l.from}>${l.to}`);
    hasInput[l.to] = 1;
  }
  const visit = (i: number) => {
    const c = lg.nodes[i];
    if (c.kind !== 'construct') return;
    const starts = c.children.filter((k) => groupStart[k]);
    if (c.construct === 'Loop') {
      const ends = c.children.filter((k) => groupEnd[k]);
      if (!starts.length || !ends.length) {
        const missing = !starts.length && !ends.length ? 'a group start and a group end' : !starts.length ? 'a group start' : 'a group end';
        diagnostics.push(error(CODES.LOOP_WITHOUT_START_END, `Loop '${c.name}' (${c.id}) needs at least one child marked group_start and one marked group_end; it has no ${missing}`, at(c.origin, { field: !starts.length ? 'group_start' : 'group_end' })));
      }
      for (const e of ends) for (const s of starts) {
        if (!drawn.has(`${e}>${s}`)) out.push({ from: e, to: s, loopAware: false, artificial: true });
      }
    } else if (c.construct === 'Gather' || c.construct === 'GroupBy') {
      const entry = starts.length ? starts : c.children.filter((k) => !hasInput[k]);
      for (const s of entry) out.push({ from: i, to: s, loopAware: false, artificial: true });
    }
    for (const k of c.children) visit(k);
  };
  for (const n of lg.nodes) if (n.parent < 0) visit(n.index);
  return out;
}
