// One task of the job's node-manager step (srun runs one per allocated task): starts
// `dlg-engine nm` on this node at base + SLURM_PROCID, waits until it answers, and records
// the outcome in <job>/managers/nm-<rank>.json for the driver: the address and port, or why
// it could not start (e.g. the port is taken). It stops the node manager when srun or the
// driver stops the task, and ends when the node manager does.

import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cliCommand } from './commands.ts';
import { endpoint, nodeManagerPort, type NodeManagerRecord } from '../layout.ts';
import { writeJsonAtomic } from './summary.ts';
import { tailOf as tail } from './process.ts';
import { authHeaders } from './token.ts';

export interface TaskOptions {
  jobDir: string;
  basePort: number;
  dlgRoot: string;
  maxWorkers?: number;
  python?: string;
  pythonPaths: string[];
  /** Seconds each manager may take to answer. */
  startTimeout: number;
  /** The node managers' --data-dir and --app-timeout. */
  dataDirs: string[];
  appTimeout?: number;
}

export type TaskRecord = ({ ok: true } & NodeManagerRecord) | { ok: false; procId: number; node: string; error: string };

export function recordFile(jobDir: string, procId: number): string {
  return join(jobDir, 'managers', `nm-${procId}.json`);
}

export function nodeManagerLog(procId: number): string {
  return join('logs', `nm-${procId}.log`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function logTail(path: string): string {
  const t = tail(path);
  return t ? `:\n${t}` : ` (its log ${path} is empty)`;
}

export async function runTask(opts: TaskOptions): Promise<number> {
  const procId = Number(process.env.SLURM_PROCID);
  if (!Number.isInteger(procId) || procId < 0) throw new Error('SLURM_PROCID is not set: run this under srun');
  const node = process.env.SLURMD_NODENAME || hostname();
  mkdirSync(join(opts.jobDir, 'managers'), { recursive: true });
  mkdirSync(join(opts.jobDir, 'logs'), { recursive: true });
  const record = (r: TaskRecord) => writeJsonAtomic(join(opts.jobDir, 'managers'), `nm-${procId}.json`, r);
  let address: string;
  try {
    address = (await lookup(node, { family: 4 })).address;
  } catch (err) {
    record({ ok: false, procId, node, error: `cannot resolve this node's name ${node}: ${(err as Error).message}` });
    return 1;
  }
  const port = nodeManagerPort(opts.basePort, procId);
  const dlgRoot = join(opts.dlgRoot, `nm${procId}`);
  const logPath = join(opts.jobDir, nodeManagerLog(procId));
  const log = openSync(logPath, 'a');
  const cmd = cliCommand('dlg-engine');
  const args = [...cmd.args, 'nm', '--host', address, '--port', String(port), '--dlg-root', dlgRoot];
  if (opts.maxWorkers) args.push('--max-workers', String(opts.maxWorkers));
  if (opts.python) args.push('--python', opts.python);
  for (const p of opts.pythonPaths) args.push('--python-path', p);
  for (const d of opts.dataDirs) args.push('--data-dir', d);
  if (opts.appTimeout) args.push('--app-timeout', String(opts.appTimeout));
  const child = spawn(cmd.node, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.once('error', () => resolve(127));
  });
  let done = false;
  void exited.then(() => (done = true));
  const stop = () => {
    if (!done) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    timer.unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  const url = `http://${endpoint(address, port)}`;
  const deadline = Date.now() + opts.startTimeout * 1000;
  for (;;) {
    if (done) {
      const code = await exited;
      record({ ok: false, procId, node, error: `the node manager exited (code ${code}) before answering${logTail(logPath)}` });
      return code;
    }
    try {
      const res = await fetch(`${url}/api`, { headers: authHeaders(), signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      record({ ok: false, procId, node, error: `the node manager did not answer at ${url} within ${opts.startTimeout} s${logTail(logPath)}` });
      stop();
      return await exited;
    }
    await sleep(100);
  }
  record({ ok: true, procId, node, address, port, pid: child.pid!, dlgRoot });
  const code = await exited;
  // Stopped on request (the driver's /api/stop or a signal): a normal end for this task.
  return code === 0 || code === 128 ? 0 : code;
}
