// Reading data drops held by another node manager over HTTP: the whole content, a copy in a
// local directory (written under a temporary name, renamed when complete), or a stream of
// the chunks written to the drop, for remote streaming consumers. Requests that come too
// early (the peer not deployed yet) or fail in transit are retried with backoff.

import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DropFailure } from '../../errors.ts';
import type { RemoteBytes, StreamHandlers } from '../../session/remote.ts';

const GIVE_UP_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dataUrl(base: string, sessionId: string, uid: string, what: 'data' | 'stream'): string {
  return `${base}/api/sessions/${encodeURIComponent(sessionId)}/drops/${encodeURIComponent(uid)}/${what}`;
}

/** GET with retries on connection errors, 409 (not ready yet) and 5xx answers. */
async function getWithRetry(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
  const start = performance.now();
  let delay = 25;
  for (;;) {
    let why: string;
    try {
      const res = await fetch(url, { headers, signal });
      if (res.ok) return res;
      const text = await res.text().catch(() => '');
      if (res.status !== 409 && res.status < 500) throw new DropFailure(`${url} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
      why = `HTTP ${res.status}: ${text.slice(0, 300)}`;
    } catch (err) {
      if (err instanceof DropFailure || signal?.aborted) throw err;
      why = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
    }
    if (performance.now() - start > GIVE_UP_MS) throw new DropFailure(`cannot read ${url}: ${why}`);
    await sleep(delay);
    delay = Math.min(1000, delay * 2);
  }
}

function infoOf(res: Response, uid: string): Omit<RemoteBytes, 'bytes'> {
  const h = res.headers;
  return {
    kind: h.get('x-dlg-kind') ?? 'other',
    name: decodeURIComponent(h.get('x-dlg-name') ?? encodeURIComponent(uid)),
    dataURL: decodeURIComponent(h.get('x-dlg-data-url') ?? ''),
  };
}

export async function readPeerData(base: string, sessionId: string, uid: string, headers: Record<string, string>): Promise<RemoteBytes> {
  const res = await getWithRetry(dataUrl(base, sessionId, uid, 'data'), headers);
  return { ...infoOf(res, uid), bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A remote file lands at `<dir>/<its name>`; other data is only read into memory. */
export async function copyPeerData(base: string, sessionId: string, uid: string, dir: string, headers: Record<string, string>): Promise<{ path: string; info: RemoteBytes }> {
  const res = await getWithRetry(dataUrl(base, sessionId, uid, 'data'), headers);
  const info = infoOf(res, uid);
  if (info.kind !== 'file' || !res.body) return { path: '', info: { ...info, bytes: Buffer.from(await res.arrayBuffer()) } };
  const name = info.name.replace(/[/\\]/g, '_') || 'data';
  mkdirSync(dir, { recursive: true });
  const final = join(dir, name);
  const partial = join(dir, `.${name}.${process.pid}.partial`);
  try {
    await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>), createWriteStream(partial));
    renameSync(partial, final);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new DropFailure(`copying drop ${uid} from ${base} failed: ${(err as Error).message}`);
  }
  return { path: final, info: { ...info, bytes: Buffer.alloc(0) } };
}

/** Follows a remote drop's writes for one streaming consumer; returns the abort function. */
export function openPeerStream(base: string, sessionId: string, dataUid: string, consumerUid: string, headers: Record<string, string>, h: StreamHandlers): () => void {
  const ac = new AbortController();
  const url = `${dataUrl(base, sessionId, dataUid, 'stream')}?consumer=${encodeURIComponent(consumerUid)}`;
  void (async () => {
    let res: Response;
    try {
      res = await getWithRetry(url, headers, ac.signal);
    } catch (err) {
      if (!ac.signal.aborted) h.end((err as Error).message);
      return;
    }
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) h.chunk(Buffer.from(chunk));
      h.end();
    } catch (err) {
      if (!ac.signal.aborted) h.end((err as Error).message);
    }
  })();
  return () => ac.abort();
}
