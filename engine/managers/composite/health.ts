// What a composite manager knows about its children and their sessions: the failure detector's
// verdicts, the children's last reported session statuses, the nodes under each child, and
// what to do when a child is lost (its sessions fail, their other parts are cancelled) or
// comes back (after a restart of this manager: its sessions are served again).

import { flattenStatus, overallStatus } from '../../client/deploy.ts';
import { isObject } from '../../drops/spec.ts';
import { SessionState, isFinalSessionState } from '../../states.ts';
import { NODE_PORT, normalAddress, parseAddress } from '../address.ts';
import { ManagerClient } from '../../client/client.ts';
import type { CompositeManager } from './composite-manager.ts';
import { type ChildState, FailureDetector } from './detector.ts';
import { GraphIndex } from './graph-index.ts';
import type { SessionOutline } from '../progress.ts';

export class CompositeSession {
  readonly index = new GraphIndex();
  /** Each child's last known status of its part, flattened to one int. */
  readonly childStatus = new Map<string, number>();
  /** Managers (nodes, or islands) lost while the session was not over. */
  readonly lostNodes = new Set<string>();
  /** Children of this manager among them: they are not asked anything any more. */
  readonly lostChildren = new Set<string>();
  deployed = false;
  appends = 0;
  /** The children's dashboard outlines, until the next append. */
  outlines: Map<string, SessionOutline> | undefined;

  constructor(
    readonly id: string,
    readonly children: string[],
    /** Found on the children after a restart, not created here. */
    readonly adopted: boolean,
    readonly dir: string,
  ) {}

  noteStatus(child: string, status: unknown): void {
    const f = flattenStatus(status);
    if (f.length > 0) this.childStatus.set(child, overallStatus(f));
  }

  /** A child's status when it is not asked: what it ended with, FAILED if lost before that. */
  statusOfSilent(child: string): number {
    const c = this.childStatus.get(child);
    if (c !== undefined && isFinalSessionState(c)) return c;
    if (this.lostChildren.has(child)) return SessionState.FAILED;
    return c ?? SessionState.PRISTINE;
  }

  overallCached(): number {
    return overallStatus(this.children.map((c) => this.statusOfSilent(c)));
  }
}

export interface HealthOptions {
  intervalMs: number;
  deadlineMs: number;
  log: (message: string) => void;
}

export class Health {
  private readonly detector: FailureDetector;
  private readonly nodesOf = new Map<string, string[]>();

  constructor(
    private readonly m: CompositeManager,
    private readonly opts: HealthOptions,
  ) {
    this.detector = new FailureDetector({
      intervalMs: opts.intervalMs,
      deadlineMs: opts.deadlineMs,
      probe: (child, timeoutMs) => {
        const c = this.m.children.get(child);
        return c ? c.client.api(timeoutMs) : Promise.reject(new Error('not a child any more'));
      },
      onAnswer: (child, answer, before) => this.answered(child, answer, before),
      onLost: (child, why) => this.lost(child, why),
    });
  }

  watch(child: string): void {
    this.detector.watch(child);
  }
  unwatch(child: string): void {
    this.detector.unwatch(child);
    this.nodesOf.delete(child);
  }
  state(child: string): ChildState {
    return this.detector.state(child);
  }
  lastError(child: string): string {
    return this.detector.lastError(child);
  }
  suspect(child: string): void {
    this.detector.suspect(child);
  }
  /** A quick query to a child, given up as soon as the child is declared lost. */
  raceLoss<T>(child: string, call: Promise<T>): Promise<T> {
    return this.detector.raceLoss(child, call);
  }
  /**
   * Reports this manager's calls to a child to the detector: any answer is a sign of life, and
   * a child parsing a graph or building its drops (append, deploy) is busy, not silent.
   */
  observer(child: string): { start(method: string, path: string): void; end(method: string, path: string, answered: boolean): void } {
    const heavy = (method: string, path: string) => method === 'POST' && /\/(graph\/append|deploy)$/.test(path);
    return {
      start: (method, path) => this.detector.callStarted(child, heavy(method, path)),
      end: (method, path, answered) => this.detector.callEnded(child, heavy(method, path), answered),
    };
  }
  start(): void {
    this.detector.start();
  }
  stop(): void {
    this.detector.stop();
  }

