// Link expansion (§3.5): every LG link becomes drop-to-drop relationships by the first
// matching rule of the reference's table. Each rule is O(drops of its two end nodes);
// nothing compares drop pairs, so expansion is linear in drops + edges.

import { CODES, at, error, type Diagnostic } from '../../kernel/diagnostics.ts';
import type { LgLink, LgNode, LogicalGraph } from '../model.ts';
import { digitsOf, loopDigits, radices } from './instances.ts';
import { portName } from './ports.ts';
import { dopDiff, type NodeProps } from './props.ts';
import { EdgeBuffer, REL_APP_DATA, REL_DATA_APP, RelTable } from './table.ts';

/** A link as the expander sees it: drawn (LgLink) or artificial (made by a construct). */
export interface ExpLink {
  from: number;
  to: number;
  fromPort?: string;
  toPort?: string;
  loopAware: boolean;
  artificial: boolean;
  /** the drawn link, for diagnostics */
  drawn?: LgLink;
}

/** Gather inputs recorded during expansion, connected at finalisation (§3.7). */
export class GatherState {
  /** per gather node: instance → first entry drop (-1 none) */
  readonly firstOutput = new Map<number, Int32Array>();
  /** flat records of (gather node, instance, input drop, link) */
  readonly inGather: number[] = [];
  readonly inInstance: number[] = [];
  readonly inDrop: number[] = [];
  readonly inLink: ExpLink[] = [];
}

export interface Expander {
  lg: LogicalGraph;
  props: NodeProps;
  nodeStart: Int32Array;
  grpStart: Int32Array;
  edges: EdgeBuffer;
  rels: RelTable;
  gathers: GatherState;
  diagnostics: Diagnostic[];
  /** LG node of a drop */
  dropNodeOf(drop: number): number;
}

function related(props: NodeProps, a: number, b: number): boolean {
  const ca = props.chain[a];
  const cb = props.chain[b];
  const [short, long] = ca.length <= cb.length ? [ca, cb] : [cb, ca];
  for (let i = 0; i < short.length; i++) if (short[i] !== long[i]) return false;
  return true;
}

function mismatch(x: Expander, S: LgNode, T: LgNode, ns: number, nt: number, why: string, l: ExpLink): void {
  x.diagnostics.push(
    error(
      CODES.MULTIPLICITY_MISMATCH,
      `cannot link '${S.name}' (${S.id}, ${ns} instance${ns === 1 ? '' : 's'}) to '${T.name}' (${T.id}, ${nt} instance${nt === 1 ? '' : 's'}): ${why}`,
      at(S.origin, { pointer: l.drawn?.origin.pointer ?? S.origin.pointer }),
    ),
  );
}

/** The relationship kind and port names a link gives its drop pairs (§3.6). */
function relOf(x: Expander, S: LgNode, T: LgNode, l: ExpLink): number {
  const appSource = S.kind === 'app';
  const srcName = portName(S, 'output', l.fromPort);
  const dstName = portName(T, 'input', l.toPort);
  return x.rels.id(appSource ? REL_APP_DATA : REL_DATA_APP, srcName, dstName);
}

/** The drop that carries S's data out of instance i: a GroupBy's -grp-data helper (§3.6 step 1). */
function sourceDrop(x: Expander, S: LgNode, i: number): number {
  return S.construct === 'GroupBy' ? x.grpStart[S.index] + i : x.nodeStart[S.index] + i;
}

function firstOutputs(x: Expander, g: number): Int32Array {
  let a = x.gathers.firstOutput.get(g);
  if (!a) {
    a = new Int32Array(x.props.count[g]).fill(-1);
    x.gathers.firstOutput.set(g, a);
  }
  return a;
}

