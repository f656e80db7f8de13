// One Python worker process: `python -m dlg_ts_worker` in its own process group, requests on
// its fd 3 and replies on its fd 4, so whatever the application prints on stdout/stderr is
// kept apart from the protocol and ends up in the drop's log. One request at a time.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { type Frame, FrameReader, encodeFrame } from './protocol.ts';

const TAIL = 8 * 1024;

export class WorkerDied extends Error {}

export interface WorkerSpawnOptions {
  python: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

type OutputListener = (stream: 'stdout' | 'stderr', text: string) => void;

export class PythonWorker {
  readonly proc: ChildProcess;
  readonly startedAt = performance.now();
  /** Milliseconds from spawn to the answer of the first request (the handshake). */
  startMs = 0;
  info: Record<string, unknown> = {};
  private readonly reader = new FrameReader();
  private readonly requests: Writable;
  private pending: { id: number; resolve: (f: Frame) => void; reject: (e: Error) => void } | null = null;
  private nextId = 1;
  private stderrTail = '';
  private exitReason: string | null = null;
  /** Receives the process's stdout/stderr while a request runs (the running app's output). */
  onOutput: OutputListener | null = null;

  private constructor(opts: WorkerSpawnOptions) {
    this.proc = spawn(opts.python, ['-m', 'dlg_ts_worker'], {
      cwd: opts.cwd,
      env: opts.env,
      detached: true, // own process group: a kill takes whatever the app started with it
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.requests = this.proc.stdio[3] as Writable;
    const replies = this.proc.stdio[4] as Readable;
    replies.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk, (f) => this.settle(f));
      } catch (err) {
        this.kill();
        this.fail(`unreadable reply from the worker: ${(err as Error).message}`);
      }
    });
    this.requests.on('error', () => {}); // EPIPE when the worker died; reported by 'exit'
    this.proc.stdout!.on('data', (b: Buffer) => this.output('stdout', b));
    this.proc.stderr!.on('data', (b: Buffer) => this.output('stderr', b));
    this.proc.on('error', (err) => this.fail(`cannot start Python interpreter '${opts.python}': ${err.message}`));
    this.proc.on('exit', (code, signal) => this.fail(signal ? `the Python worker was killed by ${signal}` : `the Python worker exited with status ${code}`));
  }

  /** Spawn a worker and wait for its handshake; rejects when the interpreter cannot start. */
  static async start(opts: WorkerSpawnOptions): Promise<PythonWorker> {
    const w = new PythonWorker(opts);
    const hello = await w.request({ op: 'hello' });
    w.startMs = performance.now() - w.startedAt;
    w.info = hello.header;
    return w;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.exitReason === null;
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  request(header: Record<string, unknown>, blobs: readonly Buffer[] = []): Promise<Frame> {
    if (this.exitReason !== null) return Promise.reject(new WorkerDied(this.exitReason));
    if (this.pending !== null) return Promise.reject(new Error('a Python worker runs one request at a time'));
    const id = this.nextId++;
    header.id = id;
    return new Promise<Frame>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      for (const b of encodeFrame(header, blobs)) this.requests.write(b);
    });
  }

  /** SIGKILL the worker's process group; a pending request fails with `why`. */
  kill(why = 'the Python worker was stopped'): void {
    const pid = this.proc.pid;
    if (pid !== undefined && this.exitReason === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.fail(why);
  }

  /** Resident memory in bytes (Linux), for reports. */
  rssBytes(): number | undefined {
    const pid = this.proc.pid;
    if (pid === undefined) return undefined;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  private output(stream: 'stdout' | 'stderr', b: Buffer): void {
    const text = b.toString('utf8');
    if (stream === 'stderr') this.stderrTail = (this.stderrTail + text).slice(-TAIL);
    this.onOutput?.(stream, text);
  }

  private settle(f: Frame): void {
    const p = this.pending;
    if (p === null || f.header.id !== p.id) {
      this.kill();
      this.fail('the Python worker answered a request it was not given');
      return;
    }
    this.pending = null;
    p.resolve(f);
  }

  private fail(why: string): void {
    if (this.exitReason === null) this.exitReason = why;
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const tail = this.stderrTail.trim();
    p.reject(new WorkerDied(tail ? `${why}; its stderr ended with:\n${tail}` : why));
  }
}
