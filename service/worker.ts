// The translation worker: runs one job at a time (see pool.ts for the protocol). Output is
// copied into fresh buffers and transferred, because the emitters reuse their chunk memory.

import { parentPort } from 'node:worker_threads';
import { HttpError } from './http.ts';
import { JOBS, type JobOutput } from './jobs.ts';
import { WINDOW, type FromWorker, type ToWorker } from './pool.ts';

const port = parentPort!;

interface Running {
  inFlight: number;
  cancelled: boolean;
  wake?: () => void;
}

const running = new Map<number, Running>();

class Cancelled extends Error {}

function output(id: number, r: Running): JobOutput {
  return {
    async write(chunk: string | Uint8Array): Promise<void> {
      if (r.cancelled) throw new Cancelled();
      const copy = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
      if (copy.length === 0) return;
      // Buffer.from(Buffer) of more than 4 KiB owns its ArrayBuffer; smaller ones may share a
      // pool slab, which must not be transferred.
      const data = copy.byteOffset === 0 && copy.byteLength === copy.buffer.byteLength
        ? copy.buffer as ArrayBuffer
        : copy.buffer.slice(copy.byteOffset, copy.byteOffset + copy.byteLength) as ArrayBuffer;
      port.postMessage({ type: 'chunk', id, data } satisfies FromWorker, [data]);
      r.inFlight++;
      while (r.inFlight >= WINDOW && !r.cancelled) await new Promise<void>((res) => (r.wake = res));
      if (r.cancelled) throw new Cancelled();
    },
  };
}

async function run(id: number, kind: string, args: unknown): Promise<void> {
  const r: Running = { inFlight: 0, cancelled: false };
  running.set(id, r);
  try {
    const job = JOBS[kind];
    if (!job) throw new HttpError(500, `unknown job ${kind}`);
    const value = await job(args as never, output(id, r));
    port.postMessage({ type: 'done', id, value } satisfies FromWorker);
  } catch (e) {
    if (e instanceof Cancelled) port.postMessage({ type: 'done', id, value: null } satisfies FromWorker);
    else if (e instanceof HttpError) {
      port.postMessage({ type: 'fail', id, status: e.status, detail: e.detail, diagnostics: e.diagnostics, extra: e.extra } satisfies FromWorker);
    } else {
      // A bug in this project: the client gets a 500 naming it, the trace goes to the log.
      process.stderr.write(`dlg-translate serve: internal error in ${kind}: ${(e as Error).stack ?? e}\n`);
      port.postMessage({ type: 'fail', id, status: 500, detail: `internal error: ${(e as Error).message}`, diagnostics: [], extra: {} } satisfies FromWorker);
    }
  } finally {
    running.delete(id);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'job') void run(m.id, m.kind, m.args);
  else {
    const r = running.get(m.id);
    if (!r) return;
    if (m.type === 'ack') r.inFlight--;
    else r.cancelled = true;
    const wake = r.wake;
    r.wake = undefined;
    wake?.();
  }
});