/** The link primitive (§3.6) for instance i of S and instance j of T. */
function linkInstances(x: Expander, S: LgNode, T: LgNode, l: ExpLink, rel: number, i: number, j: number): void {
  if (T.construct === 'Gather') {
    const g = x.gathers;
    g.inGather.push(T.index);
    g.inInstance.push(j);
    g.inDrop.push(sourceDrop(x, S, i));
    g.inLink.push(l);
    return;
  }
  if (S.construct === 'Gather') {
    const first = firstOutputs(x, S.index);
    if (first[i] < 0) first[i] = x.nodeStart[T.index] + j;
    return;
  }
  x.edges.push(sourceDrop(x, S, i), x.nodeStart[T.index] + j, rel);
}

export function expandLink(x: Expander, l: ExpLink): void {
  const { lg, props } = x;
  const S = lg.nodes[l.from];
  const T = lg.nodes[l.to];
  // Start drops are removed and their links ignored (§3.10.10).
  if (S.category === 'Start' || T.category === 'Start') return;
  const sC = S.kind === 'construct';
  const tC = T.kind === 'construct';
  const ns = props.count[S.index];
  const nt = props.count[T.index];
  const rel = sC || tC ? -1 : relOf(x, S, T, l);

  if (sC && !tC) {
    if (S.construct === 'SubGraph' || S.construct === 'Service') return;
    if (S.construct === 'Scatter' || S.construct === 'Loop' || S.construct === 'MKN') {
      return constructLink(x, S, T, l, `a ${S.construct} construct without an input application cannot be the source of a link`);
    }
    if (S.construct === 'Gather' && T.parent !== S.index) {
      return constructLink(x, S, T, l, 'a Gather without an input application cannot feed a node outside it (the reference crashes here: Q16); give the Gather an input application');
    }
    if (ns !== nt) return mismatch(x, S, T, ns, nt, 'a construct and its entry node need the same number of instances', l);
    const r = relOfConstruct(x, S, T, l);
    for (let i = 0; i < ns; i++) linkInstances(x, S, T, l, r, i, i);
    return;
  }
  if (sC && tC) {
    if (S.construct === 'GroupBy' && T.construct === 'Gather') return gatherInputs(x, S, T, l);
    return constructLink(x, S, T, l, `a link from a ${S.construct} to a ${T.construct} is not allowed (only GroupBy → Gather)`);
  }
  if (tC) {
    if (T.construct === 'GroupBy') return groupByInputs(x, S, T, l);
    if (T.construct === 'Gather') return gatherInputs(x, S, T, l);
    if (T.construct === 'SubGraph') return;
    return constructLink(x, S, T, l, `a ${T.construct} construct without an input application cannot be the target of a link`);
  }

  const sp = S.parent;
  const tp = T.parent;
  const sLoop = sp >= 0 && lg.nodes[sp].construct === 'Loop';
  const tLoop = tp >= 0 && lg.nodes[tp].construct === 'Loop';

  // C2: loop chaining within one loop instance: iteration j's end feeds iteration j+1's start.
  if (sLoop && tp === sp && props.groupEnd[S.index] && props.groupStart[T.index]) {
    const N = props.dop[sp];
    if (ns !== nt) return mismatch(x, S, T, ns, nt, 'loop chaining needs equal instance counts', l);
    for (let b = 0; b < ns; b += N) for (let j = 0; j < N - 1; j++) linkInstances(x, S, T, l, rel, b + j, b + j + 1);
    return;
  }
  const rel8 = related(props, S.index, T.index);
  // C3: two synchronised loops: pair instances with equal loop context.
  if (sLoop && tLoop && !rel8) return loopPairs(x, S, T, l, rel);
  if (!rel8) {
    x.diagnostics.push(
      error(CODES.NOT_HIERARCHICAL, `'${S.name}' (${S.id}) and '${T.name}' (${T.id}) are in unrelated constructs: a link must stay within one construct nest (or join synchronised loops)`, at(S.origin, { pointer: l.drawn?.origin.pointer })),
    );
    return;
  }
  const hs = props.hLevel[S.index];
  const ht = props.hLevel[T.index];
  const chunk = dopDiff(lg, props, S.index, T.index);
  if (hs >= ht) {
    if (ns !== nt * chunk) return mismatch(x, S, T, ns, nt, `expected ${nt * chunk} source instances (${chunk} per target)`, l);
    // C4: loop exit: only the last iteration leaves the loop.
    const N = sLoop && l.loopAware && hs > ht ? props.dop[sp] : 0;
    for (let i = 0; i < nt; i++) {
      for (let j = 0; j < chunk; j++) {
        if (N && j % N !== N - 1) continue;
        linkInstances(x, S, T, l, rel, i * chunk + j, i);
      }
    }
    return;
  }
  if (nt !== ns * chunk) return mismatch(x, S, T, ns, nt, `expected ${ns * chunk} target instances (${chunk} per source)`, l);
  // C5: loop entry: only the first iteration is fed from outside.
  const N = tLoop && l.loopAware ? props.dop[tp] : 0;
  for (let i = 0; i < ns; i++) {
    for (let j = 0; j < chunk; j++) {
      if (N && j % N !== 0) continue;
      linkInstances(x, S, T, l, rel, i, i * chunk + j);
    }
  }
}

