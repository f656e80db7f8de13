// What the summary reports about a session, read from the managers once it has ended: the
// final state, drops per state, the failed drops with their log lines (asked of the node
// manager that ran each), and every node manager's session directory.

import { jobClient } from './token.ts';
import { flattenStatus, overallStatus } from '../../client/deploy.ts';
import { DROP_STATE_COUNT, DropState, dropStateName, sessionStateName } from '../../../kernel/states.ts';
import type { FailedDrop } from './summary.ts';
import { DOWNSTREAM_LISTS, entryOid, UPSTREAM_LISTS } from '../../../kernel/relations.ts';

/** At most this many failed drops are listed with their logs; the rest are counted. */
export const MAX_FAILED_DROPS = 50;
const MAX_EXAMINED = 500;

const TIMEOUT_MS = 60_000;

export async function sessionState(top: string, sessionId: string): Promise<string> {
  const status = await jobClient(top, TIMEOUT_MS).sessionStatus(sessionId);
  return sessionStateName(overallStatus(flattenStatus(status)));
}

export interface DropReport {
  counts: Record<string, number>;
  failed: FailedDrop[];
  moreFailed: number;
}

/**
 * Counts by state and the failed drops. `specs` (the PG) gives each drop's name and node;
 * `nodeUrl` turns a node value into the URL of the node manager to ask for its logs.
 */
export async function dropReport(
  top: string, sessionId: string, specs: ReadonlyMap<string, Record<string, unknown>>, nodeUrl: (node: string) => string | undefined,
): Promise<DropReport> {
  const status = await jobClient(top, TIMEOUT_MS).graphStatus(sessionId);
  const byState = new Array<number>(DROP_STATE_COUNT).fill(0);
  const errored: string[] = [];
  let total = 0;
  for (const [oid, s] of Object.entries(status)) {
    byState[s.status] = (byState[s.status] ?? 0) + 1;
    total++;
    if (s.status === DropState.ERROR) errored.push(oid);
  }
  const counts: Record<string, number> = { total };
  for (let k = 0; k < DROP_STATE_COUNT; k++) counts[dropStateName(k)] = byState[k]!;
  // Causes first: a drop in ERROR none of whose upstream drops is in ERROR failed on its own;
  // the others failed because of it. Logs are read for a bounded number of drops (causes,
  // then graph order); within each group the one whose log shows an error first comes first.
  const caused = consequences(specs, new Set(errored));
  const order = new Map([...specs.keys()].map((oid, i) => [oid, i]));
  const rank = (oid: string) => (caused.has(oid) ? 1 : 0);
  const place = (oid: string) => order.get(oid) ?? Number.MAX_SAFE_INTEGER;
  errored.sort((a, b) => rank(a) - rank(b) || place(a) - place(b));
  const examined = await Promise.all(errored.slice(0, MAX_EXAMINED).map(async (oid) => {
    const spec = specs.get(oid);
    const node = typeof spec?.node === 'string' ? spec.node : undefined;
    const name = typeof spec?.name === 'string' ? spec.name : undefined;
    const { lines, firstError } = await dropLog(node ? nodeUrl(node) : undefined, top, sessionId, oid);
    return { drop: { oid, name, node, state: 'ERROR', log: lines } as FailedDrop, firstError, rank: rank(oid), place: place(oid) };
  }));
  // ISO times compare as strings; drops without an ERROR line (data drops) go last.
  const key = (e: { firstError?: string }) => e.firstError ?? '\uffff';
  examined.sort((a, b) => a.rank - b.rank || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) || a.place - b.place);
  const failed = examined.slice(0, MAX_FAILED_DROPS).map((e) => e.drop);
  return { counts, failed, moreFailed: Math.max(0, errored.length - MAX_FAILED_DROPS) };
}

/**
 * The drops of `errored` that have an upstream drop in `errored`. A graph may list a
 * relationship on one side only (an app's outputs without the data drop's producers), so
 * both sides are read; one pass over the graph.
 */
export function consequences(specs: ReadonlyMap<string, Record<string, unknown>>, errored: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const [oid, spec] of specs) {
    if (!errored.has(oid)) continue;
    for (const k of UPSTREAM_LISTS) {
      for (const e of list(spec[k])) if (errored.has(entryOid(e) ?? '')) out.add(oid);
    }
    for (const k of DOWNSTREAM_LISTS) {
      for (const e of list(spec[k])) {
        const down = entryOid(e);
        if (down !== undefined && errored.has(down)) out.add(down);
      }
    }
  }
  return out;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The drop's log lines and the time of its first ERROR line, if any. */
async function dropLog(nodeUrl: string | undefined, top: string, sessionId: string, oid: string): Promise<{ lines: string[]; firstError?: string }> {
  // The node manager that ran it has the log; a manager above may not serve drop logs.
  for (const url of nodeUrl ? [nodeUrl, top] : [top]) {
    try {
      const r = await jobClient(url, TIMEOUT_MS).dropLogs(sessionId, oid);
      const firstError = r.logs.find((l) => l.Level === 'ERROR')?.time;
      return { lines: r.logs.map((l) => `${l.time} ${l.Level} ${l.Message}`), firstError };
    } catch {
      /* try the next */
    }
  }
  return { lines: ['(the drop\'s log could not be read from its node manager)'] };
}

/** A node manager's directory for the session, or undefined if it has none. */
export async function sessionDirOf(nmUrl: string, sessionId: string): Promise<string | undefined> {
  try {
    return (await jobClient(nmUrl, 10_000).sessionDir(sessionId)).dir;
  } catch {
    return undefined;
  }
}
