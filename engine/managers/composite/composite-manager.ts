// The composite manager (reference §7.4, §7.9): one implementation for the data island manager
// (its children are node managers; graphs are split by `node`) and the master manager (its
// children are island managers; graphs are split by `island`). Every operation of the REST
// API is forwarded to the children holding the session and their answers merged; what differs
// between the two levels is only the attribute that splits a graph and the children's port.

import { mkdirSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DropSpec } from '../../drops/spec.ts';
import { daliugeError, invalidGraph, invalidSessionState, noDrop, noSession, notImplemented, sessionExists } from '../../errors.ts';
import type { Relation } from '../../session/remote.ts';
import type { DropStatus, StatusSummary } from '../../session/session.ts';
import { DropListReader, readGraphInput } from '../../session/graph-input.ts';
import { listed } from '../../session/build.ts';
import { overallStatus } from '../../client/deploy.ts';
import { ManagerError } from '../../client/client.ts';
import { AppState, DROP_STATE_COUNT, DropState, SessionState, isFinalSessionState } from '../../../kernel/states.ts';
import { ISLAND_PORT, NODE_PORT, parseAddress } from '../address.ts';
import type { DropLogs, DropManager, SessionInfo, SessionListEntry, SessionLogFile } from '../manager.ts';
import { checkSessionId, defaultDlgRoot } from '../node/node-manager.ts';
import { type Child, forward, isUnreachable, makeChild, replicate } from './children.ts';
import { CompositeSession, Health } from './health.ts';
import { tarGz } from './tar.ts';
import { Placement, type PlacementContext, placeSpecs } from './placement.ts';
import { type Batch, readBatches } from '../rest/array-cutter.ts';
import { GraphDump } from './graph-dump.ts';
import { PartStream } from './part-stream.ts';
import { parseJson } from '../rest/body.ts';
import { type ProgressOptions, type SessionOutline, type SessionProgress, mergeOutlines, mergeProgress } from '../progress.ts';

/** Specs per piece of a forwarded part: big enough to amortise a socket write, small enough to stay in the young generation. */
const PIECE_SPECS = 2000;

/**
 * A JSON array written piece by piece, each piece stringified only when the socket asks for
 * more: the whole text never exists at once, and the child starts reading while later pieces
 * are being written (and while the other children's parts are).
 */
export function* jsonArrayPieces(items: readonly unknown[], perPiece = PIECE_SPECS): Generator<string> {
  if (items.length === 0) return yield '[]';
  for (let i = 0; i < items.length; i += perPiece) {
    const text = JSON.stringify(items.slice(i, i + perPiece));
    // Each piece is "[a,b]": drop the brackets between pieces.
    const open = i === 0 ? '' : ',';
    const last = i + perPiece >= items.length;
    yield open + text.slice(i === 0 ? 0 : 1, last ? text.length : -1);
  }
}

export type CompositeRole = 'island' | 'master';

export const ROLES = {
  island: { attr: 'node', childPort: NODE_PORT, title: 'island manager', child: 'node manager' },
  master: { attr: 'island', childPort: ISLAND_PORT, title: 'master manager', child: 'island manager' },
} as const;

export interface CompositeOptions {
  role: CompositeRole;
  /** Addresses of the children: node managers (island role) or island managers (master role). */
  children: readonly string[];
  /** Session directories (graph dumps, log tarballs) go to <dlgRoot>/workspace/<sessionId>. */
  dlgRoot?: string;
  /** Sent to the children as a bearer token. */
  token?: string;
  /** Failure detector: probe interval and the silence after which a child is lost. */
  probeIntervalMs?: number;
  probeDeadlineMs?: number;
  log?: (message: string) => void;
  /** Bytes of an appended graph parsed and forwarded at a time (default 1 MiB; small in tests). */
  appendBatchBytes?: number;
}

export interface CompositeSummary extends StatusSummary {
  /** Managers lost while the session ran (our extension). */
  lost?: string[];
}