  /** The node managers under a child: itself for a node manager, as reported by an island manager. */
  leafNodes(child: string): string[] | undefined {
    return this.m.role === 'island' ? [child] : this.nodesOf.get(child);
  }

  private answered(child: string, answer: unknown, before: ChildState): void {
    if (!isObject(answer)) return;
    const statuses = new Map<string, unknown>();
    if (Array.isArray(answer.sessions))
      for (const e of answer.sessions) if (isObject(e) && typeof e.sessionId === 'string') statuses.set(e.sessionId, e.status);
    const ids = new Set(statuses.keys());
    if (Array.isArray(answer.sessionIds)) for (const id of answer.sessionIds) if (typeof id === 'string') ids.add(id);
    if (Array.isArray(answer.nodes)) this.nodesOf.set(child, answer.nodes.map((n) => normalAddress(n, NODE_PORT)).filter((n): n is string => n !== undefined));
    for (const [id, st] of statuses) {
      const s = this.m.sessions.get(id);
      if (s?.children.includes(child)) s.noteStatus(child, st);
    }
    // An island manager reports the node managers it lost: the whole session is over.
    if (isObject(answer.lost))
      for (const [id, nodes] of Object.entries(answer.lost)) {
        const s = this.m.sessions.get(id);
        if (s && Array.isArray(nodes)) this.markLost(s, nodes.map(String));
      }
    // First contact (this manager just started, or the child was added): the sessions the
    // child already holds are served here. Sessions created on it later by someone else are not ours.
    if (before === 'unknown') this.adopt(child, ids);
    // Back after being lost: what it still runs of our failed sessions is cancelled.
    if (before === 'lost')
      for (const s of this.m.sessions.values())
        if (s.lostChildren.has(child)) void this.m.children.get(child)?.quick.cancel(s.id).catch(() => {});
  }

  /** After a restart: the child's sessions are served again. */
  private adopt(child: string, ids: Iterable<string>): void {
    for (const id of ids) {
      let s = this.m.sessions.get(id);
      if (!s) {
        s = new CompositeSession(id, [child], true, `${this.m.dlgRoot}/workspace/${id}`);
        this.m.sessions.set(id, s);
      } else if (s.adopted && !s.children.includes(child)) s.children.push(child);
      else continue;
      this.opts.log(`serving session ${id} found on ${child}`);
      void this.learnDrops(s, child);
    }
  }

  /** Which drops an adopted session has on a child, so that they can be reported if it is lost. */
  private async learnDrops(s: CompositeSession, child: string): Promise<void> {
    const c = this.m.children.get(child);
    if (!c) return;
    try {
      const st = await c.client.graphStatus(s.id);
      const oids = Object.keys(st);
      const specs = oids.map((oid) => ({ oid, categoryType: 'execStatus' in st[oid]! ? 'Application' : 'Data' }));
      s.index.add(specs, new Array(oids.length).fill(child), new Array(oids.length).fill(child));
    } catch {
      /* not deployed, or finished long ago: nothing to report */
    }
  }

  private lost(child: string, why: string): void {
    this.opts.log(`${child} is lost: ${why}`);
    for (const s of this.m.sessions.values()) {
      if (!s.children.includes(child)) continue;
      const last = s.childStatus.get(child);
      if (last !== undefined && isFinalSessionState(last)) continue;
      this.markLost(s, [child], child);
    }
  }

  /** A session lost a manager: it has FAILED, and its parts elsewhere are cancelled. */
  markLost(s: CompositeSession, nodes: readonly string[], lostChild?: string): void {
    if (lostChild !== undefined) s.lostChildren.add(lostChild);
    const fresh = nodes.filter((n) => !s.lostNodes.has(n));
    if (fresh.length === 0) return;
    for (const n of fresh) s.lostNodes.add(n);
    this.opts.log(`session ${s.id}: lost ${fresh.join(', ')}; cancelling its other parts`);
    for (const child of s.children) {
      if (s.lostChildren.has(child)) continue;
      void this.m.children.get(child)?.quick.cancel(s.id).catch(() => {});
    }
    // A lost island manager leaves its node managers running their parts: cancel them directly.
    if (lostChild !== undefined && this.m.role === 'master')
      for (const n of this.nodesOf.get(lostChild) ?? []) void new ManagerClient(parseAddress(n, NODE_PORT).url, { token: this.m.token, timeoutMs: 10_000 }).cancel(s.id).catch(() => {});
  }
}
