// Submitting a job: the job directory gets copies of the graph and parameter files (a queued
// job must not see later edits), the script, and sbatch's answer. If sbatch refuses, the
// directory is removed again: nothing half-made stays on disk.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type SlurmJob, renderScript } from './script.ts';

export const SCRIPT_FILE = 'job.sh';

export class SubmitError extends Error {}

export interface Submitted {
  jobId: string;
  script: string;
}

/** Runs a SLURM client command; resolves with its exit code and output (never rejects). */
export function slurmCommand(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `${cmd} is not installed or not on PATH` : err.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/**
 * Makes the job directory (refusing one that already holds a job), copies the inputs into it
 * and returns the job with its paths pointing at the copies.
 */
export function prepareJobDir(job: SlurmJob, graphText?: string): SlurmJob {
  const dir = job.jobDir;
  if (existsSync(dir) && readdirSync(dir).some((f) => f === SCRIPT_FILE || f === 'summary.json')) {
    throw new SubmitError(`${dir} already holds a job; choose another --job-dir`);
  }
  mkdirSync(join(dir, 'inputs'), { recursive: true });
  const graph = join(dir, 'inputs', graphText === undefined ? basename(job.graph) : 'graph.json');
  if (graphText === undefined) copyFileSync(job.graph, graph);
  else writeFileSync(graph, graphText);
  const paramFiles = job.paramFiles.map((f, k) => {
    const copy = join(dir, 'inputs', `params-${k}-${basename(f)}`);
    copyFileSync(f, copy);
    return copy;
  });
  return { ...job, graph, paramFiles };
}

/** Writes the script into the job directory and submits it from there. */
export async function submitJob(job: SlurmJob, created: boolean): Promise<Submitted> {
  const script = join(job.jobDir, SCRIPT_FILE);
  try {
    writeFileSync(script, renderScript(job), { mode: 0o755 });
    const r = await slurmCommand('sbatch', ['--parsable', script], { cwd: job.jobDir });
    const jobId = r.stdout.trim().split(';')[0] ?? '';
    if (r.code === 127) throw new SubmitError(`cannot submit the job: ${r.stderr.trim()} (run dlg-deploy --slurm on a login node, or --print the script)`);
    if (r.code !== 0 || !/^\d+(_\d+)?$/.test(jobId)) {
      throw new SubmitError(`sbatch refused the job (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    }
    return { jobId, script };
  } catch (err) {
    if (created) rmSync(job.jobDir, { recursive: true, force: true });
    throw err;
  }
}
