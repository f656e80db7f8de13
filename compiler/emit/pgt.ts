// Streaming PGT / PGTP / PG writer (§4.1): the drop list as JSON text, produced in chunks
// of about 1 MiB, never as one string. Per drop: the node template plus its identity and
// relationship lists; O(drops + edges) overall, no per-edge object.

import { adjacency, digitsOf, radices, REL_APP_DATA, type DropTable } from '../unroll/index.ts';
import { grpDataTemplate, nodeTemplate, type DropTemplate, type SpecOptions } from './template.ts';

export interface PgtOptions extends SpecOptions {
  /** indented output (slower; for reading, not for machines) */
  pretty?: boolean;
  /** node and island of a drop (partitioned template or physical graph) */
  placement?: (drop: number) => { node: string; island: string };
}

const CHUNK = 1 << 20;

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
      this.loops[node.index] = loopDigitsOf(t, node.index);
      this.templates[node.index * 2] = escapeHead(nodeTemplate(t, node, spec, opts, repro));
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

  iid(d: number): string {
    const len = this.fill(d);
    let s = '0';
    for (let i = 0; i < len; i++) s += '-' + this.digits[i];
    return s;
  }

  oid(d: number): string {
    const tpl = this.template(d);
    return tpl.oidHead + this.iid(d) + (this.t.dropGrp[d] ? '-grp-data' : '');
  }

  rank(d: number): string {
    const len = this.fill(d);
    let s = '0';
    for (let i = 0; i < len; i++) s += ',' + this.digits[i];
    return s;
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

function loopDigitsOf(t: DropTable, node: number): number[] {
  const out: number[] = [];
  t.props.chain[node].forEach((c, i) => {
    if (t.lg.nodes[c].construct === 'Loop') out.push(i);
  });
  return out;
}

/** oids are spliced into JSON text: escape the user-provided part once. */
function escapeHead(tpl: DropTemplate): DropTemplate {
  return { ...tpl, oidHead: JSON.stringify(tpl.oidHead).slice(1, -1) };
}

/** Yields the PGT JSON text in chunks. */
export function* pgtChunks(t: DropTable, opts: PgtOptions): Generator<string> {
  const repro = reproOf(t);
  const names = new DropNames(t, opts, repro);
  const out = adjacency(t.n, t.m, t.src);
  const inn = adjacency(t.n, t.m, t.dst);
  const relSrc = t.rels.map((r) => (r.srcName === null ? null : JSON.stringify(r.srcName)));
  const relDst = t.rels.map((r) => (r.dstName === null ? null : JSON.stringify(r.dstName)));
  let buf = opts.pretty ? '[\n' : '[';
  for (let d = 0; d < t.n; d++) {
    const tpl = names.template(d);
    const oid = tpl.oidHead + names.iid(d) + (t.dropGrp[d] ? '-grp-data' : '');
    let s = `{"oid":"${oid}"${tpl.pre},"rank":[${names.rank(d)}]`;
    if (tpl.loopCtx) s += `,"loop_ctx":${names.loopCtx(d)}`;
    if (tpl.procIndex) s += `,"proc_index":${names.procIndex(d)}`;
    s += `${tpl.mid},"iid":"${names.iid(d)}"${tpl.post}`;

    // Relationship lists, each entry `{"<other oid>": "<port>"}` or a plain oid (§3.8).
    let outputs = '', consumers = '', producers = '', inputs = '', ports = '', portMap = '';
    let o = out.offsets[d];
    const oEnd = out.offsets[d + 1];
    let i = inn.offsets[d];
    const iEnd = inn.offsets[d + 1];
    // Merge both lists by edge id, so `ports` is in the order the relationships were made.
    while (o < oEnd || i < iEnd) {
      const useOut = i >= iEnd || (o < oEnd && out.edges[o] < inn.edges[i]);
      if (useOut) {
        const e = out.edges[o++];
        const r = t.rel[e];
        const other = names.oid(t.dst[e]);
        const name = relSrc[r];
        const entry = name === null ? `"${other}"` : `{"${other}":${name}}`;
        if (t.rels[r].kind === REL_APP_DATA) outputs += (outputs ? ',' : '') + entry;
        else consumers += (consumers ? ',' : '') + entry;
        ports += `${ports ? ',' : ''}{"name":${name ?? 'null'},"oid":"${other}","direction":"output"}`;
      } else {
        const e = inn.edges[i++];
        const r = t.rel[e];
        const other = names.oid(t.src[e]);
        const name = relDst[r];
        const entry = name === null ? `"${other}"` : `{"${other}":${name}}`;
        if (t.rels[r].kind === REL_APP_DATA) {
          producers += (producers ? ',' : '') + entry;
          if (name !== null) portMap += `${portMap ? ',' : ''}${name}:${relSrc[r] ?? 'null'}`;
        } else inputs += (inputs ? ',' : '') + entry;
        ports += `${ports ? ',' : ''}{"name":${name ?? 'null'},"oid":"${other}","direction":"input"}`;
      }
    }
    if (producers) s += `,"producers":[${producers}]`;
    if (consumers) s += `,"consumers":[${consumers}]`;
    if (inputs) s += `,"inputs":[${inputs}]`;
    if (outputs) s += `,"outputs":[${outputs}]`;
    if (portMap) s += `,"port_map":{${dedupeKeys(portMap)}}`;
    if (ports) s += `,"ports":[${ports}]`;
    if (opts.placement) {
      const p = opts.placement(d);
      s += `,"node":${JSON.stringify(p.node)},"island":${JSON.stringify(p.island)}`;
    }
    s += '}';
    if (opts.pretty) s = indent(s);
    buf += s + (opts.pretty ? ',\n' : ',');
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  buf += opts.pretty ? indent(repro.trailing) + '\n]\n' : repro.trailing + ']';
  yield buf;
}

/** port_map is an object: a repeated key would be invalid-ish JSON; keep the last, as Python does. */
function dedupeKeys(body: string): string {
  if (body.indexOf(',') < 0) return body;
  const obj = JSON.parse(`{${body}}`) as Record<string, unknown>;
  return JSON.stringify(obj).slice(1, -1);
}

function indent(json: string): string {
  return JSON.stringify(JSON.parse(json), null, 2).replace(/^/gm, '  ');
}
