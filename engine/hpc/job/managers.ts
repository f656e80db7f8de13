// Starting the job's managers with srun and waiting until each answers: one step of node
// managers over all tasks (each task reports in <job>/managers/nm-<rank>.json), then one
// single-task step per island manager on its node, and the master manager on the first node.
// Every wait is bounded and ends early when a manager reports that it could not start or its
// step ends.

import { existsSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliCommand } from './commands.ts';
import { authHeaders } from './token.ts';
import { type Step, startStep, stopStep, tailOf } from './process.ts';
import { nodeManagerLog, recordFile, type TaskRecord } from './task.ts';
import { endpoint, type IslandPlan, type NodeManagerRecord } from '../layout.ts';

export class StartFailure extends Error {}

export interface NodeStepOptions {
  jobDir: string;
  tasks: number;
  basePort: number;
  dlgRoot: string;
  maxWorkers?: number;
  python?: string;
  pythonPaths: string[];
  dataDirs: string[];
  appTimeout?: number;
  startTimeout: number;
  /** Aborted when the job is being stopped. */
  signal: AbortSignal;
  /** Every step started is added here at once, so that it is stopped even if the start fails. */
  steps: Step[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SLURM's srun, with options every step of ours takes. */
function srun(extra: string[]): string[] {
  // --overlap: the managers' steps share the allocation (each manager is mostly idle I/O);
  // --kill-on-bad-exit=0: one task failing must not kill the others before we report it.
  return ['--overlap', '--kill-on-bad-exit=0', ...extra];
}

/** srun runs one `dlg-slurm-job task` per task; resolves with every node manager once all answer. */
export async function startNodeManagers(o: NodeStepOptions): Promise<NodeManagerRecord[]> {
  const dir = join(o.jobDir, 'managers');
  // Records of an earlier run of the same script must not be mistaken for this one's.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const self = cliCommand('dlg-slurm-job');
  const args = [
    ...srun([`--ntasks=${o.tasks}`, `--output=${join(o.jobDir, 'logs', 'task-%t.log')}`]),
    self.node, ...self.args, 'task', '--job-dir', o.jobDir, '--base-port', String(o.basePort), '--dlg-root', o.dlgRoot,
    '--start-timeout', String(o.startTimeout),
  ];
  if (o.maxWorkers) args.push('--max-workers', String(o.maxWorkers));
  if (o.python) args.push('--python', o.python);
  for (const p of o.pythonPaths) args.push('--python-path', p);
  for (const d of o.dataDirs) args.push('--data-dir', d);
  if (o.appTimeout) args.push('--app-timeout', String(o.appTimeout));
  const step = startStep('node managers', 'srun', args, join(o.jobDir, 'logs', 'srun-nodes.log'));
  o.steps.push(step);
  const found = new Map<number, NodeManagerRecord>();
  // The tasks bound their own waits by startTimeout; a little more covers srun's start-up.
  const deadline = Date.now() + (o.startTimeout + 15) * 1000;
  for (;;) {
    for (let i = 0; i < o.tasks; i++) {
      if (found.has(i) || !existsSync(recordFile(o.jobDir, i))) continue;
      const r = JSON.parse(readFileSync(recordFile(o.jobDir, i), 'utf8')) as TaskRecord;
      if (!r.ok) throw new StartFailure(`node manager ${i} on ${r.node} did not start: ${r.error}`);
      found.set(i, r);
    }
    if (found.size === o.tasks) break;
    if (o.signal.aborted) throw new StartFailure('stopped while the node managers were starting');
    if (step.done) {
      throw new StartFailure(`the node managers' srun step ended (exit ${step.code}) with ${found.size} of ${o.tasks} started:\n${tailOf(join(o.jobDir, 'logs', 'srun-nodes.log'))}${taskLogs(o.jobDir)}`);
    }
    if (Date.now() > deadline) {
      const missing = Array.from({ length: o.tasks }, (_, i) => i).filter((i) => !found.has(i));
      throw new StartFailure(`node manager(s) ${missing.join(', ')} did not report within ${o.startTimeout} s${stalled(o.jobDir, missing)}${taskLogs(o.jobDir)}`);
    }
    await sleep(100);
  }
  const nms = [...found.values()].sort((a, b) => a.procId - b.procId);
  // They answer on their own node; the graph is deployed from here.
  await Promise.all(nms.map((nm) => waitUntilAnswering(`http://${endpoint(nm.address, nm.port)}`, `node manager ${nm.procId} on ${nm.node}`, 10, o.signal)));
  return nms;
}

/** How far the missing node managers got: srun's messages, and each one's log (if it started at all). */
function stalled(jobDir: string, missing: number[]): string {
  const srunLog = tailOf(join(jobDir, 'logs', 'srun-nodes.log'));
  const out = [srunLog ? `\nsrun: ${srunLog}` : '\nsrun printed nothing'];
  for (const i of missing) {
    const log = join(jobDir, nodeManagerLog(i));
    out.push(existsSync(log) ? `\nnode manager ${i}: ${tailOf(log, 4) || 'started, printed nothing yet'}` : `\nnode manager ${i}: its task has not started it`);
  }
  return out.join('');
}

function taskLogs(jobDir: string): string {
  const logs = join(jobDir, 'logs');
  if (!existsSync(logs)) return '';
  const lines = readdirSync(logs)
    .filter((f) => /^task-\d+\.log$/.test(f))
    .map((f) => [f, tailOf(join(logs, f), 4)] as const)
    .filter(([, t]) => t !== '')
    .map(([f, t]) => `\n${f}:\n${t}`);
  return lines.join('');
}

/** Resolves once `url` answers HTTP at all; throws after `seconds`, or when `step` ends first. */
export async function waitUntilAnswering(url: string, what: string, seconds: number, signal: AbortSignal, step?: Step, log?: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let last = '';
  for (;;) {
    try {
      await fetch(`${url}/api`, { headers: authHeaders(), signal: AbortSignal.timeout(2000) });
      return;
    } catch (err) {
      last = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
    }
    if (signal.aborted) throw new StartFailure(`stopped while waiting for the ${what}`);
    if (step?.done) throw new StartFailure(`the ${what} exited (code ${step.code}) before answering at ${url}${log ? `:\n${tailOf(log)}` : ''}`);
    if (Date.now() > deadline) throw new StartFailure(`the ${what} does not answer at ${url} after ${seconds} s: ${last}${log ? `\n${tailOf(log)}` : ''}`);
    await sleep(100);
  }
}

export interface CompositeStart {
  role: 'dim' | 'mm';
  index: number;
  node: string;
  address: string;
  port: number;
  /** The managers below it, as host:port. */
  children: string[];
}

/** One single-task srun step on `c.node` running `dlg-engine dim|mm`; resolves once it answers. */
export async function startComposite(
  c: CompositeStart, o: { jobDir: string; dlgRoot: string; startTimeout: number; signal: AbortSignal; steps: Step[] },
): Promise<void> {
  const engine = cliCommand('dlg-engine');
  const name = c.role === 'dim' ? `dim-${c.index}` : 'mm';
  const log = join(o.jobDir, 'logs', `${name}.log`);
  const args = [
    ...srun(['--nodes=1', '--ntasks=1', `--nodelist=${c.node}`, `--output=${log}`]),
    engine.node, ...engine.args, c.role, c.role === 'dim' ? '--nodes' : '--islands', c.children.join(','),
    '--host', c.address, '--port', String(c.port), '--dlg-root', join(o.dlgRoot, c.role === 'dim' ? `dim${c.index}` : 'mm'),
  ];
  const step = startStep(name, 'srun', args, log);
  o.steps.push(step);
  const what = c.role === 'dim' ? `island manager ${c.index} on ${c.node}` : `master manager on ${c.node}`;
  await waitUntilAnswering(`http://${endpoint(c.address, c.port)}`, what, o.startTimeout, o.signal, step, log);
}

/** The node managers each island holds in the mapped graph (those of its group when it holds none). */
export function islandMembers(pg: readonly Record<string, unknown>[], plans: readonly IslandPlan[], nms: readonly NodeManagerRecord[]): string[][] {
  const byIsland = new Map<string, Set<string>>();
  for (const d of pg) {
    if (typeof d.island !== 'string' || typeof d.node !== 'string') continue;
    let s = byIsland.get(d.island);
    if (!s) byIsland.set(d.island, (s = new Set()));
    s.add(d.node);
  }
  const rank = new Map(nms.map((nm) => [endpoint(nm.address, nm.port), nm.procId]));
  return plans.map((p) => {
    const used = byIsland.get(endpoint(p.address, p.port));
    if (!used || used.size === 0) return p.members.map((m) => endpoint(m.address, m.port));
    return [...used].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
  });
}

export { stopStep };
