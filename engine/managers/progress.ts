// The session dashboard's two compact routes (our extension), for any DropManager:
//   GET /api/sessions/<id>/graph/outline   the graph grouped by LG node (lg_key), once
//   GET /api/sessions/<id>/graph/progress  per-state counts, per group, the failed drops and
//                                          the drops of the groups the page has expanded
// A poll costs O(groups + failed + expanded) on the wire, not O(drops) as graph/status does.
//
// Default strategy, for any manager holding specs and statuses (the node manager does this):
// build the outline once from the specs (outlineOfSpecs) and answer progress from a scan of
// the drops' states that is redone only when a state changed since the last poll
// (ProgressTracker). Composite managers (island, master) ask their children and combine the
// answers with mergeOutlines / mergeProgress: groups are matched by key, counts summed.

import { dagFromDropSpecs } from '../../compiler/schedule/dag.ts';
import { countPairs, groupEdgesOf, groupSpecs, partsOfSpecs } from '../../views/build.ts';
import type { GroupInfo, SessionOutline, SessionProgress } from '../../views/model.ts';
import { AppState, DROP_STATE_COUNT, DropState } from '../states.ts';

export type { SessionOutline, SessionProgress } from '../../views/model.ts';

export interface ProgressOptions {
  /** group keys whose drops (oid, state) the answer lists */
  expand?: string[];
  /** drops listed per expanded group (default 400) */
  expandLimit?: number;
  /** failed drops listed (default 50) */
  failedLimit?: number;
}

export const DEFAULT_EXPAND_LIMIT = 400;
export const DEFAULT_FAILED_LIMIT = 50;

type Spec = Record<string, unknown>;

export function outlineOfSpecs(specs: readonly Spec[]): { outline: SessionOutline; groupOf: Int32Array } {
  const { groups, groupOf } = groupSpecs(specs);
  const dag = dagFromDropSpecs(specs);
  const parts = partsOfSpecs(specs);
  return {
    outline: {
      total: specs.length, groups, groupEdges: groupEdgesOf(dag, groupOf, groups.length),
      parts: parts?.parts ?? [],
      groupParts: parts ? countPairs(specs.length, (i) => groupOf[i]!, (i) => parts.partOf[i]!, Math.max(parts.parts.length, 1)) : [],
    },
    groupOf,
  };
}

/** Progress of one session's drops, rescanned only after a state changed (`version`). */
export class ProgressTracker {
  private readonly members: Int32Array[] = [];
  private readonly index = new Map<string, number>();
  private cachedVersion = -1;
  private groupCounts = new Int32Array(0);
  private failedAll: number[] = [];
  private runningCount = 0;

  constructor(readonly outline: SessionOutline, readonly groupOf: Int32Array) {
    outline.groups.forEach((g, i) => this.index.set(g.key, i));
    const start = new Int32Array(outline.groups.length + 1);
    for (const g of groupOf) start[g + 1]!++;
    for (let g = 0; g < outline.groups.length; g++) start[g + 1]! += start[g]!;
    const flat = new Int32Array(groupOf.length);
    const fill = start.slice(0, outline.groups.length);
    for (let i = 0; i < groupOf.length; i++) flat[fill[groupOf[i]!]!++] = i;
    for (let g = 0; g < outline.groups.length; g++) this.members.push(flat.subarray(start[g]!, start[g + 1]!));
  }

  /**
   * `state(i)`: the state of drop i (spec order). `version` changes whenever any state does;
   * the O(drops) scan runs at most once per version.
   */
  progress(
    status: number, counts: number[], version: number, state: (i: number) => number, oid: (i: number) => string,
    opts: ProgressOptions = {}, running: (i: number) => boolean = () => false,
  ): SessionProgress {
    const G = this.outline.groups.length;
    if (version !== this.cachedVersion) {
      const gc = new Int32Array(G * DROP_STATE_COUNT);
      const failed: number[] = [];
      let run = 0;
      for (let i = 0; i < this.groupOf.length; i++) {
        const s = state(i);
        gc[this.groupOf[i]! * DROP_STATE_COUNT + s]!++;
        if (s === DropState.ERROR) failed.push(i);
        else if (running(i)) run++;
      }
      this.groupCounts = gc;
      this.failedAll = failed;
      this.runningCount = run;
      this.cachedVersion = version;
    }
    const failedLimit = opts.failedLimit ?? DEFAULT_FAILED_LIMIT;
    const expandLimit = opts.expandLimit ?? DEFAULT_EXPAND_LIMIT;
    const expanded: Record<string, [string, number][]> = {};
    for (const key of opts.expand ?? []) {
      const g = this.index.get(key);
      if (g === undefined) continue;
      const m = this.members[g]!;
      const n = Math.min(m.length, expandLimit);
      const list: [string, number][] = new Array(n);
      for (let k = 0; k < n; k++) list[k] = [oid(m[k]!), state(m[k]!)];
      expanded[key] = list;
    }
    const groups = this.outline.groups;
    return {
      status, total: this.groupOf.length, counts, running: this.runningCount, groups: Array.from(this.groupCounts),
      failed: this.failedAll.slice(0, failedLimit).map((i) => ({ oid: oid(i), group: this.groupOf[i]!, name: groups[this.groupOf[i]!]!.name })),
      expanded,
    };
  }
}

