// Translations run in worker threads, so the event loop keeps answering small requests while
// a 10^6-drop graph unrolls. A job is one call of a function in service/jobs.ts; its output
// comes back as transferred byte chunks (no copy), and the worker waits for acknowledgements
// when it is more than a few chunks ahead of the socket, so memory stays bounded.

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HttpError } from './http.ts';
import type { Diagnostic } from '../kernel/diagnostics.ts';

export type ToWorker =
  | { type: 'job'; id: number; kind: string; args: unknown }
  | { type: 'ack'; id: number }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'chunk'; id: number; data: ArrayBuffer }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'fail'; id: number; status: number; detail: string; diagnostics: Diagnostic[]; extra: Record<string, unknown> };

/** Chunks a worker may send before it waits for the first to be written. */
export const WINDOW = 4;

interface Job {
  id: number;
  kind: string;
  args: unknown;
  onChunk?: (chunk: Buffer) => Promise<void>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  worker?: Slot;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

let sourceBundle: string | undefined;

/**
 * Running from the TypeScript sources (tests, development), the worker is bundled once per
 * process with esbuild (a development dependency): loading one file is much faster than
 * compiling the compiler's modules again in every worker.
 */
function bundleWorker(): string {
  if (sourceBundle) return sourceBundle;
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as typeof import('esbuild');
  const outfile = join(mkdtempSync(join(tmpdir(), 'dlg-translate-worker-')), 'worker.mjs');
  esbuild.buildSync({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))], outfile, bundle: true, platform: 'node', format: 'esm',
    target: 'node20', logLevel: 'warning', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  process.once('exit', () => rmSync(dirname(outfile), { recursive: true, force: true }));
  return (sourceBundle = outfile);
}

/** How to start a worker: the bundled file next to the CLI, or the sources bundled on the fly. */
function spawn(): Worker {
  if (import.meta.url.endsWith('.ts')) return new Worker(bundleWorker());
  return new Worker(new URL('./dlg-translate-worker.js', import.meta.url));
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  private start(): Slot {
    const slot: Slot = { worker: spawn() };
    slot.worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    slot.worker.on('error', (e) => this.onCrash(slot, e));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.onCrash(slot, new Error(`translation worker exited with code ${code}`));
    });
    slot.worker.unref();
    return slot;
  }

  /** Jobs waiting for a worker (for tests and the benchmark). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Runs a job; `onChunk` receives its output in order. When onChunk rejects (the client went
   * away), the worker is told to drop the job at its next chunk.
   */
  run(kind: string, args: unknown, onChunk?: (chunk: Buffer) => Promise<void>): Promise<unknown> {
    if (this.closed) return Promise.reject(new HttpError(503, 'the translator is shutting down'));
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, kind, args, onChunk, resolve, reject };
      this.jobs.set(job.id, job);
      this.queue.push(job);
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      job.worker = slot;
      slot.worker.ref();
      slot.worker.postMessage({ type: 'job', id: job.id, kind: job.kind, args: job.args } satisfies ToWorker);
    }
  }

  private finish(slot: Slot, job: Job): void {
    this.jobs.delete(job.id);
    slot.job = undefined;
    slot.worker.unref();
    this.dispatch();
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    const job = this.jobs.get(m.id);
    if (!job) return;
    if (m.type === 'chunk') {
      const buf = Buffer.from(m.data);
      const ack = () => slot.worker.postMessage({ type: 'ack', id: m.id } satisfies ToWorker);
      if (!job.onChunk) return ack();
      job.onChunk(buf).then(ack, () => slot.worker.postMessage({ type: 'cancel', id: m.id } satisfies ToWorker));
      return;
    }
    this.finish(slot, job);
    if (m.type === 'done') job.resolve(m.value);
    else job.reject(new HttpError(m.status, m.detail, m.diagnostics, m.extra));
  }

  private onCrash(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const job = slot.job;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    // A worker that died (out of memory, say) is replaced; its job fails with a 500.
    this.slots[i] = this.start();
    if (job) {
      this.jobs.delete(job.id);
      job.reject(new HttpError(500, `the translation failed: ${e.message}`));
    }
    this.dispatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new HttpError(503, 'the translator is shutting down'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
