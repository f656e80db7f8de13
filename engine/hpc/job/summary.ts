// summary.json: what a job did, for people and for scripts. Written once, at the end, under a
// temporary name and renamed; progress.json (stage, drops done) is rewritten the same way
// while the job runs, so `dlg-deploy --slurm --wait` can show progress from the login node.

import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUMMARY_FILE = 'summary.json';
export const PROGRESS_FILE = 'progress.json';

export type Stage = 'allocation' | 'nodes' | 'translate' | 'islands' | 'deploy' | 'run' | 'collect';

export interface StageTime {
  name: Stage;
  seconds: number;
  ok: boolean;
}

export interface FailedDrop {
  oid: string;
  name?: string;
  node?: string;
  state: string;
  log: string[];
}

export interface ManagerEntry {
  role: 'nm' | 'dim' | 'mm';
  index: number;
  node: string;
  url: string;
  /** Relative to the job directory. */
  log: string;
  /** Node managers: the session's directory on that node. */
  sessionDir?: string;
}

export interface Summary {
  /** The session's final state by name: FINISHED, FAILED or CANCELLED. A job that failed before deploying is FAILED. */
  status: string;
  /** Why the job failed, when it did so outside the session (a manager, the translation, a signal). */
  error: { stage: Stage; message: string } | null;
  job: { id: string | null; name: string | null; nodes: string[]; tasks: number; islands: number };
  graph: string;
  session: { id: string; manager: string } | null;
  /** Drops per state name, and their total; null when nothing was deployed. */
  drops: Record<string, number> | null;
  stages: StageTime[];
  failedDrops: FailedDrop[];
  /** Failed drops beyond those listed. */
  moreFailedDrops: number;
  managers: ManagerEntry[];
  /** The physical graph that ran (relative to the job directory), when translation succeeded. */
  pg: string | null;
  started: string;
  ended: string;
  seconds: number;
}

export interface Progress {
  stage: Stage | 'done';
  message: string;
  /** The top manager, once known (for the dashboard tunnel). */
  manager?: { node: string; port: number; url: string };
  drops?: { done: number; total: number };
  time: string;
}

/** Writes JSON next to its final name, then renames: readers never see half a file. */
export function writeJsonAtomic(dir: string, name: string, value: unknown): void {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, join(dir, name));
}