/** One outline from the children's (a composite manager's default; groups matched by key). */
export function mergeOutlines(parts: readonly SessionOutline[]): SessionOutline {
  const index = new Map<string, number>();
  const groups: GroupInfo[] = [];
  const edges = new Map<string, number>();
  const hosts: SessionOutline['parts'] = [];
  const groupParts: number[] = [];
  for (const o of parts) {
    const map = o.groups.map((g) => {
      let i = index.get(g.key);
      if (i === undefined) {
        index.set(g.key, (i = groups.length));
        groups.push({ ...g, count: 0 });
      }
      groups[i]!.count += g.count;
      return i;
    });
    for (let k = 0; k < o.groupEdges.length; k += 3) {
      const key = `${map[o.groupEdges[k]!]}>${map[o.groupEdges[k + 1]!]}`;
      edges.set(key, (edges.get(key) ?? 0) + o.groupEdges[k + 2]!);
    }
    const base = hosts.length;
    hosts.push(...o.parts);
    for (let k = 0; k < o.groupParts.length; k += 3) groupParts.push(map[o.groupParts[k]!]!, base + o.groupParts[k + 1]!, o.groupParts[k + 2]!);
  }
  const groupEdges: number[] = [];
  for (const [k, c] of edges) {
    const [a, b] = k.split('>');
    groupEdges.push(Number(a), Number(b), c);
  }
  return { total: parts.reduce((s, o) => s + o.total, 0), groups, groupEdges, parts: hosts, groupParts };
}

/**
 * One progress answer from the children's, for the merged outline: counts summed per state
 * and per group (children's group indices re-mapped by key), failed and expanded lists joined.
 */
export function mergeProgress(outline: SessionOutline, parts: readonly { outline: SessionOutline; progress: SessionProgress }[], status: number, opts: ProgressOptions = {}): SessionProgress {
  const index = new Map(outline.groups.map((g, i) => [g.key, i]));
  const counts = new Array<number>(DROP_STATE_COUNT).fill(0);
  const groups = new Array<number>(outline.groups.length * DROP_STATE_COUNT).fill(0);
  const failed: SessionProgress['failed'] = [];
  const expanded: SessionProgress['expanded'] = {};
  let running = 0;
  for (const { outline: o, progress: p } of parts) {
    p.counts.forEach((c, s) => (counts[s]! += c));
    running += p.running;
    o.groups.forEach((g, j) => {
      const i = index.get(g.key)!;
      for (let s = 0; s < DROP_STATE_COUNT; s++) groups[i * DROP_STATE_COUNT + s]! += p.groups[j * DROP_STATE_COUNT + s] ?? 0;
    });
    for (const f of p.failed) failed.push({ ...f, group: index.get(o.groups[f.group]!.key)! });
    for (const [k, list] of Object.entries(p.expanded)) (expanded[k] ??= []).push(...list);
  }
  const limit = opts.expandLimit ?? DEFAULT_EXPAND_LIMIT;
  for (const k of Object.keys(expanded)) expanded[k] = expanded[k]!.slice(0, limit);
  return { status, total: outline.total, counts, running, groups, failed: failed.slice(0, opts.failedLimit ?? DEFAULT_FAILED_LIMIT), expanded };
}

/**
 * What any DropManager gets when it does not implement graphOutline/graphProgress itself:
 * both built from its graph() and graphStatus() answers (costly for large sessions, but the
 * browser still receives the compact form). Outlines are cached per session and graph size.
 */
export class DefaultProgress {
  private readonly cache = new Map<string, { size: number; outline: SessionOutline; tracker: ProgressTracker; oids: string[]; version: number }>();

  private async entry(m: ManagerLike, sessionId: string) {
    const size = await m.graphSize(sessionId);
    let e = this.cache.get(sessionId);
    if (!e || e.size !== size) {
      const specs = Object.values(await m.graph(sessionId)) as unknown as Spec[];
      const { outline, groupOf } = outlineOfSpecs(specs);
      e = { size, outline, tracker: new ProgressTracker(outline, groupOf), oids: specs.map((d) => String(d.oid)), version: 0 };
      this.cache.set(sessionId, e);
    }
    return e;
  }

  async outline(m: ManagerLike, sessionId: string): Promise<SessionOutline> {
    return (await this.entry(m, sessionId)).outline;
  }

  async progress(m: ManagerLike, sessionId: string, opts: ProgressOptions): Promise<SessionProgress> {
    const e = await this.entry(m, sessionId);
    const statusValue = await m.sessionStatus(sessionId);
    const status = typeof statusValue === 'number' ? statusValue : overall(statusValue);
    let states: Record<string, { status: number; execStatus?: number }> = {};
    try {
      states = await m.graphStatus(sessionId);
    } catch {
      // not deployed yet: every drop is still INITIALIZED
    }
    const counts = new Array<number>(DROP_STATE_COUNT).fill(0);
    for (const v of Object.values(states)) counts[v.status]!++;
    return e.tracker.progress(status, counts, ++e.version, (i) => states[e.oids[i]!]?.status ?? DropState.INITIALIZED, (i) => e.oids[i]!, opts,
      (i) => states[e.oids[i]!]?.execStatus === AppState.RUNNING);
  }
}

/** The parts of a DropManager the default strategy reads. */
export interface ManagerLike {
  graph(sessionId: string): Promise<Record<string, unknown>>;
  graphSize(sessionId: string): Promise<number>;
  graphStatus(sessionId: string): Promise<Record<string, { status: number; execStatus?: number }>>;
  sessionStatus(sessionId: string): Promise<number | Record<string, unknown>>;
}

/** A composite status ({host: status, ...}, nested) as one session state: the least advanced. */
function overall(s: unknown): number {
  const flat: number[] = [];
  const walk = (x: unknown) => (typeof x === 'number' ? flat.push(x) : x && typeof x === 'object' ? Object.values(x).forEach(walk) : undefined);
  walk(s);
  return flat.length ? Math.min(...flat) : 0;
}
