// The batch script of `dlg-deploy --slurm`: sbatch directives, the facility's environment,
// and one command, the job driver (dlg-slurm-job run), which does the work in TypeScript.
// Every value from the user or a facility file is quoted in one pass (shell.ts); values that
// sbatch reads itself (#SBATCH lines are not shell) are checked to be plain words.

import type { Facility } from './facility.ts';
import type { Command } from './job/commands.ts';
import { expandVars, shellQuote, shellWordWithVars } from './shell.ts';

export interface SlurmJob {
  facility: Facility;
  /** The graph and parameter files the job reads (absolute paths). */
  graph: string;
  paramFiles: string[];
  /** NAME=VALUE parameters. */
  params: string[];
  jobName: string;
  nodes: number;
  /** Node managers: per node, or in all (sbatch --ntasks-per-node / --ntasks). */
  tasksPerNode?: number;
  tasks?: number;
  islands: number;
  partition?: string;
  account?: string;
  time: string;
  maxWorkers?: number;
  python?: string;
  /** The node managers' --python-path directories. */
  pythonPaths: string[];
  /** Absolute; holds the script, logs, pg.json and summary.json. */
  jobDir: string;
  /** DALiuGE root on the nodes; `$VAR` references are left to the job's shell. */
  dlgRoot: string;
  basePort: number;
  startTimeout: number;
  /** Extra sbatch options (the facility's, then the user's). */
  sbatch: string[];
  sessionId?: string;
  /** dlg-translate --max-drops. */
  maxDrops?: number;
  /** The node managers' --data-dir (`$VAR` references left to the job's shell) and --app-timeout. */
  dataDirs: string[];
  appTimeout?: number;
  /** How the compute nodes run dlg-slurm-job. */
  driver: Command;
}

/** What an sbatch directive value may hold: sbatch splits directives on white space itself. */
const DIRECTIVE_VALUE = /^[A-Za-z0-9_.,:@+/=-]+$/;

export class ScriptError extends Error {}

function directive(name: string, value: string | number, what: string): string {
  const v = String(value);
  if (!DIRECTIVE_VALUE.test(v)) throw new ScriptError(`${what} ${JSON.stringify(v)} cannot go into an #SBATCH line: use letters, digits and . , : @ + / = - _ only`);
  return `#SBATCH --${name}=${v}`;
}

/** SLURM's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
export function isSlurmTime(t: string): boolean {
  return /^\d+(:\d{1,2}){0,2}$/.test(t) || /^\d+-\d{1,2}(:\d{1,2}){0,2}$/.test(t);
}

export function renderScript(job: SlurmJob, env: NodeJS.ProcessEnv = process.env): string {
  const f = job.facility;
  if (!isSlurmTime(job.time)) throw new ScriptError(`--time ${JSON.stringify(job.time)} is not a SLURM time (HH:MM:SS, MM, D-HH:MM:SS...)`);
  if (/[\s%"'\\]/.test(job.jobDir)) throw new ScriptError(`the job directory ${JSON.stringify(job.jobDir)} cannot hold white space, quotes, \\ or % (sbatch reads it in #SBATCH --output)`);
  // sbatch does not expand the environment in directives: $USER in an account is ours to expand.
  const account = job.account ?? (f.account ? expandVars(f.account, env) : undefined);
  const partition = job.partition ?? f.partition;
  const lines = [
    '#!/bin/bash',
    `# ${oneLine(job.graph)} on SLURM, written by dlg-deploy --slurm (dlg-ts) for the facility "${f.name}".`,
    ...(f.description ? [`# ${oneLine(f.description)}`] : []),
    `# The job directory must exist before sbatch reads this (dlg-deploy --slurm makes it): mkdir -p ${job.jobDir}`,
    directive('job-name', job.jobName, 'the job name'),
    directive('nodes', job.nodes, '--nodes'),
    job.tasks !== undefined ? directive('ntasks', job.tasks, '--ntasks') : directive('ntasks-per-node', job.tasksPerNode ?? 1, '--ntasks-per-node'),
    directive('time', job.time, '--time'),
    // Checked above; %j is sbatch's job id pattern.
    `#SBATCH --output=${job.jobDir}/slurm-%j.out`,
  ];
  if (partition) lines.push(directive('partition', partition, 'the partition'));
  if (account) lines.push(directive('account', account, 'the account'));
  if (f.nodeMemory) lines.push(directive('mem', f.nodeMemory, 'the node memory'));
  if (f.cpusPerTask) lines.push(directive('cpus-per-task', f.cpusPerTask, 'cpusPerTask'));
  for (const o of job.sbatch) {
    if (!/^--[a-z][a-z-]*(=[A-Za-z0-9_.,:@+/=-]+)?$/.test(o)) throw new ScriptError(`sbatch option ${JSON.stringify(o)} must look like --name or --name=value (letters, digits and . , : @ + / = - _)`);
    lines.push(`#SBATCH ${o}`);
  }
  if (f.modules.length || f.setup.length) {
    lines.push('', `# The environment of ${f.name}.`, ...f.modules, ...f.setup);
  }
  const d = job.driver;
  const run: string[] = [
    `--job-dir ${shellQuote(job.jobDir)}`,
    `--graph ${shellQuote(job.graph)}`,
    ...job.paramFiles.map((p) => `--params ${shellQuote(p)}`),
    ...job.params.map((p) => `-p ${shellQuote(p)}`),
    `--islands ${job.islands} --base-port ${job.basePort} --start-timeout ${job.startTimeout}`,
    `--dlg-root ${shellWordWithVars(job.dlgRoot)}`,
  ];
  if (job.maxWorkers) run.push(`--max-workers ${job.maxWorkers}`);
  if (job.python) run.push(`--python ${shellQuote(job.python)}`);
  for (const p of job.pythonPaths) run.push(`--python-path ${shellQuote(p)}`);
  if (job.sessionId) run.push(`--session-id ${shellQuote(job.sessionId)}`);
  if (job.maxDrops) run.push(`--max-drops ${job.maxDrops}`);
  for (const d of job.dataDirs) run.push(`--data-dir ${shellWordWithVars(d)}`);
  if (job.appTimeout) run.push(`--app-timeout ${job.appTimeout}`);
  lines.push(
    '',
    '# The job driver, on this first node: srun starts a node manager per task (the one of',
    `# SLURM_PROCID i on port ${job.basePort} + i), then it maps the graph onto them (dlg-translate`,
    '# --emit pg), starts the island manager(s) with srun (and a master manager for several',
    '# islands), deploys and waits (dlg-deploy --url --wait), stops the managers and writes',
    '# summary.json, pg.json and logs/ into the job directory. Its exit status is the session\'s.',
    `exec ${[d.node, ...d.args].map(shellQuote).join(' ')} run \\`,
    ...run.map((r, i) => `  ${r}${i < run.length - 1 ? ' \\' : ''}`),
    '',
  );
  return lines.join('\n');
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
