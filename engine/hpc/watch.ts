// Following a submitted job from the login node: its queue state (squeue), the driver's
// progress.json, and at the end summary.json, whose session state gives the exit status.
// A job that ends without a summary (killed, or the node side could not start) is described
// from sacct, or scontrol while the controller still remembers it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROGRESS_FILE, SUMMARY_FILE, type Progress, type Summary } from './job/summary.ts';
import { slurmCommand } from './submit.ts';
import { TOKEN_FILE } from './job/token.ts';

export interface WatchOptions {
  jobId: string;
  jobDir: string;
  /** Follow the job to its end. */
  wait: boolean;
  /** Print the ssh command reaching the top manager's dashboard once it is known. */
  tunnel: boolean;
  loginNode: string;
  pollMs: number;
  note: (message: string) => void;
  /** Where the tunnel command goes (stdout). */
  out: (line: string) => void;
}

export interface WatchResult {
  exit: number;
  summary?: Summary;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The job's token (written by the driver, readable by its user only). */
function readToken(jobDir: string): string | undefined {
  try {
    return readFileSync(join(jobDir, TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function tunnelCommand(loginNode: string, node: string, port: number): string {
  return `ssh -N -L ${port}:${node}:${port} ${loginNode}`;
}

/** The job's queue state, or 'gone' once squeue no longer lists it. undefined: squeue did not answer. */
async function queueState(jobId: string): Promise<string | undefined> {
  const r = await slurmCommand('squeue', ['-h', '-j', jobId, '-o', '%T %R'], { timeoutMs: 30_000 });
  if (r.code === 0) return r.stdout.trim() === '' ? 'gone' : r.stdout.trim().split('\n')[0];
  if (/Invalid job id/i.test(r.stderr)) return 'gone';
  return undefined;
}

/** How the job ended, from accounting (sacct), or the controller (scontrol) when accounting is off. */
export async function finalJobState(jobId: string): Promise<string | undefined> {
  for (const args of [['-n', '-X', '-P', '-j', jobId, '-o', 'State,ExitCode'], ['--completion', '-n', '-P', '-j', jobId, '-o', 'State,ExitCode']]) {
    const r = await slurmCommand('sacct', args, { timeoutMs: 30_000 });
    const line = r.stdout.trim().split('\n')[0];
    if (r.code === 0 && line) {
      const [state, exit] = line.split('|');
      return `${state}, exit code ${exit}`;
    }
  }
  const r = await slurmCommand('scontrol', ['show', 'job', '-o', jobId], { timeoutMs: 30_000 });
  const state = /JobState=(\S+)/.exec(r.stdout)?.[1];
  const exit = /ExitCode=(\S+)/.exec(r.stdout)?.[1];
  return state ? `${state}, exit code ${exit}` : undefined;
}

export async function watchJob(o: WatchOptions): Promise<WatchResult> {
  let lastState: string | undefined;
  let lastMessage: string | undefined;
  let tunnelShown = false;
  let silentSince: number | undefined;
  for (;;) {
    const state = await queueState(o.jobId);
    if (state === undefined) {
      silentSince ??= Date.now();
      if (Date.now() - silentSince > 60_000) o.note(`squeue has not answered for a minute; still trying (job ${o.jobId})`);
    } else {
      silentSince = undefined;
      if (state !== lastState && state !== 'gone') o.note(`job ${o.jobId} ${state}`);
      lastState = state;
    }
    const p = readJson<Progress>(join(o.jobDir, PROGRESS_FILE));
    if (p && p.message !== lastMessage && o.wait) o.note(p.message);
    if (p) lastMessage = p.message;
    if (o.tunnel && !tunnelShown && p?.manager) {
      o.out(tunnelCommand(o.loginNode, p.manager.node, p.manager.port));
      const token = readToken(o.jobDir);
      o.note(`then open http://localhost:${p.manager.port}/${token ? `?token=${encodeURIComponent(token)}` : ''} (the managers' dashboard, while job ${o.jobId} runs)`);
      tunnelShown = true;
      if (!o.wait) return { exit: 0 };
    }
    if (state === 'gone') break;
    await sleep(o.pollMs);
  }
  const summary = existsSync(join(o.jobDir, SUMMARY_FILE)) ? readJson<Summary>(join(o.jobDir, SUMMARY_FILE)) : undefined;
  if (!summary) {
    const how = await finalJobState(o.jobId);
    o.note(`job ${o.jobId} ended${how ? ` (${how})` : ''} without writing ${join(o.jobDir, SUMMARY_FILE)}; see ${join(o.jobDir, `slurm-${o.jobId}.out`)}`);
    return { exit: 1 };
  }
  if (o.tunnel && !tunnelShown) o.note(`job ${o.jobId} ended before its managers were up: no dashboard to reach`);
  const drops = summary.drops ? ` — ${summary.drops.total} drops: ${Object.entries(summary.drops).filter(([k, v]) => k !== 'total' && v > 0).map(([k, v]) => `${v} ${k}`).join(', ')}` : '';
  o.note(`job ${o.jobId}: session ${summary.status}${drops}${summary.error ? `\n  ${summary.error.stage}: ${summary.error.message.split('\n').join('\n  ')}` : ''}`);
  for (const d of summary.failedDrops.slice(0, 5)) o.note(`  failed: ${d.oid}${d.name ? ` (${d.name})` : ''}${d.log.length ? `: ${d.log[d.log.length - 1]}` : ''}`);
  o.note(`summary: ${join(o.jobDir, SUMMARY_FILE)}`);
  return { exit: summary.status === 'FINISHED' ? 0 : 1, summary };
}