export class CompositeManager implements DropManager {
  readonly role: CompositeRole;
  readonly attr: 'node' | 'island';
  readonly dlgRoot: string;
  readonly health: Health;
  private readonly childPort: number;
  private readonly probeDeadlineMs: number;
  private readonly appendBatchBytes: number;
  /** Bearer token sent to the children (and to the daemons a master talks to). */
  readonly token: string | undefined;
  readonly children = new Map<string, Child>();
  readonly sessions = new Map<string, CompositeSession>();
  /** Master role: nodes registered with POST /api/node, as the reference keeps them. */
  private readonly extraNodes: string[] = [];

  constructor(opts: CompositeOptions) {
    this.role = opts.role;
    this.attr = ROLES[opts.role].attr;
    this.childPort = ROLES[opts.role].childPort;
    this.token = opts.token;
    this.probeDeadlineMs = opts.probeDeadlineMs ?? 6000;
    this.appendBatchBytes = opts.appendBatchBytes ?? 1 << 20;
    this.dlgRoot = resolve(opts.dlgRoot ?? defaultDlgRoot());
    this.health = new Health(this, {
      intervalMs: opts.probeIntervalMs ?? 2000,
      deadlineMs: this.probeDeadlineMs,
      log: opts.log ?? ((m) => process.stderr.write(`dlg-engine: ${m}\n`)),
    });
    for (const c of opts.children) this.addChild(c);
  }

  start(): void {
    this.health.start();
  }

  // ---- children ----

  addChild(address: string): string {
    const a = parseAddress(address, this.childPort);
    if (!this.children.has(a.text)) {
      // The failure detector hears of every call: a child busy answering us is not silent.
      this.children.set(a.text, makeChild(a, this.token, this.health.observer(a.text), this.probeDeadlineMs));
      this.health.watch(a.text);
    }
    return a.text;
  }

  removeChild(address: string): void {
    const text = parseAddress(address, this.childPort).text;
    this.children.delete(text);
    this.health.unwatch(text);
  }

  /** POST /api/node: a DIM's node managers are its children; an MM only lists the node, as the reference does. */
  addNode(node: string): void {
    if (this.role === 'island') this.addChild(node);
    else {
      const text = parseAddress(node, NODE_PORT).text;
      if (!this.extraNodes.includes(text)) this.extraNodes.push(text);
    }
  }

  removeNode(node: string): void {
    if (this.role === 'island') return this.removeChild(node);
    const text = parseAddress(node, NODE_PORT).text;
    const i = this.extraNodes.indexOf(text);
    if (i >= 0) this.extraNodes.splice(i, 1);
  }

  /** The node managers under this manager. */
  nodes(): string[] {
    if (this.role === 'island') return [...this.children.keys()];
    const out = new Set<string>();
    for (const c of this.children.keys()) for (const n of this.health.leafNodes(c) ?? []) out.add(n);
    for (const n of this.extraNodes) out.add(n);
    return [...out];
  }

  private childrenOf(s: CompositeSession, withLost = false): Child[] {
    const out: Child[] = [];
    for (const a of s.children) {
      const c = this.children.get(a) ?? makeChild(parseAddress(a, this.childPort), this.token, undefined, this.probeDeadlineMs);
      if (withLost || !s.lostChildren.has(a)) out.push(c);
    }
    return out;
  }

