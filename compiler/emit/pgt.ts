// Streaming PGT / PGTP / PG writer (§4.1): the drop list as JSON text, produced in chunks
// of about 1 MiB, never as one string. Per drop: the node template plus its identity and
// relationship lists; O(drops + edges) overall, no per-edge object.

import { adjacency, digitsOf, loopDigits, radices, REL_APP_DATA, REL_DATA_APP, type Adjacency, type DropTable } from '../unroll/index.ts';
import { ByteChunks, type ChunkPool } from './bytes.ts';
import { grpDataTemplate, nodeTemplate, type DropTemplate, type SpecOptions } from './template.ts';

export interface PgtOptions extends SpecOptions {
  /** indented output (slower; for reading, not for machines) */
  pretty?: boolean;
  /** node and island of a drop (partitioned template or physical graph) */
  placement?: { node(drop: number): string; island(drop: number): string };
  /** chunk buffers the consumer releases itself (asynchronous writers, see ChunkPool) */
  pool?: ChunkPool;
}

/** The trailing graph-level element and whether per-drop reprodata is kept (§4.1, §4.7). */
function reproOf(t: DropTable): { trailing: string; perDrop: boolean } {
  const r = t.lg.reprodata;
  const perDrop = !!(r && r.rmode !== undefined && r.rmode !== null && r.rmode !== '');
  return { trailing: JSON.stringify(r ?? {}), perDrop };
}

/** Identity strings of any drop, computed from its block and local index. */
export class DropNames {
  private readonly radix: number[][] = [];
  private readonly loops: number[][] = [];
  private readonly digits: number[] = new Array(64);
  readonly templates: DropTemplate[];

  constructor(readonly t: DropTable, opts: SpecOptions, reprodata: { perDrop: boolean }) {
    const { lg } = t;
    this.templates = new Array(lg.nodes.length * 2);
    for (const node of lg.nodes) {
      const spec = t.specs[node.index];
      if (!spec) continue;
      const repro = reprodata.perDrop ? JSON.stringify(node.raw.reprodata ?? {}) : undefined;
      this.radix[node.index] = radices(lg, t.props, node.index);
      this.loops[node.index] = loopDigits(lg, t.props, node.index);
      this.templates[node.index * 2] = escapeHead(nodeTemplate(node, spec, opts, repro));
      if (node.construct === 'GroupBy') this.templates[node.index * 2 + 1] = escapeHead(grpDataTemplate(t, node, opts, repro));
    }
  }

  template(d: number): DropTemplate {
    return this.templates[this.t.dropNode[d] * 2 + this.t.dropGrp[d]];
  }

  /** Fills this.digits for drop d and returns how many there are. */
  private fill(d: number): number {
    const node = this.t.dropNode[d];
    const start = this.t.dropGrp[d] ? this.t.grpStart[node] : this.t.nodeStart[node];
    const radix = this.radix[node];
    digitsOf(d - start, radix, this.digits);
    return radix.length;
  }

  /** "0" and the instance digits of drop d, joined by `sep`. */
  private joined(d: number, sep: string): string {
    const len = this.fill(d);
    let s = '0';
    for (let i = 0; i < len; i++) s += sep + this.digits[i];
    return s;
  }

  iid(d: number): string {
    return this.joined(d, '-');
  }

  oid(d: number): string {
    const tpl = this.template(d);
    return tpl.oidHead + this.iid(d) + (this.t.dropGrp[d] ? '-grp-data' : '');
  }

  /** The rank as the inside of a JSON array. */
  rank(d: number): string {
    return this.joined(d, ',');
  }

  /** loop_ctx as JSON (null or a string of loop indices); Q18: loops outside scatters count too. */
  loopCtx(d: number): string {
    const loops = this.loops[this.t.dropNode[d]];
    if (!loops.length) return 'null';
    this.fill(d);
    let s = '"';
    for (let i = 0; i < loops.length; i++) s += (i ? '-' : '') + this.digits[loops[i]];
    return s + '"';
  }

  procIndex(d: number): number {
    const len = this.fill(d);
    return this.digits[len - 1];
  }
}

/** oids are spliced into JSON text: escape the user-provided part once. */
function escapeHead(tpl: DropTemplate): DropTemplate {
  return { ...tpl, oidHead: JSON.stringify(tpl.oidHead).slice(1, -1) };
}

interface Encoded {
  oidHead: Buffer;
  pre: Buffer;
  mid: Buffer;
  post: Buffer;
}

/**
 * Yields the PGT JSON text in byte chunks of about 1 MiB. Relationship lists are written
 * entry by entry, so a drop with 10^7 outputs never becomes one huge string. A chunk's
 * memory is reused once the consumer pulls the next one (see ByteChunks.drain).
 */