function relOfConstruct(x: Expander, S: LgNode, T: LgNode, l: ExpLink): number {
  // A GroupBy hands its -grp-data drop to the entry node: a data → app relationship.
  if (S.construct === 'GroupBy') {
    return x.rels.id(REL_DATA_APP, portName(S, 'output', l.fromPort), portName(T, 'input', l.toPort));
  }
  return -1;
}

function constructLink(x: Expander, S: LgNode, T: LgNode, l: ExpLink, why: string): void {
  x.diagnostics.push(error(CODES.CONSTRUCT_LINK, `link from '${S.name}' (${S.id}) to '${T.name}' (${T.id}): ${why}`, at(S.origin, { pointer: l.drawn?.origin.pointer })));
}

function loopContext(x: Expander, node: number): (k: number) => string {
  const radix = radices(x.lg, x.props, node);
  const loops = loopDigits(x.lg, x.props, node);
  const digits = new Array<number>(radix.length);
  return (k) => {
    digitsOf(k, radix, digits);
    return loops.map((p) => digits[p]).join('-');
  };
}

/** C3: O(ns + nt + pairs) through a map from loop context to target instances. */
function loopPairs(x: Expander, S: LgNode, T: LgNode, l: ExpLink, rel: number): void {
  const sCtx = loopContext(x, S.index);
  const tCtx = loopContext(x, T.index);
  const byCtx = new Map<string, number[]>();
  for (let j = 0; j < x.props.count[T.index]; j++) {
    const c = tCtx(j);
    let list = byCtx.get(c);
    if (!list) byCtx.set(c, (list = []));
    list.push(j);
  }
  for (let i = 0; i < x.props.count[S.index]; i++) {
    const list = byCtx.get(sCtx(i));
    if (list) for (const j of list) linkInstances(x, S, T, l, rel, i, j);
  }
}

/**
 * D2 / B: record inputs of gather instances. The instances of S inside one instance of the
 * gather's parent are split into consecutive groups of `width`; group g goes to gather
 * instance g of that parent instance (the reference splits the flat list, which mixes parents
 * when the width does not divide the count).
 */
function gatherInputs(x: Expander, S: LgNode, G: LgNode, l: ExpLink): void {
  const { props } = x;
  if (S.kind === 'app' && S.construct === undefined) {
    x.diagnostics.push(error(CODES.BAD_GATHER_INPUT, `'${S.name}' (${S.id}) is an application: a Gather's inputs must be data (or a GroupBy)`, at(S.origin, { pointer: l.drawn?.origin.pointer })));
    return;
  }
  if (!related(props, S.index, G.index) || props.chain[S.index].length < props.chain[G.index].length) {
    x.diagnostics.push(error(CODES.BAD_GATHER_INPUT, `'${S.name}' (${S.id}) must be inside the construct that contains Gather '${G.name}' (${G.id})`, at(S.origin, { pointer: l.drawn?.origin.pointer })));
    return;
  }
  const w = props.gatherWidth[G.index];
  const gdop = props.dop[G.index];
  const contexts = props.count[G.index] / gdop;
  const ns = props.count[S.index];
  const per = ns / contexts;
  if (!Number.isInteger(per) || Math.ceil(per / w) !== gdop) {
    return mismatch(x, S, G, ns, props.count[G.index], `Gather '${G.name}' takes ${w} input${w === 1 ? '' : 's'} per instance and has ${gdop} instance${gdop === 1 ? '' : 's'} per enclosing instance, sized by its first input`, l);
  }
  for (let k = 0; k < ns; k++) {
    const c = Math.floor(k / per);
    const g = c * gdop + Math.floor((k - c * per) / w);
    linkInstances(x, S, G, l, -1, k, g);
  }
}

