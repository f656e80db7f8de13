// The job driver: what a batch script of `dlg-deploy --slurm` runs on the allocation's first
// node. In order: read the allocation (scontrol show hostnames), start a node manager per
// task (srun), map the graph onto them (dlg-translate --emit pg), start the island managers
// and the master (srun), deploy and wait (dlg-deploy --url --wait), collect the outcome, stop
// every manager, and write summary.json. Whatever fails, and wherever, the summary says so.

import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ensureJobToken, jobClient } from './token.ts';
import { cliCommand } from './commands.ts';
import { dropReport, sessionDirOf, sessionState } from './collect.ts';
import { StartFailure, islandMembers, startComposite, startNodeManagers } from './managers.ts';
import { type Step, runToEnd, stopStep, tailOf } from './process.ts';
import { nodeManagerLog, type TaskOptions } from './task.ts';
import {
  PROGRESS_FILE, SUMMARY_FILE, type ManagerEntry, type Progress, type Stage, type StageTime, type Summary, writeJsonAtomic,
} from './summary.ts';
import { endpoint, lastPort, masterManagerPort, parseTasksPerNode, planIslands, type NodeManagerRecord } from '../layout.ts';

/** The job driver's options: those of the node-manager tasks it starts, and what to deploy. */
export interface DriverOptions extends TaskOptions {
  graph: string;
  /** Parameter files (dlg-translate --params) and NAME=VALUE pairs (-p). */
  paramFiles: string[];
  params: string[];
  islands: number;
  sessionId?: string;
  maxDrops?: number;
}

class StageFailure extends Error {
  constructor(
    readonly stage: Stage,
    message: string,
  ) {
    super(message);
  }
}

interface Top {
  url: string;
  node: string;
  port: number;
}

export class JobDriver {
  private readonly started = new Date();
  private readonly stages: StageTime[] = [];
  private current: Stage = 'allocation';
  private readonly abort = new AbortController();
  private stopSignal?: string;
  private readonly steps: Step[] = [];
  private readonly managers: ManagerEntry[] = [];
  private nodes: string[] = [];
  private tasks = 0;
  private nms: NodeManagerRecord[] = [];
  private top?: Top;
  private sessionId?: string;
  private deployed = false;
  private pg?: Record<string, unknown>[];
  private readonly result: Pick<Summary, 'drops' | 'failedDrops' | 'moreFailedDrops'> & { status?: string } = { drops: null, failedDrops: [], moreFailedDrops: 0 };

  constructor(private readonly o: DriverOptions) {}

  private log(message: string): void {
    process.stderr.write(`[${new Date().toISOString()}] dlg-slurm-job: ${message}\n`);
  }

  private lastMessage = '';

  private progress(message: string, extra: Partial<Progress> = {}): void {
    if (message === this.lastMessage) return;
    this.lastMessage = message;
    const p: Progress = {
      stage: extra.stage ?? this.current,
      message,
      manager: this.top ? { node: this.top.node, port: this.top.port, url: this.top.url } : undefined,
      ...extra,
      time: new Date().toISOString(),
    };
    try {
      writeJsonAtomic(this.o.jobDir, PROGRESS_FILE, p);
    } catch {
      /* progress is a courtesy */
    }
    this.log(message);
  }

  private async stage<T>(name: Stage, message: string, fn: () => Promise<T>): Promise<T> {
    this.current = name;
    this.progress(message);
    const t0 = performance.now();
    const done = (ok: boolean) => this.stages.push({ name, seconds: Number(((performance.now() - t0) / 1000).toFixed(3)), ok });
    try {
      const v = await fn();
      done(true);
      return v;
    } catch (err) {
      done(false);
      if (err instanceof StageFailure) throw err;
      throw new StageFailure(name, this.stopSignal ? this.stoppedMessage() : err instanceof StartFailure ? err.message : `${(err as Error).message ?? err}`);
    }
  }

  private stoppedMessage(): string {
    return `the job was stopped by ${this.stopSignal} (time limit reached, or scancel)`;
  }

