// How a node manager reaches its peers: events as JSON over HTTP to their
// POST /api/sessions/<id>/events route, and data drops' bytes from their
// GET /api/sessions/<id>/drops/<uid>/data|stream routes (peer-data.ts).
//
// Events go out per (peer, session) queue: batched (everything queued within one turn of the
// event loop, up to MAX_BATCH), one request in flight per queue so they arrive in the order
// they were queued, and retried with backoff on transient failures (no connection, 5xx).
// Each batch carries its queue's id and a sequence number, so a receiver that already
// applied a batch whose answer was lost ignores the retry.

import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseAddress, NODE_PORT } from '../address.ts';
import type { PeerLink, RemoteBytes, RemoteEvent, StreamHandlers } from '../../session/remote.ts';
import { copyPeerData, openPeerStream, readPeerData } from './peer-data.ts';

/** `host[:port[:events[:rpc]]]` (reference §6.4) → the peer's REST base URL; port default 8000. */
export function peerBaseUrl(peer: string): string {
  return parseAddress(peer, NODE_PORT).url;
}

export interface PeerLinkOptions {
  /** Bearer token of the hierarchy, sent to every peer. */
  token?: string;
  /** Where problems are reported (default: stderr). */
  onError?: (message: string) => void;
  /** Give up on a queue whose peer has not accepted anything for this long. Default 120 s. */
  giveUpMs?: number;
}

const MAX_BATCH = 20_000;
const POST_TIMEOUT_MS = 60_000;

// node:http with kept-alive connections: a round trip costs a fraction of fetch's, and events
// are the hot path between nodes (a chain crossing nodes waits for one per step).
const agent = new Agent({ keepAlive: true });