/**
 * D1: the corner turn (§3.10.3). S sits in scatters c_1..c_L; the GroupBy sits in c_1..c_m
 * (m ≤ L-1). GroupBy instance (d_1..d_m, d_L) receives every S instance with those digits,
 * merging over levels m+1..L-1. Keys are integers, so the order is numeric (Q10). O(ns).
 */
function groupByInputs(x: Expander, S: LgNode, B: LgNode, l: ExpLink): void {
  const { lg, props } = x;
  const sc = props.chain[S.index];
  const bc = props.chain[B.index];
  const L = sc.length;
  const m = bc.length;
  const inner = S.parent >= 0 ? lg.nodes[S.parent] : undefined;
  const where = at(S.origin, { pointer: l.drawn?.origin.pointer });
  if (S.kind !== 'data') {
    x.diagnostics.push(error(CODES.BAD_GROUPBY_INPUT, `GroupBy '${B.name}' (${B.id}) takes data, but '${S.name}' (${S.id}) is ${S.kind === 'app' ? 'an application' : 'a construct'}`, where));
    return;
  }
  if (!inner || inner.construct !== 'Scatter') {
    x.diagnostics.push(error(CODES.BAD_GROUPBY_INPUT, `the input of GroupBy '${B.name}' (${B.id}), '${S.name}' (${S.id}), must be inside a Scatter`, where));
    return;
  }
  if (m > L - 1 || !related(props, S.index, B.index)) {
    x.diagnostics.push(error(CODES.BAD_GROUPBY_INPUT, `GroupBy '${B.name}' (${B.id}) must sit outside the Scatter '${inner.name}' that holds its input '${S.name}' (${S.id}), within the same construct nest`, where));
    return;
  }
  const q = props.dop[S.parent];
  let mid = 1;
  for (let i = m; i < L - 1; i++) mid *= props.dop[sc[i]];
  const ns = props.count[S.index];
  const nb = props.count[B.index];
  if (nb * mid !== ns) return mismatch(x, S, B, ns, nb, 'the GroupBy instances must match the inner Scatter', l);
  const rel = x.rels.id(REL_DATA_APP, portName(S, 'output', l.fromPort), portName(B, 'input', l.toPort));
  for (let k = 0; k < ns; k++) {
    const outer = Math.floor(k / (mid * q));
    linkInstances(x, S, B, l, rel, k, outer * q + (k % q));
  }
}

/** §3.7 with Q6 fixed: the first entry drop of each gather instance gets that instance's inputs, named by their ports. */
export function finishGathers(x: Expander): void {
  const g = x.gathers;
  const nameCache = new Map<string, number>();
  for (let r = 0; r < g.inGather.length; r++) {
    const first = g.firstOutput.get(g.inGather[r]);
    const out = first ? first[g.inInstance[r]] : -1;
    if (out < 0) continue;
    const drop = g.inDrop[r];
    const l = g.inLink[r];
    const outNode = x.lg.nodes[x.dropNodeOf(out)];
    const srcNode = x.lg.nodes[l.from];
    const key = `${l.from}\u0000${outNode.index}\u0000${l.fromPort ?? ''}\u0000${l.toPort ?? ''}`;
    let rel = nameCache.get(key);
    if (rel === undefined) {
      rel = x.rels.id(REL_DATA_APP, portName(srcNode, 'output', l.fromPort), portName(outNode, 'input', l.toPort));
      nameCache.set(key, rel);
    }
    x.edges.push(drop, out, rel);
  }
}
