// Jobs on a stored PGT (a pgt_id): /gen_pg (template, mapped, or mapped and deployed),
// /gen_pg_spec, and the schedule views (/pgt_gantt_chart, /get_schedule_matrices and the
// compact schedule our Gantt page draws).

import { createReadStream, readFileSync } from 'node:fs';
import { dropListChunks } from '../compiler/emit/droplist.ts';
import { hostMapper, labelIndex, planHosts } from '../compiler/map/index.ts';
import { graphFromDag } from '../compiler/partition/graph.ts';
import { mergePartitions } from '../compiler/partition/merge.ts';
import { dagFromDropSpecs } from '../compiler/schedule/dag.ts';
import { ManagerClient } from '../engine/client/client.ts';
import { submit } from '../engine/client/deploy.ts';
import { BAR_LIMIT, type GraphModel, type ScheduleModel } from '../views/model.ts';
import { HttpError } from './http.ts';
import { failWith, writeAll, writeEncodedString, type JobOutput } from './jobs.ts';
import { PgtStore } from './repo.ts';

/** Matrices (drops or lanes × time units) larger than this are refused with 413. */
export const MATRIX_CELL_LIMIT = 20_000_000;

interface StoredArgs {
  pgtDir: string;
  pgtId: string;
}

function storedDrops(a: StoredArgs): { drops: Record<string, unknown>[]; trailing: Record<string, unknown> } {
  const list = JSON.parse(readFileSync(new PgtStore(a.pgtDir).file(a.pgtId, 'drops'), 'utf8')) as Record<string, unknown>[];
  const trailing = list.length && typeof list[list.length - 1]!.oid !== 'string' ? list.pop()! : {};
  return { drops: list, trailing };
}

/**
 * Maps a partitioned PGT onto `nodes` (the first is the island manager, as the reference's
 * to_pg_spec with one island). Unlike the reference, partitions are merged when there are
 * fewer node managers than partitions, and a lone manager runs the drops itself.
 */
export function mapStored(drops: Record<string, unknown>[], nodes: string[]): void {
  let P = 0;
  const part = new Int32Array(drops.length);
  for (let i = 0; i < drops.length; i++) {
    const p = labelIndex(drops[i]!.node);
    if (p < 0) throw new HttpError(500, `stored drop ${String(drops[i]!.oid)} has no partition label`);
    part[i] = p;
    if (p >= P) P = p + 1;
  }
  const coHost = nodes.length < 2;
  const managers = coHost ? nodes.length : nodes.length - 1;
  let placed: { part: Int32Array; numParts: number } = { part, numParts: P };
  if (P > managers) placed = mergePartitions(graphFromDag(dagFromDropSpecs(drops)), part, P, managers, 1);
  const islandOf = new Int32Array(placed.numParts);
  const hosts = planHosts(islandOf, 1, nodes, coHost);
  if (!hosts.value) throw failWith(hosts.diagnostics);
  const m = hostMapper({ part: placed.part, islandOf }, hosts.value);
  for (let i = 0; i < drops.length; i++) {
    drops[i]!.node = m.node(i);
    drops[i]!.island = m.island(i);
  }
}

export interface GenPgArgs extends StoredArgs {
  /** manager first, then its nodes; absent: the template PG */
  nodes?: string[];
  /** create, append and deploy a session on this manager */
  deploy?: { base: string; sessionId: string };
}

export async function genPg(a: GenPgArgs, out: JobOutput): Promise<unknown> {
  if (!a.nodes) {
    // The stored drop list is the template PG (#i labels) with its reprodata.
    for await (const c of createReadStream(new PgtStore(a.pgtDir).file(a.pgtId, 'drops'), { highWaterMark: 1 << 20 })) await out.write(c as Buffer);
    return null;
  }
  const { drops, trailing } = storedDrops(a);
  mapStored(drops, a.nodes);
  if (!a.deploy) {
    await writeAll(out, dropListChunks(drops, trailing));
    return null;
  }
  const client = new ManagerClient(a.deploy.base, { token: process.env.DLG_TOKEN });
  try {
    await submit(client, [...drops, trailing], { sessionId: a.deploy.sessionId });
  } catch (e) {
    throw new HttpError(502, `Failed to interact with the DALiuGE drop manager at ${a.deploy.base}: ${(e as Error).message}`);
  }
  return { sessionId: a.deploy.sessionId };
}

export async function genPgSpec(a: StoredArgs & { nodes: string[] }, out: JobOutput): Promise<void> {
  const { drops, trailing } = storedDrops(a);
  mapStored(drops, a.nodes);
  // The reference sends the PG without its reprodata here, and the roots by oid.
  void trailing;
  const roots = rootsOf(drops);
  await writeEncodedString(out, (function* () {
    yield '{"pg_spec": [';
    let buf = '';
    for (let i = 0; i < drops.length; i++) {
      buf += (i ? ',' : '') + JSON.stringify(drops[i]);
      if (buf.length > 1 << 20) {
        yield buf;
        buf = '';
      }
    }
    yield buf + ']';
    yield `, "root_uids": ${JSON.stringify(roots)}}`;
  })());
}