  hasSession(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  session(sessionId: string): CompositeSession {
    const s = this.sessions.get(sessionId);
    if (!s) throw noSession(sessionId);
    return s;
  }

  // ---- sessions ----

  async createSession(sessionId: string): Promise<void> {
    checkSessionId(sessionId);
    if (this.sessions.has(sessionId)) throw sessionExists(sessionId);
    const dir = join(this.dlgRoot, 'workspace', sessionId);
    const s = new CompositeSession(sessionId, [...this.children.keys()], false, dir);
    this.sessions.set(sessionId, s); // before the children answer, so that no probe adopts it
    const created: Child[] = [];
    try {
      await replicate(this.childrenOf(s), `creating session ${sessionId}`, async (c) => {
        await c.client.createSession(sessionId);
        created.push(c);
      });
    } catch (err) {
      this.sessions.delete(sessionId);
      await Promise.allSettled(created.map((c) => c.client.deleteSession(sessionId)));
      throw err;
    }
    mkdirSync(dir, { recursive: true });
  }

  async listSessions(): Promise<SessionListEntry[]> {
    const kids = [...this.children.values()].filter((c) => this.health.state(c.address.text) !== 'lost');
    const answers = await replicate<SessionListEntry[] | null>(kids, 'listing sessions', (c) => this.health.raceLoss(c.address.text, c.quick.sessions()), (_c, err) => (isUnreachable(err) ? null : undefined));
    const byChild = new Map<string, Map<string, SessionListEntry>>();
    for (const [child, list] of answers) if (list) byChild.set(child, new Map(list.map((e) => [e.sessionId, e])));
    return [...this.sessions.values()].map((s) => {
      const status: Record<string, unknown> = {};
      let size = 0;
      for (const child of s.children) {
        const e = s.lostChildren.has(child) ? undefined : byChild.get(child)?.get(s.id);
        if (e) {
          status[child] = e.status;
          size += e.size;
          s.noteStatus(child, e.status);
        } else {
          status[child] = s.statusOfSilent(child);
          size += s.index.countOn(child);
        }
      }
      return { sessionId: s.id, status, size };
    });
  }

  async sessionInfo(sessionId: string): Promise<SessionInfo> {
    const status = await this.sessionStatus(sessionId);
    const [graph, dir] = await Promise.all([this.graph(sessionId), this.sessionDir(sessionId)]);
    return { status, graph, dir };
  }

  async destroySession(sessionId: string): Promise<void> {
    const s = this.session(sessionId);
    await replicate(this.childrenOf(s), `destroying session ${sessionId}`, async (c) => {
      try {
        await c.client.deleteSession(sessionId);
      } catch (err) {
        // Gone already: a child that lost it (restarted) or that is itself lost.
        if (err instanceof ManagerError && err.httpStatus === 404) return;
        if (isUnreachable(err) && this.health.state(c.address.text) === 'lost') return;
        throw err;
      }
    });
    this.sessions.delete(sessionId);
  }

  /** {child: status}, nested for a master; a lost child's part is FAILED (or what it ended with). */
  async sessionStatus(sessionId: string): Promise<Record<string, unknown>> {
    const s = this.session(sessionId);
    const got = await replicate(this.childrenOf(s), `getting the status of session ${sessionId}`, (c) => this.health.raceLoss(c.address.text, c.quick.sessionStatus(sessionId)), (c, err) => {
      // A child that answers without the session lost it (it restarted): that part is lost.
      if (err instanceof ManagerError && err.httpStatus === 404 && err.type === 'NoSessionException') {
        this.health.markLost(s, [c.address.text], c.address.text);
        return SessionState.FAILED;
      }
      if (!isUnreachable(err)) return undefined;
      this.health.suspect(c.address.text);
      const cached = s.childStatus.get(c.address.text);
      if (cached !== undefined && isFinalSessionState(cached)) return cached;
      return this.health.state(c.address.text) === 'lost' ? SessionState.FAILED : undefined;
    });
    const out: Record<string, unknown> = {};
    for (const child of s.children) {
      const v = got.get(child);
      if (v !== undefined) {
        out[child] = v;
        s.noteStatus(child, v);
      } else out[child] = s.statusOfSilent(child);
    }
    return out;
  }

  async deploySession(sessionId: string, completed: string[]): Promise<void> {
    const s = this.session(sessionId);
    if (s.adopted) throw invalidSessionState(`Session ${sessionId} was found on the ${ROLES[this.role].child}s after a restart; its cross-node relations are unknown here, so it cannot be deployed through this manager`);
    if (s.deployed) throw invalidSessionState(`Session ${sessionId} is already deployed`);
    const unknown = completed.filter((u) => !s.index.has(u));
    if (unknown.length > 0) throw daliugeError(`UIDs for completed drops not found: ${listed(unknown)}`);
    s.index.resolvePending();
    const kids = this.childrenOf(s);
    // Relations first, so that every node knows its peers before any drop runs (§7.9).
    await replicate(kids, `adding relationship information to session ${sessionId}`, async (c) => {
      const body = s.index.subscriptionsFor(c.address.text);
      if (body) await c.client.subscriptions(sessionId, body);
    });
    await replicate(kids, `deploying session ${sessionId}`, (c) => c.client.deploy(sessionId));
    s.deployed = true;
    if (completed.length > 0) await this.trigger(sessionId, completed);
  }

  async cancelSession(sessionId: string): Promise<void> {
    const s = this.session(sessionId);
    await replicate(this.childrenOf(s), `cancelling session ${sessionId}`, (c) => c.quick.cancel(sessionId));
  }

  async graph(sessionId: string): Promise<Record<string, DropSpec>> {
    const s = this.session(sessionId);
    const parts = await replicate(this.childrenOf(s), `getting the graph of session ${sessionId}`, (c) => c.client.graph(sessionId));
    return Object.assign({}, ...parts.values()) as Record<string, DropSpec>;
  }

  async graphSize(sessionId: string): Promise<number> {
    const s = this.session(sessionId);
    const sizes = await replicate(this.childrenOf(s), `getting the graph size of session ${sessionId}`, (c) => c.client.graphSize(sessionId));
    let n = 0;
    for (const v of sizes.values()) n += v;
    for (const child of s.lostChildren) n += s.index.countOn(child);
    return n;
  }

  async graphStatus(sessionId: string): Promise<Record<string, DropStatus>> {
    const s = this.session(sessionId);
    const parts = await replicate(this.childrenOf(s), `getting the graph status of session ${sessionId}`, (c) => c.client.graphStatus(sessionId));
    const out = Object.assign({}, ...parts.values()) as Record<string, DropStatus>;
    // The drops a lost manager held are reported failed: whatever they did is gone with it.
    for (const child of s.lostChildren)
      for (const [oid, app] of s.index.dropsOn(child)) out[oid] = app ? { status: DropState.ERROR, execStatus: AppState.ERROR } : { status: DropState.ERROR };
    return out;
  }

  async graphSummary(sessionId: string): Promise<CompositeSummary> {
    const s = this.session(sessionId);
    const parts = await replicate(this.childrenOf(s), `getting the progress of session ${sessionId}`, (c) => this.health.raceLoss(c.address.text, c.quick.graphSummary(sessionId)));
    const counts = new Array<number>(DROP_STATE_COUNT).fill(0);
    const statuses: number[] = [];
    const lost = new Set(s.lostNodes);
    let total = 0;
    for (const [child, p] of parts) {
      if (!p) continue;
      total += p.total;
      p.counts.forEach((n, i) => (counts[i]! += n));
      statuses.push(p.status);
      s.noteStatus(child, p.status);
      for (const n of (p as CompositeSummary).lost ?? []) lost.add(n);
    }
    for (const child of s.lostChildren) {
      const n = s.index.countOn(child);
      total += n;
      counts[DropState.ERROR]! += n;
      statuses.push(s.statusOfSilent(child));
    }
    const out: CompositeSummary = { status: overallStatus(statuses), total, counts };
    if (lost.size > 0) out.lost = [...lost];
    return out;
  }

  /** The session dashboard's outline: the children's, merged by LG node (progress.ts). */
  async graphOutline(sessionId: string): Promise<SessionOutline> {
    const s = this.session(sessionId);
    return mergeOutlines([...(await this.childOutlines(s)).values()]);
  }

  private async childOutlines(s: CompositeSession): Promise<Map<string, SessionOutline>> {
    // An outline changes only with an append: kept until the next one.
    if (!s.outlines) s.outlines = await replicate(this.childrenOf(s), `getting the outline of session ${s.id}`, (c) => c.client.graphOutline(s.id));
    return s.outlines;
  }

  /** The session dashboard's progress: the children's, merged for the merged outline. */
  async graphProgress(sessionId: string, opts: ProgressOptions): Promise<SessionProgress> {
    const s = this.session(sessionId);
    const outlines = await this.childOutlines(s);
    const kids = this.childrenOf(s).filter((c) => outlines.has(c.address.text));
    const progress = await replicate(kids, `getting the progress of session ${sessionId}`, (c) => this.health.raceLoss(c.address.text, c.quick.graphProgress(sessionId, opts)));
    const parts = [...progress].map(([child, p]) => ({ outline: outlines.get(child)!, progress: p }));
    for (const [child, p] of progress) s.noteStatus(child, p.status);
    const statuses = s.children.map((c) => (progress.has(c) ? progress.get(c)!.status : s.statusOfSilent(c)));
    return mergeProgress(mergeOutlines(parts.map((p) => p.outline)), parts, overallStatus(statuses), opts);
  }

  async addGraphSpec(sessionId: string, graph: unknown, raw?: Buffer): Promise<void> {
    const s = this.session(sessionId);
    if (s.deployed) throw invalidSessionState(`Can't add graphs to session ${sessionId}: it is deployed`);
    if (s.adopted) throw invalidSessionState(`Session ${sessionId} was found on the ${ROLES[this.role].child}s after a restart; append to it there`);
    const { specs, reprodata } = readGraphInput(graph);
    const { childOf, nodeOf } = placeSpecs(specs, this.placementContext(s, s.index));
    s.index.add(specs, childOf, nodeOf);
    s.outlines = undefined;
    if (raw) void this.dumpGraph(s, raw);
    const groups = new Map<string, DropSpec[]>();
    specs.forEach((spec, i) => {
      const g = groups.get(childOf[i]!);
      if (g) g.push(spec);
      else groups.set(childOf[i]!, [spec]);
    });
    const kids = this.childrenOf(s).filter((c) => groups.has(c.address.text));
    await replicate(kids, `appending the graph to session ${sessionId}`, (c) => {
      const part: unknown[] = groups.get(c.address.text)!;
      if (reprodata !== undefined) part.push(reprodata);
      return c.client.appendPieces(sessionId, jsonArrayPieces(part));
    });
  }

  /**
   * POST graph/append with the body's bytes as they arrive: a plain `[{…}, …]` is cut, parsed,
   * checked, placed and forwarded about 1 MB at a time (rest/array-cutter.ts), each child's
   * part streaming to it meanwhile as runs of the body's own bytes, so the parsed graph never
   * sits whole in memory and nothing is printed again. The answers are those of addGraphSpec
   * for the whole graph: a graph refused at any batch is refused whole (the children's uploads
   * are aborted, this manager's index rolled back). Other bodies go through addGraphSpec.
   */
  async addGraphStream(sessionId: string, body: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<void> {
    const s = this.session(sessionId);
    if (s.deployed) throw invalidSessionState(`Can't add graphs to session ${sessionId}: it is deployed`);
    if (s.adopted) throw invalidSessionState(`Session ${sessionId} was found on the ${ROLES[this.role].child}s after a restart; append to it there`);
    const index = s.index;
    const mark = index.mark();
    const placement = new Placement(this.placementContext(s, { size: mark.size, has: (oid) => index.hasBefore(oid, mark.size) }));
    const parts = new Map<string, PartStream>();
    const uploads = new Map<string, Promise<void>>();
    const kids = new Map(this.childrenOf(s).map((c) => [c.address.text, c]));
    // The body goes to the session directory as it arrives, instead of being kept in memory.
    const dump = new GraphDump(s.dir);
    const list = new DropListReader();
    let refused: unknown;
    const take = async (items: unknown[], batch: Batch): Promise<void> => {
      const specs = list.next(items);
      const { childOf, nodeOf } = placement.place(specs);
      if (placement.failed || refused !== undefined) return; // keep checking, to name every offender
      const at = index.size;
      try {
        index.addDrops(specs, childOf, nodeOf, mark.size);
      } catch (err) {
        refused = err; // reported unless placement problems come up in later batches
        return;
      }
      index.addRelations(specs, at);
      await this.sendBatch(sessionId, batch, childOf, parts, uploads, kids);
    };
    let whole: Buffer | undefined;
    try {
      whole = await readBatches(body, take, { batchBytes: this.appendBatchBytes, onChunk: (c) => dump.write(c) });
      if (whole === undefined) {
        placement.check();
        if (refused !== undefined) throw refused;
      }
    } catch (err) {
      dump.discard();
      for (const p of parts.values()) p.abort(new Error('graph refused'));
      await Promise.allSettled(uploads.values());
      index.rollback(mark);
      throw err;
    }
    if (whole !== undefined) {
      // Not a plain array of drops: parsed whole, with the usual answers.
      dump.discard();
      index.rollback(mark);
      return this.addGraphSpec(sessionId, parseJson(whole), whole);
    }
    index.commit();
    s.outlines = undefined;
    void dump.keep(this.dumpPath(s));
    for (const p of parts.values()) {
      if (list.reprodata !== undefined) p.push(Buffer.from(` ${JSON.stringify(list.reprodata)}`));
      p.end();
    }
    const sent = [...uploads.keys()].map((a) => kids.get(a)!);
    await replicate(sent, `appending the graph to session ${sessionId}`, (c) => uploads.get(c.address.text)!);
  }

  /**
   * One batch's drops onto each child's upload (started with its first drop): every run of
   * consecutive drops going to one child is a slice of the batch's bytes, sent as it is.
   */
  private async sendBatch(sessionId: string, batch: Batch, childOf: string[], parts: Map<string, PartStream>, uploads: Map<string, Promise<void>>, kids: Map<string, Child>): Promise<void> {
    const { buf, starts } = batch;
    const runs = new Map<string, Buffer[]>();
    const n = childOf.length;
    for (let k = 0; k < n; ) {
      const child = childOf[k]!;
      let j = k + 1;
      while (j < n && childOf[j] === child) j++;
      // From the "[" or "," before drop k to the "," or "]" after drop j - 1.
      const run = buf.subarray(starts[k]! - 1, j < starts.length ? starts[j]! - 1 : buf.length - 1);
      const list = runs.get(child);
      if (list) list.push(run);
      else runs.set(child, [run]);
      k = j;
    }
    for (const [child, list] of runs) {
      let p = parts.get(child);
      if (p === undefined) {
        const c = kids.get(child);
        if (c === undefined) continue; // a lost child: nothing is sent to it (as addGraphSpec does)
        parts.set(child, (p = new PartStream()));
        const upload = c.client.appendPieces(sessionId, p);
        upload.catch(() => {}); // awaited at the end (or when aborting)
        uploads.set(child, upload);
      }
      p.push(list.length === 1 ? list[0]! : Buffer.concat(list));
    }
    for (const p of parts.values()) await p.drained();
  }

  private placementContext(s: CompositeSession, existing: PlacementContext['existing']): PlacementContext {
    return {
      attr: this.attr,
      childPort: this.childPort,
      children: s.children,
      childName: ROLES[this.role].child,
      leafNodes: (c) => this.health.leafNodes(c),
      existing,
      sessionId: s.id,
    };
  }

  /** Where the next accepted graph of a session is kept (past sessions are found by it). */
  private dumpPath(s: CompositeSession): string {
    const n = s.appends++;
    return join(s.dir, n === 0 ? `${s.id}.graph` : `${s.id}.${n}.graph`);
  }

  private async dumpGraph(s: CompositeSession, raw: Buffer): Promise<void> {
    try {
      mkdirSync(s.dir, { recursive: true });
      await writeFile(this.dumpPath(s), raw);
    } catch {
      /* the dump is a convenience (past sessions); a full disk must not fail the append */
    }
  }

  reproData(): Promise<never> {
    return Promise.reject(notImplemented('Reproducibility data is not collected by composite managers'));
  }

  reproStatus(): Promise<never> {
    return Promise.reject(notImplemented('Reproducibility status is not collected by composite managers'));
  }

  /** A gzipped tarball of the children's logs (their files, or their own tarballs one level down). */
  async sessionLog(sessionId: string): Promise<SessionLogFile> {
    const s = this.session(sessionId);
    const logs = await Promise.allSettled(this.childrenOf(s).map((c) => c.client.sessionLogFile(sessionId)));
    const entries = logs.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ name: `${s.children[i]!.replace(/:/g, '_')}/${r.value.filename}`, bytes: r.value.bytes }] : [],
    );
    mkdirSync(s.dir, { recursive: true });
    const path = join(s.dir, `dlg_${sessionId}.tar`);
    await writeFile(path, tarGz(entries));
    return { filename: `dlg_${sessionId}.tar`, path, contentType: 'application/x-tar' };
  }

  async sessionDir(sessionId: string): Promise<Record<string, unknown>> {
    const s = this.session(sessionId);
    return Object.fromEntries(await replicate(this.childrenOf(s), `getting the directories of session ${sessionId}`, (c) => c.client.sessionDir(sessionId)));
  }

  async dropLogs(sessionId: string, oid: string): Promise<DropLogs> {
    return this.fromHolder(sessionId, oid, (c) => c.client.dropLogs(sessionId, oid), (r) => r.logs.length > 0);
  }

  async dropData(sessionId: string, oid: string): Promise<{ filepath: string }> {
    return this.fromHolder(sessionId, oid, (c) => c.client.dropData(sessionId, oid), (r) => r.filepath !== '');
  }

  /** Ask the child holding a drop; when not known (adopted sessions), the first useful answer of any. */
  private async fromHolder<T>(sessionId: string, oid: string, f: (c: Child) => Promise<T>, useful: (r: T) => boolean): Promise<T> {
    const s = this.session(sessionId);
    const holder = s.index.childOfDrop(oid);
    const kids = this.childrenOf(s).filter((c) => holder === undefined || c.address.text === holder);
    if (holder !== undefined && kids.length > 0) return forward(kids[0]!, () => f(kids[0]!));
    const answers = await Promise.allSettled(kids.map(f));
    const ok = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const best = ok.find(useful) ?? ok[0];
    if (best === undefined) throw noDrop(sessionId, oid);
    return best;
  }

  // ---- operations between managers (our extension for master → island managers) ----

  /** Relations a parent found between this manager's drops and other islands' (before deploy). */
  async addSubscriptions(sessionId: string, byPeer: Map<string, Relation[]>): Promise<void> {
    const s = this.session(sessionId);
    if (s.deployed) throw invalidSessionState(`Can't add subscriptions to session ${sessionId}: it is deployed`);
    s.index.receive(byPeer);
  }

  /** Apps in the list run, other drops complete: forwarded to the children holding them. */
  async trigger(sessionId: string, uids: string[]): Promise<void> {
    const s = this.session(sessionId);
    const byChild = new Map<string, string[]>();
    const unknown: string[] = [];
    for (const u of uids) {
      const c = s.index.childOfDrop(u);
      if (c === undefined) unknown.push(u);
      else if (byChild.has(c)) byChild.get(c)!.push(u);
      else byChild.set(c, [u]);
    }
    if (unknown.length > 0) throw invalidGraph(`Unknown drops: ${listed(unknown)}`, unknown);
    const kids = this.childrenOf(s).filter((c) => byChild.has(c.address.text));
    await replicate(kids, `triggering drops of session ${sessionId}`, (c) => c.client.trigger(sessionId, byChild.get(c.address.text)!));
  }

  /** GET /api: the reference's {"hosts", "sessionIds"}, plus what a parent's probe needs. */
  apiInfo(): Record<string, unknown> {
    const lost: Record<string, string[]> = {};
    const sessions: { sessionId: string; status: number }[] = [];
    for (const s of this.sessions.values()) {
      if (s.lostNodes.size > 0) lost[s.id] = [...s.lostNodes];
      sessions.push({ sessionId: s.id, status: s.overallCached() });
    }
    return { hosts: [...this.children.keys()], sessionIds: [...this.sessions.keys()], nodes: this.nodes(), sessions, lost };
  }

  /** Session directories on disk (with a dumped graph) that are not current sessions (§7.6). */
  pastSessions(): { sessionId: string }[] {
    const ws = join(this.dlgRoot, 'workspace');
    let names: string[];
    try {
      names = readdirSync(ws, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      return [];
    }
    return names
      .filter((n) => !this.sessions.has(n))
      .filter((n) => {
        try {
          return readdirSync(join(ws, n)).some((f) => f.endsWith('.graph'));
        } catch {
          return false;
        }
      })
      .map((sessionId) => ({ sessionId }));
  }

  async shutdown(): Promise<void> {
    this.health.stop();
  }
}
