// The JSON bodies nodes exchange (reference §7.9 defines the subscriptions body; the event
// transport is ours): validated here so a malformed body is a 400 naming the bad entry.

import { isObject } from '../drops/spec.ts';
import { badRequest } from '../errors.ts';

/**
 * One event for the node at the other end of a relation:
 *   dropCompleted     data `uid` (sender's) completed, failed or was skipped (`status`)
 *   producerFinished  app `uid` (sender's) finished with `status` / `execStatus`
 *   consumerDone      app `consumer` (sender's) is done reading data `uid` (receiver's)
 *   write             bytes (`data`, base64) written by the sender into data `uid` (receiver's)
 */
export interface RemoteEvent {
  type: 'dropCompleted' | 'producerFinished' | 'consumerDone' | 'write';
  uid: string;
  oid?: string;
  session_id?: string;
  status: number;
  execStatus?: number;
  consumer?: string;
  data?: string;
}

const TYPES = new Set(['dropCompleted', 'producerFinished', 'consumerDone', 'write']);

/** Validates an events body: a list of RemoteEvent objects. */
export function readRemoteEvents(body: unknown): RemoteEvent[] {
  if (!Array.isArray(body)) throw badRequest('events body must be a JSON array');
  return body.map((e, i) => {
    if (!isObject(e) || !TYPES.has(e.type as string) || typeof e.uid !== 'string' || typeof e.status !== 'number')
      throw badRequest(`event #${i} must be {"type": "dropCompleted"|"producerFinished"|"consumerDone"|"write", "uid": string, "status": int}`);
    if (e.type === 'consumerDone' && typeof e.consumer !== 'string') throw badRequest(`event #${i} (consumerDone) needs "consumer": the app's uid`);
    if (e.type === 'write' && typeof e.data !== 'string') throw badRequest(`event #${i} (write) needs "data": base64 bytes`);
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
