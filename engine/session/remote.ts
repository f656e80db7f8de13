// Stand-ins for drops that live on another node (reference §7.9). The reference carries
// events between nodes as pickled Python over ZeroMQ and reads remote data over zerorpc;
// this engine uses JSON events and HTTP byte streams, through a pluggable PeerLink.
//
// Per relation between a local drop and a remote one, the local side gets a proxy:
//   RemoteData  a remote data drop that local apps read, write or stream from;
//   RemoteApp   a remote app that reads, streams or writes local data.
// Everything a proxy receives is idempotent: a repeated event changes nothing.

import { AppDrop } from '../drops/app.ts';
import { DataDrop } from '../drops/data.ts';
import { F_COMPLETION_FIRED, F_PROXY, type DropHost } from '../drops/drop.ts';
import { readFile, rm } from 'node:fs/promises';
import { DropFailure } from '../errors.ts';
import { AppState, DropState } from '../states.ts';
import type { RemoteEvent } from './remote-events.ts';

export type { RemoteEvent } from './remote-events.ts';
export { readRemoteEvents, readSubscriptions, type Relation } from './remote-events.ts';

/** The bytes of a remote data drop and what they are. */
export interface RemoteBytes {
  bytes: Buffer;
  /** 'file' for FileDROPs; their readers on this node get a local copy. */
  kind: string;
  /** The drop's file name, or its uid. */
  name: string;
  dataURL: string;
}

export interface StreamHandlers {
  chunk(b: Buffer): void;
  /** The stream is over; `error` when it broke before the producer finished. */
  end(error?: string): void;
}

/** How a session reaches the nodes holding the other ends of its cross-node relations. */
export interface PeerLink {
  /** Queue an event for `peer` (ordered per peer and session, batched, retried). */
  send(peer: string, sessionId: string, event: RemoteEvent): void;
  /** Resolves once every event queued for the session has been accepted by its peers. */
  drained(sessionId: string): Promise<void>;
  /** Stop sending and retrying for a session (it was cancelled or destroyed). */
  forget(sessionId: string): void;
  /** The content of a completed data drop held by `peer`. */
  readData(peer: string, sessionId: string, uid: string): Promise<RemoteBytes>;
  /** Copy a completed remote data drop into `dir`; resolves with the local path. */
  copyData(peer: string, sessionId: string, uid: string, dir: string): Promise<{ path: string; info: RemoteBytes }>;
  /** Follow what is written to a remote drop for one streaming consumer; returns an abort function. */
  openStream(peer: string, sessionId: string, dataUid: string, consumerUid: string, h: StreamHandlers): () => void;
}

/** @deprecated The old name of PeerLink. */
export type RemoteEventSink = PeerLink;

export interface RemoteProxy {
  readonly peer: string;
  deliver(event: RemoteEvent): void;
}

/** The session features proxies need beyond DropHost. */
export interface ProxyHost extends DropHost {
  readonly link: PeerLink;
}

/** Bytes larger than this are split into several write events. */
const WRITE_CHUNK = 1 << 20;

/** A remote data drop that local apps read, write or stream from. */
export class RemoteData extends DataDrop implements RemoteProxy {
  private fetched: Promise<RemoteBytes> | null = null;
  private localCopy: string | undefined;
  private remoteURL: string | undefined;
  private openStreams = 0;
  private streamFailed: string | undefined;
  private pending: RemoteEvent | null = null;
  private aborts: (() => void)[] = [];
  private localDone = 0;

  constructor(
    override readonly host: ProxyHost,
    uid: string,
    readonly peer: string,
  ) {
    super(host, { oid: uid, categoryType: 'Data', name: uid }, { persist: true, expireAfterUse: false });
    this.flags |= F_PROXY;
  }

  get dataURL(): string {
    return this.remoteURL ?? `remote://${this.peer}/${this.uid}`;
  }

  /**
   * A path for commands: the local copy of a remote file once fetched (inputs), otherwise
   * a staging file whose content is sent to the owner when a command wrote it (outputs).
   */
  override get path(): string {
    return this.localCopy ?? this.stagingPath;
  }

  private get stagingPath(): string {
    return `${this.host.sessionDir}/.remote/${encodeURIComponent(this.uid)}.out`;
  }

