// Derived node properties (§3.1): degree of parallelism, hierarchy level, instance counts,
// group start/end flags, gather widths. All per LG node, computed once; O(nodes · depth).

import { CODES, at, error, warning, type Diagnostic } from '../diagnostics.ts';
import type { LgNode, LogicalGraph } from '../model.ts';
import { integerOf } from '../fill/convert.ts';

export interface NodeProps {
  /** Constructs: the number of instances per enclosing instance; Mpi: procs; others 1 */
  dop: number[];
  /** Enclosing constructs, outermost first (not including the node itself) */
  chain: number[][];
  /** number of enclosing constructs, +1 for Mpi (§1.8) */
  hLevel: number[];
  /** drops the node makes: product of the chain's dops (× procs for Mpi; × own dop for constructs with own drops) */
  count: number[];
  groupStart: boolean[];
  groupEnd: boolean[];
  /** Gather: num_of_inputs */
  gatherWidth: number[];
  /** first LG input of each construct (by link order), -1 if none */
  firstInput: number[];
  /** nodes that make no drops (Loop, Scatter, Gather constructs, Start, SubGraph/Service constructs) */
  noDrops: boolean[];
}

const TRUE_STRINGS = new Set(['true', '1', 'yes']);

export function truthy(v: unknown): boolean {
  if (v === true) return true;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return TRUE_STRINGS.has(v.trim().toLowerCase());
  return false;
}

/** The first present attribute among the aliases (the reference's order, §3.1). */
export function attr(node: LgNode, names: readonly string[]): unknown {
  for (const n of names) if (n in node.attrs) return node.attrs[n];
  return undefined;
}

export const COPIES = ['num_of_copies', 'num_of_splits', 'Number of copies'] as const;
export const ITERATIONS = ['num_of_iter', 'Number of Iterations', 'Number of loops'] as const;

/** A positive integer multiplicity, or undefined when the value is not one. */
export function multiplicity(v: unknown): number | undefined {
  const n = integerOf(v);
  return n !== undefined && n >= 1 ? n : undefined;
}

export function computeProps(lg: LogicalGraph, diagnostics: Diagnostic[]): NodeProps {
  const N = lg.nodes.length;
  const props: NodeProps = {
    dop: new Array(N).fill(1),
    chain: new Array(N),
    hLevel: new Array(N).fill(0),
    count: new Array(N).fill(1),
    groupStart: new Array(N).fill(false),
    groupEnd: new Array(N).fill(false),
    gatherWidth: new Array(N).fill(1),
    firstInput: new Array(N).fill(-1),
    noDrops: new Array(N).fill(false),
  };
  for (const l of lg.links) if (props.firstInput[l.to] < 0) props.firstInput[l.to] = l.from;

  for (const n of lg.nodes) {
    const chain: number[] = [];
    for (let p = n.parent; p >= 0; p = lg.nodes[p].parent) chain.push(p);
    chain.reverse();
    props.chain[n.index] = chain;
    const inside = n.parent >= 0;
    const start = n.attrs.group_start ?? n.attrs['Group start'] ?? n.attrs['Group Start'];
    const end = n.attrs.group_end ?? n.attrs['Group end'] ?? n.attrs['Group End'];
    const gatherApp = n.appOf !== undefined && lg.nodes[n.appOf].construct === 'Gather';
    props.groupStart[n.index] = inside && (gatherApp || truthy(start));
    props.groupEnd[n.index] = inside && truthy(end);
    props.hLevel[n.index] = chain.length + (n.category === 'Mpi' ? 1 : 0);
    const c = n.construct;
    props.noDrops[n.index] =
      c === 'Scatter' || c === 'Loop' || c === 'Gather' || c === 'SubGraph' || c === 'Service' || c === 'MKN' ||
      n.category === 'Start';
  }

  // Static dops first: Scatter, Loop, Mpi; then GroupBy (needs its input's scatter); then
  // Gather (needs its input's instance count, which may pass through GroupBys).
  for (const n of lg.nodes) {
    if (n.construct === 'Scatter') props.dop[n.index] = scatterDop(n, diagnostics);
    else if (n.construct === 'Loop') props.dop[n.index] = loopDop(n, diagnostics);
    else if (n.kind === 'app' && n.category === 'Mpi') props.dop[n.index] = mpiDop(n, diagnostics);
  }
  for (const n of lg.nodes) {
    if (n.construct !== 'GroupBy') continue;
    const input = props.firstInput[n.index];
    const parent = input >= 0 ? lg.nodes[input].parent : -1;
    if (input >= 0 && parent >= 0) props.dop[n.index] = props.dop[parent];
  }
  for (const n of lg.nodes) {
    if (n.construct !== 'Gather') continue;
    const w = multiplicity(n.attrs.num_of_inputs ?? 1);
    props.gatherWidth[n.index] = w ?? 1;
    const input = props.firstInput[n.index];
    if (input < 0) continue;
    const tt = lg.nodes[input].construct === 'GroupBy' ? props.dop[input] : dopDiff(lg, props, n.index, input);
    props.dop[n.index] = Math.max(1, Math.ceil(tt / (w ?? 1)));
  }

  for (const n of lg.nodes) {
    let c = 1;
    for (const p of props.chain[n.index]) c *= props.dop[p];
    if (n.category === 'Mpi' && n.kind === 'app') c *= props.dop[n.index];
    // A construct's own drops (GroupBy, Gather helper) are made once per own instance.
    if (n.kind === 'construct') c *= props.dop[n.index];
    props.count[n.index] = c;
  }
  return props;
}

