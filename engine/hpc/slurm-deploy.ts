// `dlg-deploy GRAPH --slurm`: from the command line's options to a batch script that is
// printed (--print) or submitted (sbatch), then optionally followed (--wait, --tunnel).

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve, join } from 'node:path';
import { FacilityError, selectFacility } from './facility.ts';
import { cliCommand } from './job/commands.ts';
import { graphName } from './job/driver.ts';
import { DEFAULT_BASE_PORT, lastPort } from './layout.ts';
import { ScriptError, type SlurmJob, renderScript } from './script.ts';
import { SubmitError, prepareJobDir, submitJob } from './submit.ts';
import { watchJob } from './watch.ts';

export interface SlurmCliOptions {
  nodes?: number;
  ntasksPerNode?: number;
  ntasks?: number;
  islands?: number;
  partition?: string;
  account?: string;
  time?: string;
  maxWorkers?: number;
  python?: string;
  jobDir?: string;
  facility?: string;
  facilityFile?: string;
  params: string[];
  print?: boolean;
  wait?: boolean;
  tunnel?: boolean;
  sbatch: string[];
  basePort?: number;
  startTimeout?: number;
  maxDrops?: number;
  dataDir?: string[];
  pythonPath?: string[];
  appTimeout?: number;
  dlgRoot?: string;
  sessionId?: string;
  pollInterval: number;
}

/** A user mistake in the --slurm options: the message says which and why. */
export class SlurmUsageError extends Error {}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
}

/** --params values: existing files (or names without =) are parameter files, the rest NAME=VALUE. */
function splitParams(values: readonly string[]): { files: string[]; pairs: string[] } {
  const files: string[] = [];
  const pairs: string[] = [];
  for (const v of values) {
    if (existsSync(v) || (!v.includes('=') && !v.trim().startsWith('{'))) {
      if (!existsSync(v)) throw new SlurmUsageError(`the parameter file ${v} does not exist`);
      files.push(resolve(v));
    } else pairs.push(v);
  }
  return { files, pairs };
}

export function buildJob(graphFile: string, o: SlurmCliOptions): SlurmJob {
  let facility;
  try {
    facility = selectFacility(o.facility, o.facilityFile);
  } catch (err) {
    if (err instanceof FacilityError) throw new SlurmUsageError(err.message);
    throw err;
  }
  const nodes = o.nodes ?? 1;
  if (o.ntasks !== undefined && o.ntasksPerNode !== undefined) throw new SlurmUsageError('give --ntasks (node managers in all) or --ntasks-per-node, not both');
  if (o.ntasks !== undefined && o.ntasks < nodes) throw new SlurmUsageError(`--ntasks ${o.ntasks} is fewer than --nodes ${nodes}: every node runs a node manager`);
  const tasksPerNode = o.ntasks === undefined ? (o.ntasksPerNode ?? 1) : undefined;
  const tasks = o.ntasks ?? nodes * tasksPerNode!;
  const islands = o.islands ?? 1;
  if (islands > tasks) {
    const given = o.ntasks !== undefined ? `--ntasks ${tasks}` : `--nodes ${nodes} × --ntasks-per-node ${tasksPerNode} gives ${tasks}`;
    throw new SlurmUsageError(`--islands ${islands} needs at least as many node managers, but ${given}`);
  }
  const basePort = o.basePort ?? DEFAULT_BASE_PORT;
  if (lastPort(basePort, tasks, islands) > 65535) throw new SlurmUsageError(`--base-port ${basePort} leaves too few ports for ${tasks} node managers and ${islands} island(s)`);
  const { files, pairs } = splitParams(o.params);
  const name = graphFile === '-' ? 'graph' : graphName(graphFile);
  const jobDir = resolve(o.jobDir ?? join('dlg-jobs', `${name}-${timestamp()}`));
  return {
    facility,
    graph: graphFile === '-' ? '-' : resolve(graphFile),
    paramFiles: files,
    params: pairs,
    jobName: `dlg-${name}`.slice(0, 64),
    nodes,
    tasksPerNode,
    tasks: o.ntasks,
    islands,
    partition: o.partition,
    account: o.account,
    time: o.time ?? '00:30:00',
    maxWorkers: o.maxWorkers,
    python: o.python,
    pythonPaths: (o.pythonPath ?? []).map((p) => resolve(p)),
    jobDir,
    dlgRoot: o.dlgRoot ?? facility.dlgRoot,
    basePort,
    startTimeout: o.startTimeout ?? 60,
    sbatch: [...facility.sbatch, ...o.sbatch],
    sessionId: o.sessionId,
    maxDrops: o.maxDrops,
    dataDirs: o.dataDir ?? [],
    appTimeout: o.appTimeout,
    driver: cliCommand('dlg-slurm-job'),
  };
}

/** Prints or submits; returns the exit status. Notes go to `note` (stderr), results to `out` (stdout). */
export async function deploySlurm(graphFile: string, o: SlurmCliOptions, note: (m: string) => void, out: (l: string) => void): Promise<number> {
  let job = buildJob(graphFile, o);
  try {
    if (o.print) {
      if (graphFile === '-') throw new SlurmUsageError('--print needs a graph file, not stdin: the script names the file the job reads');
      if (o.wait || o.tunnel) throw new SlurmUsageError('--print submits nothing: it cannot --wait or --tunnel');
      if (!existsSync(job.graph)) throw new SlurmUsageError(`the graph file ${job.graph} does not exist`);
      out(renderScript(job).trimEnd());
      return 0;
    }
    const graphText = graphFile === '-' ? readFileSync(0, 'utf8') : undefined;
    if (graphText === undefined && !existsSync(job.graph)) throw new SlurmUsageError(`the graph file ${job.graph} does not exist`);
    // Checked before anything is written.
    renderScript(job);
    const created = !existsSync(job.jobDir);
    try {
      job = prepareJobDir(job, graphText);
    } catch (err) {
      throw err instanceof SubmitError ? new SlurmUsageError(err.message) : err;
    }
    const { jobId, script } = await submitJob(job, created);
    out(jobId);
    note(`job ${jobId} submitted (${script}); its summary will be ${join(job.jobDir, 'summary.json')}`);
    if (!o.wait && !o.tunnel) return 0;
    const r = await watchJob({
      jobId, jobDir: job.jobDir, wait: !!o.wait, tunnel: !!o.tunnel, loginNode: job.facility.loginNode ?? hostname(),
      pollMs: o.pollInterval * 1000, note, out,
    });
    return r.exit;
  } catch (err) {
    if (err instanceof ScriptError) throw new SlurmUsageError(err.message);
    throw err;
  }
}

export { SubmitError };
