// Stand-ins for drops that live on another node (reference §7.9). The reference carries
// events between nodes as pickled Python over ZeroMQ; this engine uses plain JSON events,
// `{type, uid, oid, session_id, status, execStatus}`, sent through a pluggable sink.

import { AppDrop } from '../drops/app.ts';
import { DataDrop } from '../drops/data.ts';
import { F_PROXY, type DropHost } from '../drops/drop.ts';
import { DropFailure } from '../errors.ts';
import { AppState, DropState } from '../states.ts';
import { isObject } from '../drops/spec.ts';
import { badRequest } from '../errors.ts';

export interface RemoteEvent {
  type: 'dropCompleted' | 'producerFinished';
  uid: string;
  oid?: string;
  session_id?: string;
  status: number;
  execStatus?: number;
}

/** Where events for drops on other nodes go; `peer` is a node address (`host[:port[:events[:rpc]]]`). */
export interface RemoteEventSink {
  send(peer: string, sessionId: string, event: RemoteEvent): void;
}

export interface RemoteProxy {
  readonly peer: string;
  deliver(event: RemoteEvent): void;
}

/** A remote data drop that local apps read or write. */
export class RemoteData extends DataDrop implements RemoteProxy {
  constructor(
    host: DropHost,
    uid: string,
    readonly peer: string,
    private readonly sink: RemoteEventSink,
  ) {
    super(host, { oid: uid, categoryType: 'Data', name: uid }, { persist: true, expireAfterUse: false });
    this.flags |= F_PROXY;
  }

  get dataURL(): string {
    return `remote://${this.peer}/${this.uid}`;
  }
  protected writeBytes(): void {
    throw new DropFailure(`drop ${this.uid} lives on ${this.peer}; writing to remote drops is not supported`);
  }
  read(): Promise<Buffer> {
    return Promise.reject(new DropFailure(`drop ${this.uid} lives on ${this.peer}; reading remote data is not supported`));
  }

  /** A local producer finished: tell the node that owns the data. */
  override producerFinished(app: AppDrop, appStatus: number): void {
    this.sink.send(this.peer, this.host.sessionId, {
      type: 'producerFinished',
      uid: app.uid,
      oid: app.oid,
      session_id: this.host.sessionId,
      status: appStatus,
      execStatus: app.execStatus,
    });
  }

  /** The remote drop completed, failed or was skipped. */
  deliver(event: RemoteEvent): void {
    if (event.type !== 'dropCompleted') return;
    if (event.status === DropState.ERROR) this.setError();
    else if (event.status === DropState.SKIPPED) {
      this.skipPending();
      this.setCompleted();
    } else this.setCompleted();
  }
}

/** A remote app that reads or writes local data. */
export class RemoteApp extends AppDrop implements RemoteProxy {
  constructor(
    host: DropHost,
    uid: string,
    readonly peer: string,
    private readonly sink: RemoteEventSink,
  ) {
    super(host, { oid: uid, categoryType: 'Application', name: uid });
    this.flags |= F_PROXY;
  }

  protected run(): void {
    throw new DropFailure(`app ${this.uid} runs on ${this.peer}, not here`);
  }

  /** A local input of the remote app completed: tell its node. */
  override inputCompleted(input: DataDrop, state: number): void {
    this.sink.send(this.peer, this.host.sessionId, {
      type: 'dropCompleted',
      uid: input.uid,
      oid: input.oid,
      session_id: this.host.sessionId,
      status: state,
    });
  }

  /** The remote app finished: its local outputs count it as a producer. */
  deliver(event: RemoteEvent): void {
    if (event.type !== 'producerFinished') return;
    this.execStatus = event.execStatus ?? AppState.FINISHED;
    this.status = event.status;
    for (const o of this.outputs) o.producerFinished(this, event.status);
  }
}

/** Sink that drops events; for a node manager with no peers. */
export const NO_REMOTE: RemoteEventSink = { send() {} };

/** Validates an events body: a list of RemoteEvent objects. */
export function readRemoteEvents(body: unknown): RemoteEvent[] {
  if (!Array.isArray(body)) throw badRequest('events body must be a JSON array');
  return body.map((e, i) => {
    if (!isObject(e) || (e.type !== 'dropCompleted' && e.type !== 'producerFinished') || typeof e.uid !== 'string' || typeof e.status !== 'number')
      throw badRequest(`event #${i} must be {"type": "dropCompleted"|"producerFinished", "uid": string, "status": int}`);
    return e as unknown as RemoteEvent;
  });
}

export type Relation = [lhs: string, rel: number, rhs: string];

/** Validates a subscriptions body: {"<peer node>": [[lhsOid, relInt, rhsOid], …], …}. */
export function readSubscriptions(body: unknown): Map<string, Relation[]> {
  if (!isObject(body)) throw badRequest('subscriptions body must be a JSON object {"<node>": [[lhs, rel, rhs], …]}');
  const out = new Map<string, Relation[]>();
  for (const [peer, rels] of Object.entries(body)) {
    if (!Array.isArray(rels)) throw badRequest(`subscriptions for ${peer} must be a list of [lhs, rel, rhs]`);
    out.set(
      peer,
      rels.map((r, i) => {
        if (!Array.isArray(r) || r.length !== 3 || typeof r[0] !== 'string' || typeof r[2] !== 'string' || !Number.isInteger(r[1]) || r[1] < 0 || r[1] > 7)
          throw badRequest(`subscription #${i} for ${peer} must be [lhsOid, linkType 0-7, rhsOid]`);
        return r as Relation;
      }),
    );
  }
  return out;
}
