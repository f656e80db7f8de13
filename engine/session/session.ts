// A session on one node (reference §8.7): it holds the appended drop specs, builds and wires
// the drops at deploy, triggers the roots, counts leaves to know when it has finished, and
// keeps the per-status counts that progress reporting needs without walking 10^6 drops.

import { OidIndex } from '../../kernel/oid-index.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppDrop } from '../drops/app.ts';
import { DataDrop, EndDrop } from '../drops/data.ts';
import { type Drop, type DropEvent, type LogLevel, type LogRecord, F_PROXY } from '../drops/drop.ts';
import { FileDrop } from '../drops/file.ts';
import type { DropClass } from '../drops/registry.ts';
import type { DropSpec } from '../drops/spec.ts';
import { forbiddenPath, invalidGraph, invalidSessionState, messageOf, noData, noDrop } from '../errors.ts';
import { PathRefused } from '../drops/confine.ts';
import { AppState, DROP_STATE_COUNT, DropState, SessionState, isFinalSessionState, sessionStateName } from '../../kernel/states.ts';
import { addLink, readGraphInput } from './graph-input.ts';
import type { Scheduler } from './scheduler.ts';
import { SessionLog } from './session-log.ts';
import { Admission, attachProxies, buildDrops, listed, orderInputs } from './build.ts';
import { GraphAppend } from './append.ts';
import { refuseCycles } from './cycles.ts';
import { type PeerLink, type ProxyHost, type Relation, type RemoteEvent, type RemoteProxy, RemoteApp, RemoteData, NO_REMOTE } from './remote.ts';
import { PeerEndpoint } from './peer-endpoint.ts';
import { ProgressTracker, outlineOfSpecs, type ProgressOptions, type SessionOutline, type SessionProgress } from '../managers/progress.ts';
import type { PythonPool } from '../drops/apps/python/pool.ts';

export interface SessionOptions {
  sessionId: string;
  dlgRoot: string;
  scheduler: Scheduler;
  /** Names the log file dlg_<hostLabel>_<sessionId>.log. */
  hostLabel?: string;
  /** How this session reaches the other nodes of its graph. */
  remote?: PeerLink;
  /** Directories outside the session directory that FileDROPs may name (absolute, normalised). */
  dataDirs?: readonly string[];
  /** Default seconds a bash command may run (--app-timeout); none when undefined. */
  appTimeout?: number;
  /** The node's Python workers, for Python apps. */
  python?: PythonPool;
}

export interface DropStatus {
  status: DropState;
  execStatus?: AppState;
}

/** Drops per status (index = DropState) plus the total; our cheap alternative to graph/status. */
export interface StatusSummary {
  /** a SessionState; a number as answered by any manager */
  status: number;
  total: number;
  counts: number[];
}

export class Session implements ProxyHost {
  readonly sessionId: string;
  readonly dlgRoot: string;
  readonly sessionDir: string;
  readonly dataDirs: readonly string[];
  readonly appTimeout: number | undefined;
  status: SessionState = SessionState.PRISTINE;
  reprodata: Record<string, unknown> | undefined;
  listening = false;
  readonly counts: number[] = new Array(DROP_STATE_COUNT).fill(0);
  /** Changes whenever a drop changes state: the dashboard's progress is recomputed only then. */
  version = 0;
  readonly python: PythonPool | undefined;
  /** Append-time Python checks already made in this session: check key → problem or null. */
  private readonly pythonChecks = new Map<string, string | null>();

  private readonly scheduler: Scheduler;
  readonly link: PeerLink;
  /** What other nodes ask of this session: their events, and the data they read. */
  readonly peers: PeerEndpoint;
  private readonly logFile: SessionLog;
  private specs: DropSpec[] = [];
  private classes: DropClass[] = [];
  private index = new OidIndex();
  private uidIndex: Map<string, number> | null = null;
  private drops: Drop[] = [];
  private readonly proxies = new Map<string, Drop & RemoteProxy>();
  private readonly subscriptions: [peer: string, rel: Relation][] = [];
  private earlyEvents: RemoteEvent[] = [];
  private readonly listeners = new Set<(e: DropEvent) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters: ((status: SessionState) => void)[] = [];
  private errorCount = 0;
  /** graph/link added a relationship after the last cycle check. */
  private linkedSinceCheck = false;
  private leaves = 0;
  private leavesDone = 0;
  private finishing = false;