function rootsOf(drops: Record<string, unknown>[]): string[] {
  const dag = dagFromDropSpecs(drops);
  const indeg = new Uint8Array(dag.n);
  for (let e = 0; e < dag.offsets[dag.n]!; e++) indeg[dag.targets[e]!] = 1;
  const out: string[] = [];
  for (let i = 0; i < dag.n; i++) if (!indeg[i]) out.push(String(drops[i]!.oid));
  return out;
}

interface ScheduleFile {
  makespan: number;
  start: number[];
  end: number[];
  part: number[];
  lane: number[];
  lanes: number[];
  order: number[];
  critical: number[];
}

function schedule(a: StoredArgs): ScheduleFile {
  return JSON.parse(readFileSync(new PgtStore(a.pgtDir).file(a.pgtId, 'schedule'), 'utf8')) as ScheduleFile;
}

function tooLarge(what: string, cells: number): HttpError {
  return new HttpError(413, `the ${what} would have ${cells} cells, more than ${MATRIX_CELL_LIMIT}; use /pgt_schedule (one entry per drop) instead`, [], { cells });
}

/**
 * The reference's Gantt matrix (§7.11): one row per drop in topological order, one column per
 * time unit, 1 while the drop runs; a JSON string of the matrix (double-encoded, as there).
 */
export async function ganttMatrix(a: StoredArgs, out: JobOutput): Promise<void> {
  const s = schedule(a);
  const N = Math.ceil(s.makespan);
  if (s.order.length * N > MATRIX_CELL_LIMIT) throw tooLarge('Gantt matrix', s.order.length * N);
  await writeEncodedString(out, (function* () {
    yield '[';
    let row = new Array<number>(N);
    for (let k = 0; k < s.order.length; k++) {
      const i = s.order[k]!;
      row.fill(0);
      for (let x = Math.floor(s.start[i]!); x < Math.ceil(s.end[i]!); x++) row[x] = 1;
      yield (k ? ',[' : '[') + row.join(',') + ']';
    }
    row = [];
    yield ']';
  })());
}

/**
 * The reference's schedule matrices: per partition, one row per lane and one column per time
 * unit holding the running drop's 1-based index (0 = idle), stacked with a zero row between
 * partitions. Ours share the whole graph's timeline and exist for every algorithm.
 */
export async function scheduleMatrices(a: StoredArgs, out: JobOutput): Promise<void> {
  const s = schedule(a);
  const N = Math.max(1, Math.ceil(s.makespan));
  const rows = s.lanes.reduce((x, y) => x + y, 0) + Math.max(0, s.lanes.length - 1);
  if (rows * N > MATRIX_CELL_LIMIT) throw tooLarge('schedule matrix', rows * N);
  const firstRow: number[] = [];
  let r = 0;
  for (let p = 0; p < s.lanes.length; p++) {
    firstRow.push(r);
    r += s.lanes[p]! + 1;
  }
  const m = Array.from({ length: rows }, () => new Array<number>(N).fill(0));
  for (let i = 0; i < s.lane.length; i++) {
    if (s.lane[i]! < 0) continue;
    const row = m[firstRow[s.part[i]!]! + s.lane[i]!]!;
    for (let x = Math.floor(s.start[i]!); x < Math.ceil(s.end[i]!); x++) row[x] = i + 1;
  }
  await writeEncodedString(out, [JSON.stringify(m)]);
}

/** The compact schedule the Gantt page draws (views/model.ts ScheduleModel). */
export async function scheduleView(a: StoredArgs, out: JobOutput): Promise<void> {
  const s = schedule(a);
  const store = new PgtStore(a.pgtDir);
  const view = JSON.parse(readFileSync(store.file(a.pgtId, 'view'), 'utf8')) as GraphModel;
  const meta = store.meta(a.pgtId);
  const timed: number[] = [];
  for (let i = 0; i < s.lane.length; i++) if (s.lane[i]! >= 0) timed.push(i);
  let omitted = 0;
  if (timed.length > BAR_LIMIT) {
    // Keep the critical path and the longest bars.
    const critical = new Set(s.critical);
    timed.sort((x, y) => Number(critical.has(y)) - Number(critical.has(x)) || (s.end[y]! - s.start[y]!) - (s.end[x]! - s.start[x]!));
    omitted = timed.length - BAR_LIMIT;
    timed.length = BAR_LIMIT;
  }
  const bars: number[] = [];
  const names: Record<number, string> = {};
  for (const i of timed) {
    bars.push(i, s.part[i]!, s.lane[i]!, s.start[i]!, s.end[i]!);
    names[i] = view.detail ? `${view.groups[view.detail.group[i]!]!.name} ${view.detail.oid[i]}` : `drop ${i + 1}`;
  }
  const model: ScheduleModel = {
    title: String(meta.lg_name ?? a.pgtId), makespan: s.makespan, drops: s.lane.length,
    parts: view.parts.map((p) => p.label), lanes: s.lanes, bars, critical: s.critical, names, omitted,
  };
  await writeAll(out, [JSON.stringify(model)]);
}
