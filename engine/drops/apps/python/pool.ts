// The node's pool of Python workers: started on first use (a graph without Python apps
// starts none), reused across apps and sessions, at most `maxWorkers` of them. A worker that
// dies, hangs past the app's timeout or runs an app that is cancelled is killed and dropped;
// the next call starts a fresh one, so only the app it was running fails.

import { mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Frame } from './protocol.ts';
import { Scratch } from './scratch.ts';
import { PythonWorker, WorkerDied } from './worker.ts';
import { workerPackageDir } from './locate.ts';

export interface PythonOptions {
  /** The interpreter, default `python3` on PATH. */
  python?: string;
  /** Module directories put before the PYTHONPATH the engine inherited. */
  paths?: readonly string[];
  /** Default per-app timeout in seconds, for apps without a `timeout` parameter (none when unset). */
  timeoutS?: number;
}

export interface CallOptions {
  timeoutMs?: number;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/** A call in flight: its reply, and a way to stop it (queued or running). */
export interface CallHandle {
  readonly reply: Promise<Frame>;
  cancel(why: string): void;
}

interface Waiter {
  resolve(w: PythonWorker): void;
  reject(e: Error): void;
  done: boolean;
}

const CHECK_TIMEOUT_MS = 60_000;

export class PythonPool {
  readonly python: string;
  readonly scratch = new Scratch();
  readonly timeoutS: number | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly cwd: string;
  private readonly idle: PythonWorker[] = [];
  private readonly workers = new Set<PythonWorker>();
  private readonly waiters: Waiter[] = [];
  private readonly max: number;
  private starting = 0;
  private closed = false;
  /** Every worker start, for reports: milliseconds to the handshake. */
  readonly startTimes: number[] = [];

  constructor(
    opts: PythonOptions & { maxWorkers: number; dlgRoot: string },
  ) {
    this.python = opts.python ?? 'python3';
    this.timeoutS = opts.timeoutS;
    this.max = Math.max(1, opts.maxWorkers);
    this.cwd = opts.dlgRoot;
    const inherited = process.env.PYTHONPATH;
    const path = [workerPackageDir(), ...(opts.paths ?? []), ...(inherited ? [inherited] : []), join(opts.dlgRoot, 'code')];
    this.env = { ...process.env, PYTHONPATH: path.join(delimiter), PYTHONIOENCODING: 'utf-8' };
  }

  /** Workers alive now. */
  get size(): number {
    return this.workers.size;
  }

  /** Resident memory of each live worker, in bytes (Linux). */
  memory(): number[] {
    return [...this.workers].map((w) => w.rssBytes() ?? 0);
  }

  call(header: Record<string, unknown>, blobs: readonly Buffer[], opts: CallOptions = {}): CallHandle {
    let worker: PythonWorker | null = null;
    let stopped: string | null = null;
    const waiter: Waiter = { resolve: () => {}, reject: () => {}, done: false };
    const reply = (async () => {
      worker = await this.acquire(waiter);
      if (stopped !== null) {
        this.release(worker);
        throw new WorkerDied(stopped);
      }
      const w = worker;
      w.onOutput = opts.onOutput ?? null;
      const timer =
        opts.timeoutMs !== undefined && opts.timeoutMs > 0
          ? setTimeout(() => w.kill(`timed out after ${opts.timeoutMs! / 1000} s`), opts.timeoutMs)
          : undefined;
      try {
        return await w.request(header, blobs);
      } finally {
        clearTimeout(timer);
        w.onOutput = null;
        worker = null;
        this.release(w);
      }
    })();
    return {
      reply,
      cancel: (why: string) => {
        if (stopped !== null) return;
        stopped = why;
        if (worker !== null) worker.kill(why);
        else if (!waiter.done) {
          waiter.done = true;
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          waiter.reject(new WorkerDied(why));
        }
      },
    };
  }

  /**
   * Import checks for append time: for each item, null (fine) or the problem. Returns
   * undefined when the check could not finish in time (the apps then fail when they run).
   * Rejects when the interpreter cannot be started at all.
   */
  async check(items: readonly Record<string, unknown>[], cwd: string): Promise<{ problems: (string | null)[]; python: string } | undefined> {
    const h = this.call({ op: 'check', cwd, items }, [], { timeoutMs: CHECK_TIMEOUT_MS });
    try {
      const r = (await h.reply).header;
      if (r.ok !== true) throw new Error(String(r.error));
      return { problems: r.problems as (string | null)[], python: String(r.python ?? this.python) };
    } catch (err) {
      if (err instanceof WorkerDied && err.message.startsWith('timed out')) return undefined;
      throw err;
    }
  }

  /** pydata of type eval: the pickled value of each source. */
  async evaluatePydata(sources: readonly string[]): Promise<Buffer[]> {
    const f = await this.call({ op: 'pydata', sources }, [], { timeoutMs: CHECK_TIMEOUT_MS }).reply;
    if (f.header.ok !== true) throw new Error(String(f.header.error));
    return (f.header.values as string[]).map((b64) => Buffer.from(b64, 'base64'));
  }

  releaseSession(sessionId: string): void {
    this.scratch.releaseSession(sessionId);
  }

  /** Kill every worker and remove the scratch files. */
  close(): void {
    this.closed = true;
    for (const w of this.workers) w.kill('the engine is stopping');
    this.workers.clear();
    this.idle.length = 0;
    for (const q of this.waiters.splice(0)) {
      q.done = true;
      q.reject(new WorkerDied('the engine is stopping'));
    }
    this.scratch.close();
  }

  private acquire(waiter: Waiter): Promise<PythonWorker> {
    if (this.closed) return Promise.reject(new WorkerDied('the engine is stopping'));
    for (let w = this.idle.pop(); w !== undefined; w = this.idle.pop()) {
      if (w.alive) return Promise.resolve(w);
      this.workers.delete(w);
    }
    if (this.workers.size + this.starting < this.max) return this.startWorker();
    return new Promise<PythonWorker>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
      this.waiters.push(waiter);
    });
  }

  private async startWorker(): Promise<PythonWorker> {
    this.starting++;
    try {
      // The start directory must exist (a missing cwd makes spawn fail as if the interpreter were missing).
      mkdirSync(this.cwd, { recursive: true });
      const w = await PythonWorker.start({ python: this.python, env: this.env, cwd: this.cwd });
      this.startTimes.push(w.startMs);
      if (this.closed) {
        w.kill('the engine is stopping');
        throw new WorkerDied('the engine is stopping');
      }
      this.workers.add(w);
      return w;
    } finally {
      this.starting--;
    }
  }

  private release(w: PythonWorker): void {
    if (!w.alive || this.closed) {
      this.workers.delete(w);
      // A slot freed up: a queued call gets a new worker.
      const next = this.nextWaiter();
      if (next) this.startWorker().then(next.resolve, next.reject);
      return;
    }
    const next = this.nextWaiter();
    if (next) next.resolve(w);
    else this.idle.push(w);
  }

  private nextWaiter(): Waiter | undefined {
    const next = this.waiters.shift();
    if (next) next.done = true;
    return next;
  }
}