  constructor(opts: SessionOptions) {
    this.sessionId = opts.sessionId;
    this.dlgRoot = opts.dlgRoot;
    this.scheduler = opts.scheduler;
    this.link = opts.remote ?? NO_REMOTE;
    this.peers = new PeerEndpoint(this);
    this.python = opts.python;
    this.sessionDir = join(opts.dlgRoot, 'workspace', opts.sessionId);
    this.dataDirs = opts.dataDirs ?? [];
    this.appTimeout = opts.appTimeout;
    mkdirSync(this.sessionDir, { recursive: true });
    this.logFile = new SessionLog(this.sessionDir, opts.hostLabel ?? '127.0.0.1', opts.sessionId);
    this.logFile.write('INFO', `session ${this.sessionId} created in ${this.sessionDir}`);
  }

  get size(): number {
    return this.specs.length;
  }

  get logPath(): string {
    return this.logFile.path;
  }

  // ---- building ----

  /**
   * Validate and store a PG part. All-or-nothing: a graph with a duplicate oid, a bad spec or a
   * class this engine does not implement is rejected whole (400), listing every offender.
   * Cost: O(specs).
   */
  addGraphSpec(input: unknown): number {
    return this.join(this.appendOf(input));
  }

  /**
   * addGraphSpec, after checking what the graph's Python apps need in the node's interpreter
   * (their functions import, numpy is there): the append of the node manager and the
   * embedded engine. A graph without Python apps starts no interpreter.
   */
  async appendGraph(input: unknown): Promise<number> {
    return this.finishAppend(this.appendOf(input));
  }

  /** A graph given whole, read and checked as an append. */
  private appendOf(input: unknown): GraphAppend {
    const a = this.beginAppend();
    const { specs, reprodata } = readGraphInput(input);
    a.addSpecs(specs, reprodata);
    return a;
  }

  /** A graph whose drops are given in batches as they are parsed; finishAppend adds it. Nothing changes meanwhile. */
  beginAppend(): GraphAppend {
    this.checkAppendable();
    return new GraphAppend(new Admission(this.index, this.specs.length, this));
  }

  /** appendGraph's checks and addition for a graph given in batches. */
  async finishAppend(a: GraphAppend): Promise<number> {
    this.checkAppendable();
    // Classes and specs are checked (on their own) before any interpreter starts for them.
    await a.python.check(this.python, this.pythonChecks, this.sessionDir, () => a.admission.check());
    return this.join(a);
  }

  private checkAppendable(): void {
    const s = this.status;
    if (s !== SessionState.PRISTINE && s !== SessionState.BUILDING)
      throw invalidSessionState(`Can't add graphs to session ${this.sessionId} in status ${sessionStateName(s)}`);
  }

  /** The checked graph joins the session: all or nothing (a 400 listing every offender, or a cycle). */
  private join(a: GraphAppend): number {
    this.checkAppendable();
    const admitted = a.admission;
    if (admitted.base !== this.specs.length) {
      // Another append landed while this one uploaded: its oids were not checked against these.
      const again = this.beginAppend();
      again.addSpecs([...a.specs], a.reprodata);
      return this.join(again);
    }
    admitted.check();
    const base = this.specs.length;
    const specs = admitted.specs;
    // The first append's index becomes the session's; later ones are added to it.
    if (this.index.size === 0) this.index = admitted.index;
    else for (const [oid, i] of admitted.index) this.index.set(oid, i);
    // The first append's arrays become the session's, as its index does.
    if (base === 0) this.classes = admitted.classes;
    else append(this.classes, admitted.classes);
    try {
      // The whole session graph: a cycle may close through drops appended earlier.
      refuseCycles(base === 0 ? specs : this.specs.concat(specs), this.index);
    } catch (err) {
      for (const spec of specs) this.index.delete(spec.oid);
      this.classes.length = base;
      throw err;
    }
    if (base === 0) this.specs = specs;
    else append(this.specs, specs);
    if (a.reprodata !== undefined) this.reprodata = a.reprodata;
    this.status = SessionState.BUILDING;
    this.logFile.write('INFO', `appended ${specs.length} drop specs (${this.specs.length} in total)`);
    return specs.length;
  }

