// Jobs that translate what the request carries: /gen_pgt (translate and store) and the
// CLI-mirror routes /lg_fill, /unroll, /partition, /unroll_and_partition, /map (§7.11).
// All of them are compiler/translate.ts with the request's fields as options.

import { hasErrors } from '../compiler/diagnostics.ts';
import { dropListChunks } from '../compiler/emit/droplist.ts';
import { pgtChunks } from '../compiler/emit/pgt.ts';
import { fill } from '../compiler/fill/index.ts';
import type { LoadedInput } from '../compiler/load/index.ts';
import { fetchNodes } from '../compiler/map/index.ts';
import type { OjsDocument } from '../compiler/model.ts';
import { translate, type TranslateOptions, type Translation } from '../compiler/translate.ts';
import { HttpError } from './http.ts';
import { failWith, load, writeAll, type JobOutput, type Src } from './jobs.ts';
import { storePgt } from './store-pgt.ts';

/** Reproducibility modes by name (§4.7); requests may give the name or the number. */
const RMODES: Record<string, number> = {
  ALL: -1, NOTHING: 0, RERUN: 1, REPEAT: 2, RECOMPUTE: 4, REPRODUCE: 5, REPLICATE_SCI: 6, REPLICATE_COMP: 7, REPLICATE_TOTAL: 8,
};

export function parseRmode(v: string, field = 'rmode'): number {
  const s = v.trim();
  const n = /^-?\d+$/.test(s) ? Number(s) : RMODES[s.toUpperCase()];
  if (n === undefined || !Object.values(RMODES).includes(n)) {
    throw new HttpError(400, `${field}: unknown reproducibility mode ${JSON.stringify(v)}; one of ${Object.entries(RMODES).map(([k, x]) => `${k} (${x})`).join(', ')}`);
  }
  return n;
}

/**
 * Records the mode in the graph's reprodata, which the emitters carry through (per-drop
 * reprodata is kept when it has an rmode, §4.7). Hashes are not computed, as in the CLI.
 */
function withRmode(input: LoadedInput, rmode: number): void {
  if (input.kind !== 'lg' || rmode === 0) return;
  const doc = input.doc as OjsDocument & { reprodata?: Record<string, unknown> };
  input.doc = { ...doc, reprodata: { ...(doc.reprodata ?? {}), rmode: String(rmode) } } as OjsDocument;
}

function needLg(input: LoadedInput, name: string): void {
  if (input.kind !== 'lg') throw new HttpError(400, `${name}: expected a logical graph, got a drop list (PGT/PG); send it to /partition or /map instead`);
}

function needDrops(input: LoadedInput, name: string): void {
  if (input.kind !== 'drops') throw new HttpError(400, `${name}: expected a drop list (PGT), got a logical graph; send it to /unroll or /unroll_and_partition instead`);
}

function run(input: LoadedInput, options: TranslateOptions): Translation {
  const t = translate(input, options);
  if (!t.value || hasErrors(t.diagnostics)) throw failWith(t.diagnostics);
  return t.value;
}

const fillStep = (params: Record<string, unknown> = {}) => (doc: OjsDocument, file: string) => fill(doc, { params }, file);

async function emit(out: JobOutput, t: Translation, spec: { oidPrefix: string; zerorun?: boolean; app?: 0 | 1 | 2 }): Promise<void> {
  if (t.kind === 'lg') await writeAll(out, [JSON.stringify(t.doc)]);
  else if (t.kind === 'drops') await writeAll(out, dropListChunks(t.drops, t.trailing));
  else await writeAll(out, pgtChunks(t.table, { ...spec, placement: t.placed?.mapper }));
}

export interface GenPgtArgs {
  source: Src;
  lgName: string;
  rmode: number;
  test: boolean;
  algo: string;
  numPar: number;
  numIslands: number;
  parLabel: string;
  algoParams: Record<string, unknown>;
  pgtDir: string;
  maxDrops?: number;
}

