// The side of a session that other nodes talk to: batches of events (applied once each, in
// the order their sender queued them) and the bytes of local data drops that remote apps
// read or stream. The node manager's REST routes call this; nothing here knows about HTTP.

import { basename } from 'node:path';
import { DataDrop, MemoryDrop } from '../drops/data.ts';
import { F_PROXY } from '../drops/drop.ts';
import { FileDrop } from '../drops/file.ts';
import { gone, noDrop, notReady } from '../errors.ts';
import { DropState, SessionState } from '../states.ts';
import { RemoteApp, type RemoteEvent } from './remote.ts';
import type { Session } from './session.ts';

export interface PeerData {
  kind: 'file' | 'memory' | 'other';
  name: string;
  dataURL: string;
  size: number;
  /** A file to stream, or the bytes themselves. */
  path?: string;
  bytes?: Buffer;
}

export interface ChunkSource {
  attach(listener: (chunk: Buffer | null) => void): void;
}

export class PeerEndpoint {
  /** Per sender queue: the last batch applied, so a retried batch is not applied twice. */
  private readonly applied = new Map<string, number>();
  eventsReceived = 0;

  constructor(private readonly session: Session) {}

  /**
   * A batch from `sender` numbered `seq` (1, 2, … per sender queue). Returns false for a
   * batch already applied (its sender retried after losing our answer).
   */
  receive(events: readonly RemoteEvent[], sender?: string, seq?: number): boolean {
    if (sender !== undefined && seq !== undefined) {
      if (seq <= (this.applied.get(sender) ?? 0)) return false;
      this.applied.set(sender, seq);
    }
    this.eventsReceived += events.length;
    this.session.deliverRemoteEvents(events);
    return true;
  }

  /** One event, once the session is deployed. */
  apply(e: RemoteEvent): void {
    const s = this.session;
    switch (e.type) {
      case 'dropCompleted':
      case 'producerFinished':
        s.proxy(e.uid)?.deliver(e);
        return;
      case 'consumerDone': {
        const p = s.proxy(e.consumer!);
        if (p instanceof RemoteApp) p.releaseInput(e.uid);
        return;
      }
      case 'write': {
        const d = s.lookup(e.uid);
        if (!(d instanceof DataDrop) || d.flags & F_PROXY) return;
        try {
          d.write(Buffer.from(e.data!, 'base64'));
        } catch (err) {
          d.log('ERROR', `a remote producer's write failed: ${(err as Error).message}`, 'write');
        }
        return;
      }
    }
  }

  private localData(uid: string): DataDrop {
    const s = this.session;
    if (s.status < SessionState.RUNNING) throw notReady(`session ${s.sessionId} is not deployed yet`);
    const d = s.lookup(uid);
    if (!(d instanceof DataDrop) || d.flags & F_PROXY) throw noDrop(s.sessionId, uid);
    return d;
  }

  /** A completed local data drop, for a remote reader. */
  data(uid: string): PeerData {
    const d = this.localData(uid);
    const st = d.status;
    if (st === DropState.EXPIRED || st === DropState.DELETED) throw gone(`drop ${uid} has expired; its data is gone`);
    if (st !== DropState.COMPLETED) throw notReady(`drop ${uid} is not complete (state ${st})`);
    if (d instanceof FileDrop) return { kind: 'file', name: basename(d.path), dataURL: d.dataURL, size: d.size, path: d.path };
    if (d instanceof MemoryDrop) {
      const bytes = d.readSync();
      return { kind: 'memory', name: d.uid, dataURL: d.dataURL, size: bytes.length, bytes };
    }
    return { kind: 'other', name: d.uid, dataURL: d.dataURL, size: 0, bytes: Buffer.alloc(0) };
  }

  /** The chunks of local drop `dataUid` for the remote streaming consumer `consumerUid`. */
  stream(dataUid: string, consumerUid: string): ChunkSource {
    const d = this.localData(dataUid);
    const p = this.session.proxy(consumerUid);
    if (!(p instanceof RemoteApp) || !p.streamingInputs.includes(d))
      throw noDrop(this.session.sessionId, `${consumerUid} (a remote streaming consumer of ${dataUid})`);
    return p.tap(dataUid);
  }
}