  /** graph/link: append rhOID to lhOID's relationship list for linkType (only while BUILDING). */
  linkGraphParts(lhOID: string, rhOID: string, linkType: number): void {
    if (this.status !== SessionState.BUILDING)
      throw invalidSessionState(`Can't link drops in session ${this.sessionId}: it is not BUILDING`);
    const missing = [lhOID, rhOID].filter((o) => !this.index.has(o));
    if (missing.length) throw invalidGraph(`No drop found for ${missing.length === 1 ? 'OID' : 'OIDs'} ${missing.join(', ')}`);
    addLink(this.specs[this.index.get(lhOID)!]!, rhOID, linkType);
    this.linkedSinceCheck = true;
  }

  /** Relations with drops on other nodes, to be wired with proxies at deploy (reference §7.9). */
  addSubscriptions(byPeer: Map<string, Relation[]>): void {
    const s = this.status;
    if (s !== SessionState.PRISTINE && s !== SessionState.BUILDING)
      throw invalidSessionState(`Can't add subscriptions to session ${this.sessionId} in status ${sessionStateName(s)}`);
    for (const [peer, rels] of byPeer) for (const r of rels) this.subscriptions.push([peer, r]);
  }

  // ---- deploying and running ----

  /**
   * Build, wire and start the drops, then trigger `completed` (deploy's form field). 'roots'
   * triggers every drop with no upstream, found on the wired drops: what a client computing
   * the roots from the specs would send, without a second pass over the specs.
   */
  deploy(completed: readonly string[] | 'roots' = []): void {
    const s = this.status;
    if (completed === 'roots') {
      if (s === SessionState.PRISTINE) completed = [];
      else return this.deployAndTrigger([], true);
    }
    this.deployAndTrigger(completed, false);
  }

  private deployAndTrigger(completed: readonly string[], roots: boolean): void {
    const s = this.status;
    if (s === SessionState.PRISTINE) {
      if (completed.length > 0) throw invalidGraph('Drops were given as completed, but the session has no graph');
      this.setStatus(SessionState.FINISHED);
      return;
    }
    if (s !== SessionState.BUILDING)
      throw invalidSessionState(`Can't deploy session ${this.sessionId} in status ${sessionStateName(s)}`);
    const unknown = completed.filter((u) => this.lookup(u) === undefined);
    if (unknown.length > 0) throw invalidGraph(`Unknown drops in the completed list: ${listed(unknown)}`, unknown);

    this.status = SessionState.DEPLOYING;
    let failed: [Drop, string][];
    try {
      failed = this.build();
    } catch (err) {
      this.drops = [];
      this.proxies.clear();
      this.status = SessionState.BUILDING;
      throw err;
    }
    this.counts[DropState.INITIALIZED] = this.drops.length;
    if (failed.length > 0) {
      // As in the reference: a drop that could not be created fails the whole session;
      // the others are cancelled. Still DEPLOYING here, so no leaf can finish the session.
      for (const [d, why] of failed) this.failDrop(d, why);
      for (const d of this.drops) d.cancel();
      this.setStatus(SessionState.FAILED);
      return;
    }
    this.setStatus(SessionState.RUNNING);
    this.armLifespans();
    this.startProxies();
    const early = this.earlyEvents;
    this.earlyEvents = [];
    this.deliverRemoteEvents(early);
    if (roots) this.triggerRoots();
    else this.triggerDrops(completed);
  }