export function* pgtChunks(t: DropTable, opts: PgtOptions): Generator<Buffer> {
  const repro = reproOf(t);
  const names = new DropNames(t, opts, repro);
  const encoded: (Encoded | undefined)[] = names.templates.map((tpl) =>
    tpl ? { oidHead: Buffer.from(tpl.oidHead), pre: Buffer.from(tpl.pre), mid: Buffer.from(tpl.mid), post: Buffer.from(tpl.post) } : undefined,
  );
  const { out } = t;
  const inn = adjacency(t.n, t.m, t.dst);
  const relSrc = t.rels.map((r) => (r.srcName === null ? null : JSON.stringify(r.srcName)));
  const relDst = t.rels.map((r) => (r.dstName === null ? null : JSON.stringify(r.dstName)));
  const w = new ByteChunks(opts.pool, opts.pool !== undefined);
  const sep = opts.pretty ? ',\n' : ',';
  w.str(opts.pretty ? '[\n' : '[');
  const single = opts.pretty ? undefined : w;
  for (let d = 0; d < t.n; d++) {
    // Pretty output re-parses each drop, so it goes through a small writer of its own.
    const x = single ?? new ByteChunks();
    const tpl = names.template(d);
    const enc = encoded[t.dropNode[d] * 2 + t.dropGrp[d]]!;
    const iid = names.iid(d);
    x.str('{"oid":"');
    x.bytes(enc.oidHead);
    x.str(t.dropGrp[d] ? `${iid}-grp-data"` : `${iid}"`);
    x.bytes(enc.pre);
    x.str(`,"rank":[${names.rank(d)}]`);
    if (tpl.loopCtx) x.str(`,"loop_ctx":${names.loopCtx(d)}`);
    if (tpl.procIndex) x.str(`,"proc_index":${names.procIndex(d)}`);
    x.bytes(enc.mid);
    x.str(`,"iid":"${iid}"`);
    x.bytes(enc.post);
    writeRelationships(x, t, names, d, out, inn, relSrc, relDst);
    if (opts.placement) {
      x.str(`,"node":${JSON.stringify(opts.placement.node(d))},"island":${JSON.stringify(opts.placement.island(d))}`);
    }
    x.str('}');
    if (x !== w) {
      x.flush();
      w.str(indent(Buffer.concat(x.take()).toString()));
    }
    w.str(sep);
    if (w.hasReady) yield* w.drain();
  }
  w.str(opts.pretty ? indent(repro.trailing) + '\n]\n' : repro.trailing + ']');
  w.flush();
  yield* w.drain();
}

/**
 * The relationship lists of drop d (§3.8): each entry `{"<other oid>": "<port>"}` or a plain
 * oid; `ports` in the order the relationships were made. O(degree) per list.
 */
function writeRelationships(
  x: ByteChunks, t: DropTable, names: DropNames, d: number,
  out: Adjacency, inn: Adjacency, relSrc: (string | null)[], relDst: (string | null)[],
): void {
  const oLo = out.offsets[d], oHi = out.offsets[d + 1];
  const iLo = inn.offsets[d], iHi = inn.offsets[d + 1];
  if (oLo === oHi && iLo === iHi) return;
  const list = (key: string, adj: Adjacency, lo: number, hi: number, kind: number, incoming: boolean) => {
    let first = true;
    for (let k = lo; k < hi; k++) {
      const e = adj.edges[k];
      const r = t.rel[e];
      if (t.rels[r].kind !== kind) continue;
      x.str(first ? `,"${key}":[` : ',');
      first = false;
      const other = names.oid(incoming ? t.src[e] : t.dst[e]);
      const name = incoming ? relDst[r] : relSrc[r];
      x.str(name === null ? `"${other}"` : `{"${other}":${name}}`);
    }
    if (!first) x.str(']');
  };
  list('producers', inn, iLo, iHi, REL_APP_DATA, true);
  list('consumers', out, oLo, oHi, REL_DATA_APP, false);
  list('inputs', inn, iLo, iHi, REL_DATA_APP, true);
  list('outputs', out, oLo, oHi, REL_APP_DATA, false);
  // port_map: the data drop's input port → the producer's output port (the last one wins).
  let portMap: Map<string, string> | undefined;
  for (let k = iLo; k < iHi; k++) {
    const r = t.rel[inn.edges[k]];
    if (t.rels[r].kind !== REL_APP_DATA || relDst[r] === null) continue;
    (portMap ??= new Map()).set(relDst[r]!, relSrc[r] ?? 'null');
  }
  if (portMap) {
    let s = '';
    for (const [k, v] of portMap) s += `${s ? ',' : ''}${k}:${v}`;
    x.str(`,"port_map":{${s}}`);
  }
  // ports: merge incoming and outgoing by edge id, i.e. by creation order.
  x.str(',"ports":[');
  let o = oLo, i = iLo, first = true;
  while (o < oHi || i < iHi) {
    const useOut = i >= iHi || (o < oHi && out.edges[o] < inn.edges[i]);
    const e = useOut ? out.edges[o++] : inn.edges[i++];
    const r = t.rel[e];
    const name = useOut ? relSrc[r] : relDst[r];
    const other = names.oid(useOut ? t.dst[e] : t.src[e]);
    x.str(`${first ? '' : ','}{"name":${name ?? 'null'},"oid":"${other}","direction":"${useOut ? 'output' : 'input'}"}`);
    first = false;
  }
  x.str(']');
}

function indent(json: string): string {
  return JSON.stringify(JSON.parse(json), null, 2).replace(/^/gm, '  ');
}