/**
 * Instances of the deeper node per instance of the shallower one (§3.1 dop_diff).
 * Assumes the shallower node's construct encloses the deeper one; 1 at equal levels.
 */
export function dopDiff(lg: LogicalGraph, props: NodeProps, a: number, b: number): number {
  if (props.hLevel[a] === props.hLevel[b]) return 1;
  const [inner, outer] = props.hLevel[a] > props.hLevel[b] ? [a, b] : [b, a];
  const outerParent = lg.nodes[outer].parent;
  let product = lg.nodes[inner].category === 'Mpi' ? props.dop[inner] : 1;
  for (let p = lg.nodes[inner].parent; p >= 0; p = lg.nodes[p].parent) {
    product *= props.dop[p];
    if (lg.nodes[p].parent === outerParent) break;
  }
  return product;
}

function scatterDop(n: LgNode, diagnostics: Diagnostic[]): number {
  const v = attr(n, COPIES);
  if (v === undefined) {
    diagnostics.push(warning(CODES.BAD_MULTIPLICITY, `Scatter has no num_of_copies: using 4, as the reference does`, at(n.origin, { field: 'num_of_copies' })));
    return 4;
  }
  const m = multiplicity(v);
  if (m === undefined) {
    diagnostics.push(error(CODES.BAD_MULTIPLICITY, `Scatter num_of_copies must be an integer ≥ 1, found ${JSON.stringify(v)}`, at(n.origin, { field: 'num_of_copies' })));
    return 1;
  }
  return m;
}

function loopDop(n: LgNode, diagnostics: Diagnostic[]): number {
  const v = attr(n, ITERATIONS);
  const m = multiplicity(v);
  if (m === undefined) {
    const found = v === undefined ? 'it is missing' : `found ${JSON.stringify(v)}`;
    diagnostics.push(error(CODES.BAD_MULTIPLICITY, `Loop num_of_iter must be an integer ≥ 1: ${found}`, at(n.origin, { field: 'num_of_iter' })));
    return 1;
  }
  return m;
}

function mpiDop(n: LgNode, diagnostics: Diagnostic[]): number {
  const v = n.attrs.num_of_procs;
  const m = multiplicity(v ?? 1);
  if (m === undefined) {
    diagnostics.push(error(CODES.BAD_MULTIPLICITY, `Mpi num_of_procs must be an integer ≥ 1, found ${JSON.stringify(v)}`, at(n.origin, { field: 'num_of_procs' })));
    return 1;
  }
  return m;
}