function postJson(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: POST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${POST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}
const FIRST_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 1000;

interface Queue {
  key: string;
  /** Identifies this queue to the receiver, which numbers batches per queue. */
  id: string;
  url: string;
  sessionId: string;
  events: RemoteEvent[];
  seq: number;
  busy: boolean;
  failingSince: number;
  backoff: number;
  timer: NodeJS.Timeout | undefined;
}

export interface PeerLinkStats {
  eventsSent: number;
  batchesSent: number;
  retries: number;
  /** performance.now() of the first event queued and of the last batch accepted. */
  firstQueuedAt: number;
  lastAcceptedAt: number;
}

export class HttpPeerLink implements PeerLink {
  private readonly queues = new Map<string, Queue>();
  private readonly bySession = new Map<string, Set<Queue>>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly dirty = new Set<Queue>();
  private scheduled = false;
  private readonly id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly token: string | undefined;
  private readonly onError: (message: string) => void;
  private readonly giveUpMs: number;
  readonly stats: PeerLinkStats = { eventsSent: 0, batchesSent: 0, retries: 0, firstQueuedAt: 0, lastAcceptedAt: 0 };

  /** `new HttpPeerLink({ token, onError })`, or the older `(onError, token)`. */
  constructor(opts: PeerLinkOptions | ((message: string) => void) | undefined = {}, token?: string) {
    const o = typeof opts === 'function' ? { onError: opts, token } : { token, ...opts };
    this.token = o.token || undefined;
    this.onError = o.onError ?? ((m) => process.stderr.write(`dlg-engine: ${m}\n`));
    this.giveUpMs = o.giveUpMs ?? 120_000;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { ...extra, authorization: `Bearer ${this.token}` } : extra;
  }

  send(peer: string, sessionId: string, event: RemoteEvent): void {
    const key = `${peer}\u0000${sessionId}`;
    let q = this.queues.get(key);
    if (!q) q = this.open(key, peer, sessionId);
    if (this.stats.firstQueuedAt === 0) this.stats.firstQueuedAt = performance.now();
    q.events.push(event);
    if (!q.busy) {
      this.dirty.add(q);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    }
  }

  private open(key: string, peer: string, sessionId: string): Queue {
    const base = peerBaseUrl(peer);
    const q: Queue = {
      key,
      id: `${this.id}/${parseAddress(peer, NODE_PORT).text}`,
      url: `${base}/api/sessions/${encodeURIComponent(sessionId)}/events`,
      sessionId,
      events: [],
      seq: 0,
      busy: false,
      failingSince: 0,
      backoff: FIRST_BACKOFF_MS,
      timer: undefined,
    };
    this.queues.set(key, q);
    let set = this.bySession.get(sessionId);
    if (!set) this.bySession.set(sessionId, (set = new Set()));
    set.add(q);
    return q;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const qs = [...this.dirty];
    this.dirty.clear();
    for (const q of qs) if (!q.busy && q.events.length > 0) this.post(q, q.events.splice(0, MAX_BATCH), ++q.seq);
  };

  private post(q: Queue, batch: RemoteEvent[], seq: number): void {
    q.busy = true;
    const body = JSON.stringify(batch);
    postJson(q.url, this.headers({ 'content-type': 'application/json', 'x-dlg-sender': q.id, 'x-dlg-seq': String(seq) }), body).then(
      ({ status, text }) => {
        if (status >= 200 && status < 300) return this.accepted(q, batch.length);
        if (status >= 500 || status === 429 || status === 408) return this.retry(q, batch, seq, `HTTP ${status} ${text.slice(0, 200)}`);
        // A refusal (the session is gone, the body is wrong) will not get better by retrying.
        this.onError(`${batch.length} event(s) refused by ${q.url}: HTTP ${status} ${text.slice(0, 300)}`);
        this.accepted(q, 0);
      },
      (err: Error) => this.retry(q, batch, seq, err.message),
    );
  }

  private accepted(q: Queue, n: number): void {
    if (!this.queues.has(q.key)) return; // forgotten meanwhile
    this.stats.eventsSent += n;
    this.stats.batchesSent++;
    this.stats.lastAcceptedAt = performance.now();
    q.busy = false;
    q.failingSince = 0;
    q.backoff = FIRST_BACKOFF_MS;
    if (q.events.length > 0) this.post(q, q.events.splice(0, MAX_BATCH), ++q.seq);
    else this.maybeDrained(q.sessionId);
  }

  private retry(q: Queue, batch: RemoteEvent[], seq: number, why: string): void {
    if (!this.queues.has(q.key)) return;
    const now = performance.now();
    if (q.failingSince === 0) q.failingSince = now;
    if (now - q.failingSince > this.giveUpMs) {
      this.onError(`giving up on ${batch.length + q.events.length} event(s) for ${q.url} after ${Math.round((now - q.failingSince) / 1000)} s: ${why}`);
      q.events.length = 0;
      q.busy = false;
      this.maybeDrained(q.sessionId);
      return;
    }
    this.stats.retries++;
    const delay = q.backoff;
    q.backoff = Math.min(MAX_BACKOFF_MS, q.backoff * 2);
    // The same batch with the same number, so that a receiver that got it ignores it.
    q.timer = setTimeout(() => {
      q.timer = undefined;
      this.post(q, batch, seq);
    }, delay);
  }

  drained(sessionId: string): Promise<void> {
    if (this.idle(sessionId)) return Promise.resolve();
    return new Promise((resolve) => {
      const w = this.waiters.get(sessionId);
      if (w) w.push(resolve);
      else this.waiters.set(sessionId, [resolve]);
    });
  }

  private idle(sessionId: string): boolean {
    for (const q of this.bySession.get(sessionId) ?? []) if (q.busy || q.events.length > 0) return false;
    return true;
  }

  private maybeDrained(sessionId: string): void {
    if (!this.waiters.has(sessionId) || !this.idle(sessionId)) return;
    const w = this.waiters.get(sessionId)!;
    this.waiters.delete(sessionId);
    for (const r of w) r();
  }

  forget(sessionId: string): void {
    for (const q of this.bySession.get(sessionId) ?? []) {
      clearTimeout(q.timer);
      this.queues.delete(q.key);
      this.dirty.delete(q);
    }
    this.bySession.delete(sessionId);
    const w = this.waiters.get(sessionId);
    this.waiters.delete(sessionId);
    for (const r of w ?? []) r();
  }

  readData(peer: string, sessionId: string, uid: string): Promise<RemoteBytes> {
    return readPeerData(peerBaseUrl(peer), sessionId, uid, this.headers());
  }

  copyData(peer: string, sessionId: string, uid: string, dir: string): Promise<{ path: string; info: RemoteBytes }> {
    return copyPeerData(peerBaseUrl(peer), sessionId, uid, dir, this.headers());
  }

  openStream(peer: string, sessionId: string, dataUid: string, consumerUid: string, h: StreamHandlers): () => void {
    return openPeerStream(peerBaseUrl(peer), sessionId, dataUid, consumerUid, this.headers(), h);
  }
}

/** The name this class had when it only carried events. */
export { HttpPeerLink as HttpEventSink };
