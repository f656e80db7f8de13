// Answering a request with a worker job: the status is decided by the job's first event (an
// error before any output is a 4xx with diagnostics; output means 200), then the output
// streams through with backpressure. A client that goes away stops the job at its next chunk.

import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { WorkerPool } from './pool.ts';

function drained(s: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', gone);
      resolve();
    };
    const gone = () => {
      s.off('drain', done);
      s.off('close', gone);
      reject(new Error('the client went away'));
    };
    s.on('drain', done);
    s.on('close', gone);
  });
}

export async function streamJob(reply: FastifyReply, pool: WorkerPool, kind: string, args: unknown, contentType = 'application/json; charset=utf-8'): Promise<FastifyReply> {
  const body = new PassThrough();
  let started = false;
  let onFirst!: () => void;
  const first = new Promise<void>((r) => (onFirst = r));
  const job = pool.run(kind, args, async (chunk) => {
    if (body.destroyed) throw new Error('the client went away');
    if (!started) {
      started = true;
      onFirst();
    }
    if (!body.write(chunk)) await drained(body);
  });
  await Promise.race([first, job.then(() => undefined, () => undefined)]);
  if (!started) {
    await job; // throws the job's HttpError for the error handler
    body.end();
    return reply.type(contentType).send(body);
  }
  job.then(() => body.end(), (e: Error) => body.destroy(e));
  return reply.type(contentType).send(body);
}
