// Storing a translated PGT in --pgt-dir: the partitioned drop list, the GoJS JSON EAGLE's
// viewer reads, the views' model, the schedule and a meta file, all named after a hash of
// the drop list (so the same translation gets the same pgt_id and is stored once). Files are
// written under temporary names and renamed when all are complete.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DropNames, pgtChunks } from '../compiler/emit/pgt.ts';
import { maxWeightedAntichain } from '../compiler/schedule/antichain.ts';
import { packLanes, timeline } from '../compiler/schedule/timeline.ts';
import type { ScheduleMetrics } from '../compiler/schedule/metrics.ts';
import type { Placed } from '../compiler/place.ts';
import { dagOfTable, type DropTable } from '../compiler/unroll/index.ts';
import { buildModel, groupsOfTable, planSummary } from '../views/build.ts';
import { gojsChunks } from './gojs.ts';
import { STORED, pgtIdOf } from './repo.ts';

/** Graphs up to this size get their maximum degree of parallelism computed (a max flow). */
const DOP_LIMIT = 100_000;

export interface StoreArgs {
  lgName: string;
  pgtDir: string;
  parLabel: string;
  rmode: number;
  numPar: number;
  numIslands: number;
  table: DropTable;
  placed: Placed;
  app: 0 | 1 | 2;
}

export interface Stored {
  pgtId: string;
  /** the reference's result() as "k:v - k:v" */
  partInfo: string;
  drops: number;
}

/** The reference result line of a PGT already in the store, or undefined. */
function storedBefore(dir: string, pgtId: string): string | undefined {
  const id = join(dir, pgtId);
  if (!existsSync(id) || !existsSync(id + STORED.meta)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(id + STORED.meta, 'utf8')) as { summary?: [string, string][] };
    return meta.summary?.[meta.summary.length - 1]?.[1];
  } catch {
    return undefined;
  }
}

class TempFile {
  private closed = false;

  readonly path: string;
  private readonly fd: number;

  constructor(dir: string, tag: string, suffix: string) {
    this.path = join(dir, `.${tag}${suffix}.tmp`);
    this.fd = openSync(this.path, 'w');
  }

  write(chunk: string | Uint8Array): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

function metrics(m: ScheduleMetrics): Record<string, number> {
  return { completion_time: m.completionTime, compute_time: m.computeTime, data_movement: m.dataMovement, partitions: m.partitions, islands: m.islands };
}

export function storePgt(a: StoreArgs): Stored {
  const { table: t, placed } = a;
  const plan = placed.plan!;
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const temps: TempFile[] = [];
  const temp = (suffix: string) => {
    const f = new TempFile(a.pgtDir, tag, suffix);
    temps.push(f);
    return f;
  };
  try {
    const hash = createHash('sha256');
    const drops = temp(STORED.drops);
    // A chunk is reused once the next is pulled: hash and write it before that.
    for (const c of pgtChunks(t, { oidPrefix: '1', app: a.app, placement: placed.mapper })) {
      hash.update(c);
      drops.write(c);
    }
    // The id names the drop list and what was asked for it (recorded in the meta file).
    hash.update(`\0${JSON.stringify([a.parLabel, a.numPar, a.numIslands, a.rmode, a.app, plan.algorithm, plan.params])}`);
    const pgtId = pgtIdOf(a.lgName, hash.digest('hex').slice(0, 16));
    const known = storedBefore(a.pgtDir, pgtId);
    if (known) {
      // The same drop list and label were stored before: the store is content-addressed.
      drops.close();
      rmSync(drops.path, { force: true });
      return { pgtId, partInfo: known, drops: t.n };
    }

    const names = new DropNames(t, { oidPrefix: '1' }, { perDrop: false });
    const dag = dagOfTable(t);
    const { groups, groupOf } = groupsOfTable(t);
    const name = (i: number) => groups[groupOf[i]!]!.name;
    const oid = (i: number) => names.oid(i);
    const gojs = temp('');
    for (const c of gojsChunks({
      dag, oid, name, iid: (i) => names.iid(i), part: plan.part, islandOf: plan.islandOf, numIslands: plan.numIslands,
      parLabel: a.parLabel, reprodata: t.lg.reprodata ?? {},
    })) gojs.write(c);

    const maxDop = t.n <= DOP_LIMIT ? maxWeightedAntichain(dag) : NaN;
    const r = plan.result;
    const summary = planSummary(plan, t.n, dag.offsets[t.n]!, maxDop, DOP_LIMIT);
    const partInfo = summary[summary.length - 1]![1];
    const parts = Array.from({ length: plan.numParts }, (_, p) => ({ label: `#${p}`, island: `#${plan.islandOf[p]}`, drops: 0 }));
    for (let i = 0; i < t.n; i++) parts[plan.part[i]!]!.drops++;
    const view = temp(STORED.view);
    view.write(JSON.stringify(buildModel({
      title: a.lgName, kind: 'pgtp', n: t.n, groups, groupOf, dag, oid, parts: { parts, partOf: plan.part }, summary, pgtId,
    })));

    const tl = timeline(dag, plan.part)!;
    const lanes = packLanes(tl, plan.part, plan.numParts);
    const schedule = temp(STORED.schedule);
    schedule.write(JSON.stringify({
      makespan: tl.makespan, start: Array.from(tl.start), end: Array.from(tl.end), part: Array.from(plan.part),
      lane: Array.from(lanes.lane), lanes: Array.from(lanes.count), order: Array.from(tl.order), critical: Array.from(tl.critical),
    }));

    const meta = temp(STORED.meta);
    meta.write(JSON.stringify({
      pgt_id: pgtId, lg_name: a.lgName, created: new Date().toISOString(), drops: t.n, edges: dag.offsets[t.n],
      partitions: plan.numParts, islands: plan.numIslands, num_par: a.numPar, num_islands: a.numIslands,
      algo: plan.algorithm, algo_params: plan.params, par_label: a.parLabel, rmode: a.rmode,
      app: a.app === 1 ? 'dlg.apps.simple.SleepApp' : null, result: r, max_dop: Number.isNaN(maxDop) ? null : maxDop,
      before: metrics(plan.before), after: metrics(plan.after), summary,
    }));

    for (const f of temps) f.close();
    // The id file (GoJS) last: a pgt_id is listed and served only once everything is there.
    for (const f of temps) if (f !== gojs) renameSync(f.path, join(a.pgtDir, pgtId + f.path.slice(join(a.pgtDir, `.${tag}`).length, -'.tmp'.length)));
    renameSync(gojs.path, join(a.pgtDir, pgtId));
    return { pgtId, partInfo, drops: t.n };
  } catch (e) {
    for (const f of temps) {
      f.close();
      rmSync(f.path, { force: true });
    }
    throw e;
  }
}