  /** Runs the whole job; returns the exit status (0: the session FINISHED). */
  async run(): Promise<number> {
    mkdirSync(join(this.o.jobDir, 'logs'), { recursive: true });
    ensureJobToken(this.o.jobDir);
    const onSignal = (sig: NodeJS.Signals) => this.stop(sig);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    let error: Summary['error'] = null;
    try {
      await this.stage('allocation', 'reading the allocation', () => this.allocation());
      await this.stage('nodes', `starting ${this.tasks} node manager(s) on ${this.nodes.length} node(s)`, () => this.startNodes());
      const plans = planIslands(this.nms, this.o.islands, this.o.basePort);
      await this.stage('translate', 'translating and mapping the graph', () => this.translate(plans));
      await this.stage('islands', `starting ${this.o.islands} island manager(s)${this.o.islands > 1 ? ' and the master manager' : ''}`, () => this.startIslands(plans));
      await this.deployAndRun();
      await this.stage('collect', 'collecting the outcome', () => this.collect());
    } catch (err) {
      const e = err instanceof StageFailure ? err : new StageFailure(this.current, String((err as Error).stack ?? err));
      error = { stage: e.stage, message: e.message };
      this.log(`error in stage ${e.stage}: ${e.message}`);
      if (this.deployed && this.result.drops === null) await this.collect().catch(() => {});
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    if (this.stopSignal && !error) error = { stage: this.current, message: this.stoppedMessage() };
    await this.stopManagers();
    const status = this.result.status ?? (this.stopSignal ? 'CANCELLED' : 'FAILED');
    this.writeSummary(status, error);
    this.progress(`session ${status}; summary in ${join(this.o.jobDir, SUMMARY_FILE)}`, { stage: 'done' });
    return status === 'FINISHED' ? 0 : 1;
  }

  private stop(sig: string): void {
    if (this.stopSignal) return;
    this.stopSignal = sig;
    this.log(`${sig} received: stopping`);
    this.abort.abort();
    if (this.deployed && this.top && this.sessionId) {
      void jobClient(this.top.url, 5000).cancel(this.sessionId).catch(() => {});
    }
  }

  private async allocation(): Promise<void> {
    const env = process.env;
    if (!env.SLURM_JOB_ID) throw new StageFailure('allocation', 'not inside a SLURM job (SLURM_JOB_ID is not set): submit the script with sbatch');
    const list = env.SLURM_JOB_NODELIST ?? env.SLURM_NODELIST;
    if (!list) throw new StageFailure('allocation', 'SLURM_JOB_NODELIST is not set');
    const r = await runToEnd('scontrol', ['show', 'hostnames', list], join(this.o.jobDir, 'logs', 'scontrol.log'));
    this.nodes = r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    if (r.code !== 0 || this.nodes.length === 0) {
      throw new StageFailure('allocation', `scontrol show hostnames ${list} failed (exit ${r.code}): ${tailOf(join(this.o.jobDir, 'logs', 'scontrol.log'))}`);
    }
    const perNode = env.SLURM_TASKS_PER_NODE ? parseTasksPerNode(env.SLURM_TASKS_PER_NODE) : [];
    this.tasks = Number(env.SLURM_NTASKS) || perNode.reduce((a, b) => a + b, 0) || this.nodes.length;
    if (this.o.islands > this.tasks) {
      throw new StageFailure('allocation', `${this.o.islands} islands need at least as many node managers, but the job has ${this.tasks} task(s)`);
    }
    if (lastPort(this.o.basePort, this.tasks, this.o.islands) > 65535) {
      throw new StageFailure('allocation', `ports from ${this.o.basePort} for ${this.tasks} task(s) and ${this.o.islands} island(s) go beyond 65535: choose a lower --base-port`);
    }
    this.sessionId = this.o.sessionId ?? `${graphName(this.o.graph)}-${env.SLURM_JOB_ID}`;
  }

  private async startNodes(): Promise<void> {
    this.nms = await startNodeManagers({
      jobDir: this.o.jobDir, tasks: this.tasks, basePort: this.o.basePort, dlgRoot: this.o.dlgRoot,
      maxWorkers: this.o.maxWorkers, python: this.o.python, pythonPaths: this.o.pythonPaths, dataDirs: this.o.dataDirs, appTimeout: this.o.appTimeout, startTimeout: this.o.startTimeout, signal: this.abort.signal, steps: this.steps,
    });
    for (const nm of this.nms) {
      this.managers.push({ role: 'nm', index: nm.procId, node: nm.node, url: `http://${endpoint(nm.address, nm.port)}`, log: nodeManagerLog(nm.procId) });
    }
  }

  private async translate(plans: ReturnType<typeof planIslands>): Promise<void> {
    const out = join(this.o.jobDir, 'pg.json');
    rmSync(out, { force: true });
    const nodes = [...plans.map((p) => endpoint(p.address, p.port)), ...this.nms.map((nm) => endpoint(nm.address, nm.port))];
    const args = [this.o.graph, '--emit', 'pg', '-N', String(this.nms.length), '-i', String(this.o.islands), '--nodes', nodes.join(','), '-o', out];
    for (const f of this.o.paramFiles) args.push('--params', f);
    for (const p of this.o.params) args.push('-p', p);
    if (this.o.maxDrops) args.push('--max-drops', String(this.o.maxDrops));
    const cmd = cliCommand('dlg-translate');
    const log = join(this.o.jobDir, 'logs', 'translate.log');
    const r = await runToEnd(cmd.node, [...cmd.args, ...args], log);
    if (r.code !== 0) throw new StageFailure('translate', `dlg-translate could not translate ${this.o.graph} (exit ${r.code}):\n${tailOf(log, 30)}`);
    this.pg = (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[]).filter((d) => typeof d.oid === 'string');
  }

  private async startIslands(plans: ReturnType<typeof planIslands>): Promise<void> {
    const members = islandMembers(this.pg ?? [], plans, this.nms);
    const common = { jobDir: this.o.jobDir, dlgRoot: this.o.dlgRoot, startTimeout: this.o.startTimeout, signal: this.abort.signal, steps: this.steps };
    const started = await Promise.allSettled(plans.map(async (p, k) => {
      await startComposite({ role: 'dim', index: k, node: p.node, address: p.address, port: p.port, children: members[k]! }, common);
      this.managers.push({ role: 'dim', index: k, node: p.node, url: `http://${endpoint(p.address, p.port)}`, log: join('logs', `dim-${k}.log`) });
    }));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const first = plans[0]!;
    if (plans.length === 1) {
      this.top = { url: `http://${endpoint(first.address, first.port)}`, node: first.node, port: first.port };
      return;
    }
    const port = masterManagerPort(this.o.basePort, this.nms.length, plans.length);
    await startComposite({ role: 'mm', index: 0, node: first.node, address: first.address, port, children: plans.map((p) => endpoint(p.address, p.port)) }, common);
    const url = `http://${endpoint(first.address, port)}`;
    this.managers.push({ role: 'mm', index: 0, node: first.node, url, log: join('logs', 'mm.log') });
    this.top = { url, node: first.node, port };
  }

  private async deployAndRun(): Promise<void> {
    const top = this.top!;
    const cmd = cliCommand('dlg-deploy');
    const log = join(this.o.jobDir, 'logs', 'deploy.log');
    const args = [...cmd.args, join(this.o.jobDir, 'pg.json'), '--url', top.url, '--wait', '--session-id', this.sessionId!, '--poll-interval', '1', '--no-progress'];
    this.current = 'deploy';
    this.progress(`deploying session ${this.sessionId} on ${top.url}`);
    let t = performance.now();
    let deployedAt: number | undefined;
    let poll: NodeJS.Timeout | undefined;
    const onStderr = (text: string) => {
      if (deployedAt !== undefined || !/ deployed on /.test(text)) return;
      deployedAt = performance.now();
      this.deployed = true;
      this.stages.push({ name: 'deploy', seconds: round((deployedAt - t) / 1000), ok: true });
      t = deployedAt;
      this.current = 'run';
      this.progress(`running session ${this.sessionId}`);
      poll = setInterval(() => void this.pollProgress(), 2000);
    };
    const r = await runToEnd(cmd.node, args, log, onStderr);
    clearInterval(poll);
    if (deployedAt === undefined) {
      this.stages.push({ name: 'deploy', seconds: round((performance.now() - t) / 1000), ok: false });
      throw new StageFailure('deploy', this.stopSignal ? this.stoppedMessage() : `dlg-deploy could not deploy the graph (exit ${r.code}):\n${tailOf(log, 30)}`);
    }
    this.stages.push({ name: 'run', seconds: round((performance.now() - t) / 1000), ok: r.code === 0 });
    // SLURM signals every process of the job, dlg-deploy included.
    if (this.stopSignal) throw new StageFailure('run', this.stoppedMessage());
    if (r.code !== 0 && r.code !== 1) throw new StageFailure('run', `dlg-deploy lost the session (exit ${r.code}):\n${tailOf(log, 30)}`);
  }

  private async pollProgress(): Promise<void> {
    try {
      const s = await jobClient(this.top!.url, 5000).graphSummary(this.sessionId!);
      if (!s) return;
      const c = s.counts;
      const done = (c[2] ?? 0) + (c[3] ?? 0) + (c[4] ?? 0) + (c[5] ?? 0) + (c[6] ?? 0) + (c[7] ?? 0);
      this.progress(`running: ${done}/${s.total} drops done`, { drops: { done, total: s.total } });
    } catch {
      /* the next poll may answer */
    }
  }

  private async collect(): Promise<void> {
    const top = this.top!;
    const sessionId = this.sessionId!;
    this.result.status = await sessionState(top.url, sessionId);
    const specs = new Map((this.pg ?? []).map((d) => [d.oid as string, d]));
    const nmUrl = new Map(this.nms.map((nm) => [endpoint(nm.address, nm.port), `http://${endpoint(nm.address, nm.port)}`]));
    const report = await dropReport(top.url, sessionId, specs, (node) => nmUrl.get(node));
    this.result.drops = report.counts;
    this.result.failedDrops = report.failed;
    this.result.moreFailedDrops = report.moreFailed;
    const sessions = join(this.o.jobDir, 'sessions');
    mkdirSync(sessions, { recursive: true });
    await Promise.all(this.managers.filter((m) => m.role === 'nm').map(async (m) => {
      m.sessionDir = await sessionDirOf(m.url, sessionId);
      const link = join(sessions, `nm-${m.index}`);
      if (m.sessionDir && !existsSync(link)) {
        try {
          symlinkSync(m.sessionDir, link);
        } catch {
          /* the location is in the summary anyway */
        }
      }
    }));
  }

  /** Top first, so that no manager sees its children vanish while it still runs a session. */
  private async stopManagers(): Promise<void> {
    const order = [...this.managers.filter((m) => m.role === 'mm'), ...this.managers.filter((m) => m.role === 'dim'), ...this.managers.filter((m) => m.role === 'nm')];
    for (const m of order) await jobClient(m.url, 3000).stop().catch(() => {});
    // The steps end when their managers have; srun passes a SIGTERM on to those that do not
    // (managers that never reported, or that do not answer).
    await Promise.all(this.steps.map((s) => Promise.race([s.exited, new Promise((r) => setTimeout(r, 3000))])));
    await Promise.all(this.steps.map((s) => stopStep(s, 10_000)));
  }

  private writeSummary(status: string, error: Summary['error']): void {
    const ended = new Date();
    const summary: Summary = {
      status,
      error,
      job: { id: process.env.SLURM_JOB_ID ?? null, name: process.env.SLURM_JOB_NAME ?? null, nodes: this.nodes, tasks: this.tasks, islands: this.o.islands },
      graph: this.o.graph,
      session: this.deployed && this.top && this.sessionId ? { id: this.sessionId, manager: this.top.url } : null,
      drops: this.result.drops,
      stages: this.stages,
      failedDrops: this.result.failedDrops,
      moreFailedDrops: this.result.moreFailedDrops,
      managers: this.managers,
      pg: this.pg ? relative(this.o.jobDir, join(this.o.jobDir, 'pg.json')) : null,
      started: this.started.toISOString(),
      ended: ended.toISOString(),
      seconds: round((ended.getTime() - this.started.getTime()) / 1000),
    };
    writeJsonAtomic(this.o.jobDir, SUMMARY_FILE, summary);
  }
}

function round(x: number): number {
  return Number(x.toFixed(3));
}

/** The graph's file name without its extensions, safe for a session id. */
export function graphName(file: string): string {
  const base = basename(file).replace(/(\.(graph|json|pgt|pg|lg))+$/i, '');
  return base.replace(/[^A-Za-z0-9_.-]/g, '_') || 'graph';
}