/** Translates and partitions an LG, stores the result under a content-hash pgt_id. */
export async function genPgt(a: GenPgtArgs): Promise<unknown> {
  const input = load(a.source);
  needLg(input, a.lgName);
  withRmode(input, a.rmode);
  const t = run(input, {
    emit: 'pgtp', oidPrefix: '1', fill: fillStep(), maxDrops: a.maxDrops,
    // num_islands 0 (EAGLE's default) asks for no island level: one island holds every partition.
    place: { algorithm: a.algo, algorithmGiven: true, params: a.algoParams, numPartitions: a.numPar, numIslands: Math.max(1, a.numIslands), dop: false },
  });
  if (t.kind !== 'table' || !t.placed?.plan) throw new HttpError(500, 'internal error: no partitioned drop table');
  return storePgt({ ...a, table: t.table, placed: t.placed, app: a.test ? 1 : 0 });
}

export interface UnrollArgs {
  source: Src;
  oidPrefix: string;
  zeroRun: boolean;
  app: 0 | 1 | 2;
  maxDrops?: number;
}

export async function unrollJob(a: UnrollArgs, out: JobOutput): Promise<void> {
  const input = load(a.source);
  needLg(input, a.source.name);
  const t = run(input, { emit: 'pgt', oidPrefix: a.oidPrefix, fill: fillStep(), maxDrops: a.maxDrops });
  await emit(out, t, { oidPrefix: a.oidPrefix, zerorun: a.zeroRun, app: a.app });
}

export interface PartitionArgs {
  source: Src;
  numPartitions: number;
  numIslands: number;
  algorithm: string;
  algoParams: Record<string, unknown>;
  maxDrops?: number;
}

function placeOf(a: PartitionArgs): TranslateOptions['place'] {
  return { algorithm: a.algorithm, algorithmGiven: true, params: a.algoParams, numPartitions: a.numPartitions, numIslands: Math.max(1, a.numIslands), dop: false };
}

export async function partitionJob(a: PartitionArgs, out: JobOutput): Promise<void> {
  const input = load(a.source);
  needDrops(input, a.source.name);
  if (a.maxDrops !== undefined && input.kind === 'drops' && input.drops.length > a.maxDrops) {
    throw new HttpError(413, `the drop list has ${input.drops.length} drops, more than the limit of ${a.maxDrops}`, [], { drops: input.drops.length });
  }
  await emit(out, run(input, { emit: 'pgtp', oidPrefix: '1', place: placeOf(a) }), { oidPrefix: '1' });
}

export async function unrollAndPartitionJob(a: PartitionArgs & UnrollArgs, out: JobOutput): Promise<void> {
  const input = load(a.source);
  needLg(input, a.source.name);
  const t = run(input, { emit: 'pgtp', oidPrefix: a.oidPrefix, fill: fillStep(), maxDrops: a.maxDrops, place: placeOf(a) });
  await emit(out, t, { oidPrefix: a.oidPrefix, zerorun: a.zeroRun, app: a.app });
}

export interface FillArgs {
  source: Src;
  parameters: Record<string, unknown>;
  rmode: number;
}

export async function lgFill(a: FillArgs, out: JobOutput): Promise<void> {
  const input = load(a.source);
  needLg(input, a.source.name);
  withRmode(input, a.rmode);
  await emit(out, run(input, { emit: 'lg', oidPrefix: '1', fill: fillStep(a.parameters) }), { oidPrefix: '1' });
}

export interface MapArgs {
  source: Src;
  nodes?: string[];
  /** the manager to ask for its nodes when `nodes` is absent */
  manager?: string;
  numIslands: number;
  coHostDim: boolean;
  maxDrops?: number;
}

export async function mapJob(a: MapArgs, out: JobOutput): Promise<void> {
  let nodes = a.nodes;
  if (!nodes) {
    const r = await fetchNodes(a.manager!);
    if (!r.value) throw failWith(r.diagnostics, 502);
    nodes = r.value;
  }
  const input = load(a.source);
  needDrops(input, a.source.name);
  const t = run(input, {
    emit: 'pg', oidPrefix: '1',
    place: { algorithm: 'metis', nodes, numIslands: Math.max(1, a.numIslands), coHostDim: a.coHostDim, numPartitions: a.coHostDim ? nodes.length : Math.max(1, nodes.length - Math.max(1, a.numIslands)), dop: false },
  });
  await emit(out, t, { oidPrefix: '1' });
}