  /** Proxies are wired in by now, so a drop fed from another node is not taken for a root. */
  private triggerRoots(): void {
    for (const d of this.drops) {
      if (d instanceof AppDrop) {
        if (d.inputs.length === 0 && d.streamingInputs.length === 0) d.trigger();
      } else if (d instanceof DataDrop && d.producers.length === 0) d.setCompleted();
    }
  }

  /** Create and wire the drops. Throws (and the session stays BUILDING) on graph errors. */
  private build(): [Drop, string][] {
    // Appends were checked as they came; graph/link may have closed a cycle since.
    if (this.linkedSinceCheck) refuseCycles(this.specs, this.index);
    this.linkedSinceCheck = false;
    const built = buildDrops(this, this.specs, this.classes, this.index);
    this.drops = built.drops;
    this.leaves = built.leaves;
    // Proxies come after leaves: a drop whose only consumers are remote is a leaf of this node.
    attachProxies(this.subscriptions, built.linker, {
      local: (oid) => this.lookup(oid),
      proxy: (uid, peer, kind) => {
        let p = this.proxies.get(uid);
        if (p === undefined) this.proxies.set(uid, (p = kind === 'app' ? new RemoteApp(this, uid, peer) : new RemoteData(this, uid, peer)));
        return p;
      },
    });
    orderInputs(this.drops);
    return built.failed;
  }

  private failDrop(d: Drop, why: string): void {
    d.log('ERROR', why, 'deploy');
    if (d instanceof AppDrop) d.fail(why);
    else if (d instanceof DataDrop) d.setError();
  }

  private armLifespans(): void {
    const drops = this.drops;
    for (let i = 0; i < drops.length; i++) {
      const d = drops[i]!;
      if (!(d instanceof DataDrop)) continue;
      const seconds = d.lifespan;
      if (seconds > 0) this.arm(d, seconds * 1000);
    }
  }

