// Sends events for remote drops to the node that holds them: JSON over HTTP to its
// POST /api/sessions/<id>/events route, batched per peer and session within one tick.

import type { RemoteEvent, RemoteEventSink } from '../../session/remote.ts';

/** `host[:port[:events[:rpc]]]` (reference §6.4) → the peer's REST base URL; port default 8000. */
export function peerBaseUrl(peer: string): string {
  const [host, port] = peer.split(':');
  return `http://${host || '127.0.0.1'}:${port || '8000'}`;
}

export class HttpEventSink implements RemoteEventSink {
  private readonly batches = new Map<string, { peer: string; sessionId: string; events: RemoteEvent[] }>();
  private scheduled = false;

  constructor(
    private readonly onError: (message: string) => void = (m) => process.stderr.write(`dlg-engine: ${m}\n`),
    /** The peers' token (one per deployment), sent as a bearer token. */
    private readonly token?: string,
  ) {}

  send(peer: string, sessionId: string, event: RemoteEvent): void {
    const key = `${peer}\u0000${sessionId}`;
    let b = this.batches.get(key);
    if (!b) this.batches.set(key, (b = { peer, sessionId, events: [] }));
    b.events.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const all = [...this.batches.values()];
    this.batches.clear();
    for (const b of all) {
      const url = `${peerBaseUrl(b.peer)}/api/sessions/${encodeURIComponent(b.sessionId)}/events`;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      fetch(url, { method: 'POST', headers, body: JSON.stringify(b.events) })
        .then(async (res) => {
          if (!res.ok) this.onError(`events for ${b.events.length} drop(s) refused by ${url}: HTTP ${res.status} ${await res.text()}`);
        })
        .catch((err: Error) => this.onError(`cannot send events to ${url}: ${err.message}`));
    }
  }
}