  /** Local writes are forwarded to the owner, in order, ahead of the producer's completion. */
  protected writeBytes(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i += WRITE_CHUNK) {
      const part = chunk.subarray(i, i + WRITE_CHUNK);
      this.host.link.send(this.peer, this.host.sessionId, { type: 'write', uid: this.uid, status: 0, data: part.toString('base64') });
    }
  }

  override async commitExternalWrite(): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.stagingPath);
    } catch {
      return; // the command did not write this output
    }
    this.write(bytes);
    await rm(this.stagingPath, { force: true });
  }

  read(): Promise<Buffer> {
    return this.fetch().then((r) => r.bytes);
  }

  private fetch(): Promise<RemoteBytes> {
    this.fetched ??= this.host.link.readData(this.peer, this.host.sessionId, this.uid).then((r) => {
      this.remoteURL = r.dataURL;
      return r;
    });
    return this.fetched;
  }

  /** Before a command runs: a remote file gets a local copy in the session directory. */
  override async materialize(): Promise<void> {
    if (this.localCopy !== undefined || this.status !== DropState.COMPLETED) return;
    const { path, info } = await this.host.link.copyData(this.peer, this.host.sessionId, this.uid, `${this.host.sessionDir}/.remote/${encodeURIComponent(this.uid)}`);
    this.remoteURL = info.dataURL;
    if (info.kind === 'file') this.localCopy = path;
  }

  /** A local producer finished: tell the node that owns the data. */
  override producerFinished(app: AppDrop, appStatus: number): void {
    this.host.link.send(this.peer, this.host.sessionId, {
      type: 'producerFinished',
      uid: app.uid,
      oid: app.oid,
      session_id: this.host.sessionId,
      status: appStatus,
      execStatus: app.execStatus,
    });
  }

  /** A local consumer is done with the data: the owner counts it toward expiry. */
  override consumerDone(app?: AppDrop): void {
    if (app === undefined) return;
    this.host.link.send(this.peer, this.host.sessionId, { type: 'consumerDone', uid: this.uid, consumer: app.uid, status: 0 });
    if (++this.localDone >= this.consumers.length) this.fetched = null; // release the cached bytes
  }

  /**
   * At deploy: follow the remote drop's writes for each local streaming consumer. Drops
   * produced here already pass their chunks on locally.
   */
  startStreams(): void {
    if (this.producers.length > 0) return;
    for (const c of this.streamingConsumers) {
      this.openStreams++;
      const abort = this.host.link.openStream(this.peer, this.host.sessionId, this.uid, c.uid, {
        chunk: (b) => {
          this.size += b.length;
          if (c.status === DropState.INITIALIZED) c.dataWritten(this, b);
        },
        end: (error) => {
          if (error !== undefined) {
            this.streamFailed = error;
            this.log('ERROR', `stream from ${this.peer} broke: ${error}`, 'stream');
          }
          if (--this.openStreams === 0 && this.pending) {
            const e = this.pending;
            this.pending = null;
            this.deliver(e);
          }
        },
      });
      this.aborts.push(abort);
    }
  }

  stopStreams(): void {
    for (const a of this.aborts.splice(0)) a();
  }

  /** The remote drop completed, failed or was skipped (after every streamed chunk arrived). */
  deliver(event: RemoteEvent): void {
    if (event.type !== 'dropCompleted' || this.flags & F_COMPLETION_FIRED) return;
    if (this.openStreams > 0) {
      this.pending = event;
      return;
    }
    if (event.status === DropState.ERROR || (this.streamFailed !== undefined && event.status === DropState.COMPLETED)) this.setError();
    else if (event.status === DropState.SKIPPED) {
      this.skipPending();
      this.setCompleted();
    } else this.setCompleted();
  }
}

/** What a remote streaming consumer has not yet fetched of one local drop. */
class Tap {
  chunks: Buffer[] = [];
  ended = false;
  listener: ((chunk: Buffer | null) => void) | null = null;

  push(b: Buffer): void {
    if (this.listener) this.listener(b);
    else this.chunks.push(b);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.listener?.(null);
  }

  /** The buffered chunks, then the live ones; `null` marks the end. */
  attach(listener: (chunk: Buffer | null) => void): void {
    for (const c of this.chunks.splice(0)) listener(c);
    if (this.ended) listener(null);
    else this.listener = listener;
  }
}

/** A remote app that reads, streams or writes local data. */
export class RemoteApp extends AppDrop implements RemoteProxy {
  static override readonly acceptsStreaming: boolean = true;
  private taps: Map<string, Tap> | null = null;
  private released: Set<string> | null = null;

  constructor(
    override readonly host: ProxyHost,
    uid: string,
    readonly peer: string,
  ) {
    super(host, { oid: uid, categoryType: 'Application', name: uid });
    this.flags |= F_PROXY;
  }

  protected run(): void {
    throw new DropFailure(`app ${this.uid} runs on ${this.peer}, not here`);
  }

  tap(dataUid: string): Tap {
    const taps = (this.taps ??= new Map());
    let t = taps.get(dataUid);
    if (!t) taps.set(dataUid, (t = new Tap()));
    return t;
  }

  /** A chunk written to a local drop this remote app streams from. */
  override dataWritten(input: DataDrop, chunk: Buffer): void {
    this.tap(input.uid).push(chunk);
  }

  /** A local input of the remote app completed: tell its node (and end any stream). */
  override inputCompleted(input: DataDrop, state: number): void {
    if (this.streamingInputs.includes(input)) this.tap(input.uid).end();
    this.host.link.send(this.peer, this.host.sessionId, {
      type: 'dropCompleted',
      uid: input.uid,
      oid: input.oid,
      session_id: this.host.sessionId,
      status: state,
    });
  }

  /** The remote app finished with a local input (once per input, however often told). */
  releaseInput(dataUid: string): void {
    const r = (this.released ??= new Set());
    if (r.has(dataUid)) return;
    r.add(dataUid);
    for (const i of this.inputs) if (i.uid === dataUid) i.consumerDone(this);
  }

  /** The remote app finished: its local outputs count it as a producer, once. */
  deliver(event: RemoteEvent): void {
    if (event.type !== 'producerFinished' || this.flags & F_COMPLETION_FIRED) return;
    this.flags |= F_COMPLETION_FIRED;
    this.execStatus = event.execStatus ?? AppState.FINISHED;
    this.status = event.status;
    for (const o of this.outputs) o.producerFinished(this, event.status);
  }
}

/** For a node with no peers: events go nowhere, remote data cannot be read. */
export const NO_REMOTE: PeerLink = {
  send() {},
  drained: () => Promise.resolve(),
  forget() {},
  readData: (peer, _s, uid) => Promise.reject(new DropFailure(`drop ${uid} lives on ${peer}, and this node has no link to its peers`)),
  copyData: (peer, _s, uid) => Promise.reject(new DropFailure(`drop ${uid} lives on ${peer}, and this node has no link to its peers`)),
  openStream: (peer, _s, uid, _c, h) => {
    h.end(`drop ${uid} lives on ${peer}, and this node has no link to its peers`);
    return () => {};
  },
};