  private arm(d: DataDrop, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      // Not complete yet: look again shortly, as the reference's periodic checker would.
      if (d.status === DropState.INITIALIZED || d.status === DropState.WRITING) this.arm(d, 1000);
      else d.expire();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /** Apps in the list run; other drops are set COMPLETED (deploy's `completed`, and /trigger). */
  trigger(uids: readonly string[]): void {
    if (this.status !== SessionState.RUNNING)
      throw invalidSessionState(`Can't trigger drops in session ${this.sessionId}: it is not RUNNING`);
    const unknown = uids.filter((u) => this.lookup(u) === undefined);
    if (unknown.length > 0) throw invalidGraph(`Unknown drops: ${listed(unknown)}`, unknown);
    this.triggerDrops(uids);
  }

  private triggerDrops(uids: readonly string[]): void {
    for (const u of uids) {
      const d = this.lookup(u);
      if (d instanceof AppDrop) d.trigger();
      else if (d instanceof DataDrop) d.setCompleted();
    }
  }

  /** Remote data needs a place for local copies; streamed inputs start following their producers. */
  private startProxies(): void {
    if (this.proxies.size === 0) return;
    mkdirSync(join(this.sessionDir, '.remote'), { recursive: true });
    for (const p of this.proxies.values()) if (p instanceof RemoteData) p.startStreams();
  }

  /** Events from other nodes: kept until deploy, then applied in the order they were sent. */
  deliverRemoteEvents(events: readonly RemoteEvent[]): void {
    if (this.status === SessionState.PRISTINE || this.status === SessionState.BUILDING || this.status === SessionState.DEPLOYING) {
      for (const e of events) this.earlyEvents.push(e);
      return;
    }
    for (const e of events) this.peers.apply(e);
  }

  /** The proxy of a remote drop, by uid. */
  proxy(uid: string): (Drop & RemoteProxy) | undefined {
    return this.proxies.get(uid);
  }

  cancel(): void {
    const s = this.status;
    if (s === SessionState.CANCELLED) return;
    if (s !== SessionState.RUNNING)
      throw invalidSessionState(`Can't cancel session ${this.sessionId} in status ${sessionStateName(s)}`);
    for (const d of this.drops) d.cancel();
    this.stopPeers();
    this.setStatus(SessionState.CANCELLED);
  }

  private stopPeers(): void {
    for (const p of this.proxies.values()) if (p instanceof RemoteData) p.stopStreams();
    this.link.forget(this.sessionId);
  }

  /** Stop everything and release resources; the session directory stays. */
  async destroy(): Promise<void> {
    if (this.status === SessionState.RUNNING) this.cancel();
    this.stopPeers();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
    this.listening = false;
    this.python?.releaseSession(this.sessionId);
    await this.logFile.close();
  }

  /** Resolves with the final status (FINISHED, FAILED or CANCELLED). */
  whenFinished(): Promise<SessionState> {
    const s = this.status;
    if (isFinalSessionState(s)) return Promise.resolve(s);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  subscribe(listener: (e: DropEvent) => void): () => void {
    this.listeners.add(listener);
    this.listening = true;
    return () => {
      this.listeners.delete(listener);
      this.listening = this.listeners.size > 0;
    };
  }

  private setStatus(s: SessionState): void {
    this.status = s;
    this.logFile.write('INFO', `session ${this.sessionId} is ${sessionStateName(s)}`);
    if (isFinalSessionState(s)) {
      // Nothing more will be sent to other nodes (finishing waited for what was queued).
      if (this.proxies.size > 0) this.link.forget(this.sessionId);
      for (const w of this.waiters.splice(0)) w(s);
    }
  }

  /** All leaves reported. Drops that never ran are SKIPPED, not COMPLETED as in the reference (§9 Q48). */
  private finish(): void {
    if (this.status !== SessionState.RUNNING || this.finishing) return;
    for (const d of this.drops) if (d.status === DropState.INITIALIZED || d.status === DropState.WRITING) d.skipPending();
    if (this.proxies.size === 0) return this.setStatus(this.errorCount > 0 ? SessionState.FAILED : SessionState.FINISHED);
    // A part of a graph is over once the other nodes have what it owes them, so that a
    // manager seeing every part final sees every cross-node effect applied.
    this.finishing = true;
    void this.link.drained(this.sessionId).then(() => {
      if (this.status === SessionState.RUNNING) this.setStatus(this.errorCount > 0 ? SessionState.FAILED : SessionState.FINISHED);
    });
  }

  // ---- DropHost ----

  emit(e: DropEvent): void {
    for (const l of this.listeners) l(e);
  }

  statusChanged(drop: Drop, from: DropState, to: DropState): void {
    if (drop.flags & F_PROXY) return;
    this.version++;
    this.counts[from]!--;
    this.counts[to]!++;
    if (to === DropState.ERROR) this.errorCount++;
  }

  execStatusChanged(app: AppDrop): void {
    if ((app.flags & F_PROXY) === 0) this.version++;
  }

  leafDone(drop: Drop): void {
    ++this.leavesDone;
    if (drop instanceof EndDrop || this.leavesDone === this.leaves) this.finish();
  }

  appReady(app: AppDrop): void {
    this.scheduler.decide(app);
  }

  appTriggered(app: AppDrop): void {
    this.scheduler.run(app);
  }

  log(drop: Drop | undefined, level: LogLevel, message: string): void {
    this.logFile.write(level, message, drop?.oid);
  }

  // ---- queries ----

  lookup(uidOrOid: string): Drop | undefined {
    let i = this.index.get(uidOrOid);
    if (i === undefined) {
      if (this.uidIndex === null) {
        this.uidIndex = new Map();
        for (let j = 0; j < this.specs.length; j++) {
          const u = this.specs[j]!.uid;
          if (typeof u === 'string' && u !== '') this.uidIndex.set(u, j);
        }
      }
      i = this.uidIndex.get(uidOrOid);
      if (i === undefined) return undefined;
    }
    // Before deploy there are no drops yet; callers only need to know the drop exists.
    return this.drops[i] ?? (this.specs[i] as unknown as Drop);
  }

  /** The live drop of an oid, once deployed. */
  getDrop(oid: string): Drop | undefined {
    const i = this.index.get(oid);
    return i === undefined ? undefined : this.drops[i];
  }

  // Maps keyed by oids (user strings) have no prototype: an oid "__proto__" is just a key.
  graph(): Record<string, DropSpec> {
    const out: Record<string, DropSpec> = Object.create(null);
    for (const s of this.specs) out[s.oid] = s;
    return out;
  }

  graphStatus(): Record<string, DropStatus> {
    const s = this.status;
    if (s !== SessionState.RUNNING && !isFinalSessionState(s))
      throw invalidSessionState(`The graph status of session ${this.sessionId} is not available in status ${sessionStateName(s)}`);
    const out: Record<string, DropStatus> = Object.create(null);
    for (const d of this.drops) out[d.oid] = d instanceof AppDrop ? { status: d.status, execStatus: d.execStatus } : { status: d.status };
    return out;
  }

  private tracker: { size: number; t: ProgressTracker } | undefined;

  /** The dashboard's tracker, rebuilt when specs were appended since. O(specs) when (re)built. */
  private progressTracker(): ProgressTracker {
    if (this.tracker?.size !== this.specs.length) {
      const { outline, groupOf } = outlineOfSpecs(this.specs as unknown as Record<string, unknown>[]);
      this.tracker = { size: this.specs.length, t: new ProgressTracker(outline, groupOf) };
    }
    return this.tracker.t;
  }

  outline(): SessionOutline {
    return this.progressTracker().outline;
  }

  progress(opts: ProgressOptions = {}): SessionProgress {
    const drops = this.drops;
    const specs = this.specs;
    return this.progressTracker().progress(this.status, [...this.counts], this.version, (i) => drops[i]?.status ?? DropState.INITIALIZED, (i) => specs[i]!.oid, opts,
      (i) => { const d = drops[i]; return d instanceof AppDrop && d.execStatus === AppState.RUNNING; });
  }

  summary(): StatusSummary {
    return { status: this.status, total: this.specs.length, counts: [...this.counts] };
  }

  dropLogs(oid: string): LogRecord[] {
    const i = this.index.get(oid);
    if (i === undefined) throw noDrop(this.sessionId, oid);
    return this.drops[i]?.logs ?? [];
  }

  dropFilepath(oid: string): string {
    const i = this.index.get(oid);
    if (i === undefined) throw noDrop(this.sessionId, oid);
    const d = this.drops[i];
    if (!(d instanceof FileDrop)) return '';
    try {
      return d.path;
    } catch {
      return '';
    }
  }

  /** The file behind a FileDROP, to serve over HTTP: confined (symlinks resolved) and existing. */
  dropFile(oid: string): string {
    const i = this.index.get(oid);
    if (i === undefined) throw noDrop(this.sessionId, oid);
    const d = this.drops[i];
    if (!(d instanceof FileDrop)) throw noData(oid, 'has no file');
    let p: string;
    try {
      p = d.servablePath();
    } catch (err) {
      if (err instanceof PathRefused) throw forbiddenPath(oid, err.path);
      throw noData(oid, `has no usable file: ${messageOf(err)}`);
    }
    if (!existsSync(p)) throw noData(oid, `has no file yet (${p})`);
    return p;
  }

  /** True once every drop has settled, i.e. the session is over. */
  get reproReady(): boolean {
    return isFinalSessionState(this.status);
  }

  flushLog(): Promise<void> {
    return this.logFile.flush();
  }
}

/** dst.push(...src) for 10^5 items: no argument spread, no iterator result per item. */
function append<T>(dst: T[], src: readonly T[]): void {
  for (let i = 0; i < src.length; i++) dst.push(src[i]!);
}
