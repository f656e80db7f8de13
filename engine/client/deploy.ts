// The deploy sequence of reference §7.10: create the session, append the graph, deploy it
// with its roots as the completed drops, and optionally watch it to the end. Unlike
// DALiuGE's monitor, a FAILED session ends the wait (§9 Q25).

import type { DropSpec } from '../drops/spec.ts';
import { readGraphInput, rootOids } from '../session/graph-input.ts';
import { DROP_STATE_COUNT, DropState, SessionState, isFinalSessionState } from '../states.ts';
import { type ManagerClient, ManagerError } from './client.ts';

export interface SubmitOptions {
  sessionId?: string;
  skipDeploy?: boolean;
  compress?: boolean;
}

export interface Submitted {
  sessionId: string;
  roots: string[];
  drops: number;
}

/** DALiuGE's default session id: the Unix time with six decimals. */
export function defaultSessionId(): string {
  return ((performance.timeOrigin + performance.now()) / 1000).toFixed(6);
}

export async function submit(client: ManagerClient, pg: unknown, opts: SubmitOptions = {}): Promise<Submitted> {
  const { specs } = readGraphInput(pg);
  const roots = rootOids(specs as DropSpec[]);
  const sessionId = opts.sessionId ?? defaultSessionId();
  await client.createSession(sessionId);
  await client.append(sessionId, pg, { compress: opts.compress });
  if (!opts.skipDeploy) await client.deploy(sessionId, roots);
  return { sessionId, roots, drops: specs.length };
}

export interface Progress {
  status: number;
  total: number;
  /** Drops per DropState. */
  counts: number[];
  /** Managers lost while the session ran (composite managers report them). */
  lost?: string[];
}

/** Session status as a list of ints: a node manager gives one, composite managers nest objects. */
export function flattenStatus(s: unknown): number[] {
  if (typeof s === 'number') return [s];
  if (typeof s === 'object' && s !== null) return Object.values(s).flatMap(flattenStatus);
  return [];
}

/** The overall outcome of per-node statuses: any failure wins, then cancellation. */
export function overallStatus(statuses: number[]): number {
  if (statuses.length === 0) return SessionState.PRISTINE;
  if (!statuses.every(isFinalSessionState)) return Math.min(...statuses.filter((s) => !isFinalSessionState(s)));
  if (statuses.includes(SessionState.FAILED)) return SessionState.FAILED;
  if (statuses.includes(SessionState.CANCELLED)) return SessionState.CANCELLED;
  return SessionState.FINISHED;
}

async function progressOf(client: ManagerClient, sessionId: string, status: number): Promise<Progress | undefined> {
  const summary = (await client.graphSummary(sessionId)) as (Progress & { lost?: string[] }) | undefined;
  if (summary) return { status, total: summary.total, counts: summary.counts, ...(summary.lost?.length ? { lost: summary.lost } : {}) };
  if (status < SessionState.RUNNING) return undefined;
  // DALiuGE's managers have no summary: count the full graph status.
  const counts = new Array(DROP_STATE_COUNT).fill(0);
  const all = await client.graphStatus(sessionId);
  let total = 0;
  for (const d of Object.values(all)) {
    counts[d.status] = (counts[d.status] ?? 0) + 1;
    total++;
  }
  return { status, total, counts };
}

export interface WaitOptions {
  pollIntervalMs?: number;
  onProgress?: (p: Progress) => void;
}

/** How long a composite manager may answer 555/556 (a sub-manager unreachable) before waiting stops. */
const SUB_MANAGER_PATIENCE_MS = 60_000;

/**
 * A composite manager answers 555/556 while one of its sub-managers does not answer; its
 * failure detector soon decides (the session then fails), so such answers are waited out.
 */
async function patiently<T>(f: () => Promise<T>, since: { t: number }): Promise<T | undefined> {
  try {
    const v = await f();
    since.t = 0;
    return v;
  } catch (err) {
    if (!(err instanceof ManagerError) || (err.httpStatus !== 555 && err.httpStatus !== 556)) throw err;
    const now = Date.now();
    if (since.t === 0) since.t = now;
    if (now - since.t > SUB_MANAGER_PATIENCE_MS) throw err;
    return undefined;
  }
}

/** Polls until the session is FINISHED, FAILED or CANCELLED; returns that status. */
export async function waitForSession(client: ManagerClient, sessionId: string, opts: WaitOptions = {}): Promise<number> {
  const interval = opts.pollIntervalMs ?? 1000;
  const trouble = { t: 0 };
  for (;;) {
    const answer = await patiently(() => client.sessionStatus(sessionId), trouble);
    if (answer === undefined) {
      await new Promise((r) => setTimeout(r, interval));
      continue;
    }
    const statuses = flattenStatus(answer);
    // DALiuGE answers 200 {"Status": "Success"} for a session it does not know (§9 Q27).
    if (statuses.length === 0)
      throw new ManagerError(`${client.baseUrl}/api/sessions/${sessionId}/status`, 200, 'NoSessionException', [`no status for session ${sessionId}: ${JSON.stringify(answer)}`]);
    const status = overallStatus(statuses);
    if (opts.onProgress) {
      const p = await patiently(() => progressOf(client, sessionId, status), trouble);
      if (p) opts.onProgress(p);
    }
    if (isFinalSessionState(status)) return status;
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Drops that are done one way or another, for progress bars. */
export function doneCounts(p: Progress): { completed: number; error: number; skipped: number; done: number } {
  const c = p.counts;
  const completed = (c[DropState.COMPLETED] ?? 0) + (c[DropState.EXPIRED] ?? 0) + (c[DropState.DELETED] ?? 0);
  const error = c[DropState.ERROR] ?? 0;
  const skipped = (c[DropState.SKIPPED] ?? 0) + (c[DropState.CANCELLED] ?? 0);
  return { completed, error, skipped, done: completed + error + skipped };
}
