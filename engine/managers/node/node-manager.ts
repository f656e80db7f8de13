// The node manager: the sessions of one node, their directories under <dlgRoot>/workspace,
// and the scheduler that bounds how many apps run at once on this node.

import { type Dirent, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { availableParallelism, homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { DropManager, DropLogs, NodeOperations, SessionInfo, SessionListEntry, SessionLogFile } from '../manager.ts';
import { Session } from '../../session/session.ts';
import { Scheduler } from '../../session/scheduler.ts';
import type { PeerLink, Relation, RemoteEvent } from '../../session/remote.ts';
import { invalidSessionId, noSession, sessionExists } from '../../errors.ts';
import { SessionState } from '../../../kernel/states.ts';
import { normaliseDataDirs } from '../../drops/confine.ts';
import type { ProgressOptions } from '../progress.ts';
import { PythonPool, type PythonOptions } from '../../drops/apps/python/pool.ts';
import { STREAMED, parseJsonStream } from '../rest/body.ts';

export interface NodeManagerOptions {
  /** DALiuGE's DLG_ROOT; sessions live in <dlgRoot>/workspace/<sessionId>. Default ~/dlg. */
  dlgRoot?: string;
  /** Apps running at once on this node. Default: the number of cores. */
  maxWorkers?: number;
  /** Names session log files dlg_<hostLabel>_<sessionId>.log. */
  hostLabel?: string;
  /** How sessions reach the other nodes of their graphs (HttpPeerLink in a server). */
  remote?: PeerLink;
  /** Directories outside the session directories that FileDROPs may read and write (--data-dir). */
  dataDirs?: readonly string[];
  /** Seconds after which a bash command or a Python app is ended (its app fails), unless it sets `timeout`. */
  appTimeout?: number;
  /** Python workers for Python apps (interpreter, module paths); started on first use. */
  python?: PythonOptions;
}

export function defaultDlgRoot(): string {
  return process.env.DLG_ROOT || join(homedir(), 'dlg');
}

/** Session ids become directory names: refuse anything that could escape the workspace. */
export function checkSessionId(id: unknown): string {
  if (typeof id !== 'string' || id === '') throw invalidSessionId(String(id ?? ''), 'it must be a non-empty string');
  if (id.length > 200) throw invalidSessionId(id.slice(0, 40) + '…', 'it is longer than 200 characters');
  if (id === '.' || id === '..' || /[/\\\x00-\x1f]/.test(id)) throw invalidSessionId(id, 'it must be usable as a directory name');
  return id;
}

function nonEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false; // absent (or not a directory: creating the session will say so)
  }
}

export class NodeManager implements DropManager, NodeOperations {
  readonly dlgRoot: string;
  readonly scheduler: Scheduler;
  /** The pool of Python workers; no process runs until a Python app needs one. */
  readonly python: PythonPool;
  private readonly sessions = new Map<string, Session>();
  private readonly hostLabel: string;
  private readonly remote: PeerLink | undefined;
  readonly dataDirs: readonly string[];
  private readonly appTimeout: number | undefined;

  constructor(opts: NodeManagerOptions = {}) {
    this.dlgRoot = resolve(opts.dlgRoot ?? defaultDlgRoot());
    this.scheduler = new Scheduler(opts.maxWorkers ?? availableParallelism());
    this.python = new PythonPool({ timeoutS: opts.appTimeout, ...opts.python, maxWorkers: this.scheduler.maxWorkers, dlgRoot: this.dlgRoot });
    this.hostLabel = opts.hostLabel ?? '127.0.0.1';
    this.remote = opts.remote;
    this.dataDirs = normaliseDataDirs(opts.dataDirs);
    this.appTimeout = opts.appTimeout;
  }

  session(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw noSession(sessionId);
    return s;
  }

  /** Synchronous creation, for the embedded engine. */
  openSession(sessionId: string): Session {
    checkSessionId(sessionId);
    if (this.sessions.has(sessionId)) throw sessionExists(sessionId);
    // A directory left by an earlier run (a crash, a restart) holds its files: reusing it
    // would mix them with this session's. An empty one is harmless.
    const dir = join(this.dlgRoot, 'workspace', sessionId);
    if (nonEmptyDir(dir))
      throw sessionExists(sessionId, `the session directory ${dir} already exists and is not empty (left by an earlier run?); choose another session id or remove it`);
    const s = new Session({
      sessionId,
      dlgRoot: this.dlgRoot,
      scheduler: this.scheduler,
      hostLabel: this.hostLabel,
      remote: this.remote,
      dataDirs: this.dataDirs,
      appTimeout: this.appTimeout,
      python: this.python,
    });
    this.sessions.set(sessionId, s);
    return s;
  }

  async createSession(sessionId: string): Promise<void> {
    this.openSession(sessionId);
  }

  /**
   * Session directories on disk that no live session owns: sessions of earlier runs (before
   * a restart or a crash) and ones deleted since (reference §7.6 `past_sessions`).
   */
  async pastSessions(): Promise<{ sessionId: string }[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.dlgRoot, 'workspace'), { withFileTypes: true });
    } catch {
      return [];
    }
    return entries
      .filter((e) => e.isDirectory() && !this.sessions.has(e.name))
      .map((e) => e.name)
      .sort()
      .map((sessionId) => ({ sessionId }));
  }

  async listSessions(): Promise<SessionListEntry[]> {
    return [...this.sessions.values()].map((s) => ({ sessionId: s.sessionId, status: s.status, size: s.size }));
  }

  async sessionInfo(sessionId: string): Promise<SessionInfo> {
    const s = this.session(sessionId);
    return { status: s.status, graph: s.graph(), dir: { dir: s.sessionDir } };
  }

  async destroySession(sessionId: string): Promise<void> {
    const s = this.session(sessionId);
    this.sessions.delete(sessionId);
    await s.destroy();
  }

  async sessionStatus(sessionId: string): Promise<number> {
    return this.session(sessionId).status;
  }

  async deploySession(sessionId: string, completed: string[]): Promise<void> {
    this.session(sessionId).deploy(completed);
  }

  async cancelSession(sessionId: string): Promise<void> {
    this.session(sessionId).cancel();
  }

  async graph(sessionId: string) {
    return this.session(sessionId).graph();
  }

  async graphSize(sessionId: string): Promise<number> {
    return this.session(sessionId).size;
  }

  async graphStatus(sessionId: string) {
    return this.session(sessionId).graphStatus();
  }

  async graphSummary(sessionId: string) {
    return this.session(sessionId).summary();
  }

  async graphOutline(sessionId: string) {
    return this.session(sessionId).outline();
  }

  async graphProgress(sessionId: string, opts: ProgressOptions) {
    return this.session(sessionId).progress(opts);
  }

  async addGraphSpec(sessionId: string, graph: unknown): Promise<void> {
    await this.session(sessionId).appendGraph(graph);
  }

  /** graph/append parsed while it uploads (most of a node's share of a big graph's deployment). */
  async addGraphStream(sessionId: string, body: AsyncIterable<Buffer>): Promise<void> {
    const s = this.session(sessionId);
    const append = s.beginAppend();
    // Each batch is checked as it is parsed; a body that is not a plain drop list comes back whole.
    const whole = await parseJsonStream(body, (items) => append.addElements(items));
    if (whole === STREAMED) await s.finishAppend(append);
    else await s.appendGraph(whole);
  }

  async reproData(sessionId: string) {
    const s = this.session(sessionId);
    return { graph: s.graph(), reprodata: s.reprodata ?? {} };
  }

  async reproStatus(sessionId: string): Promise<boolean> {
    return this.session(sessionId).reproReady;
  }

  async sessionLog(sessionId: string): Promise<SessionLogFile> {
    const s = this.session(sessionId);
    await s.flushLog();
    return { filename: basename(s.logPath), path: s.logPath };
  }

  async sessionDir(sessionId: string): Promise<{ dir: string }> {
    return { dir: this.session(sessionId).sessionDir };
  }

  async dropLogs(sessionId: string, oid: string): Promise<DropLogs> {
    const s = this.session(sessionId);
    return { session: sessionId, status: s.status, oid, logs: s.dropLogs(oid) };
  }

  async dropData(sessionId: string, oid: string): Promise<{ filepath: string }> {
    return { filepath: this.session(sessionId).dropFilepath(oid) };
  }

  async dropFile(sessionId: string, oid: string): Promise<string> {
    return this.session(sessionId).dropFile(oid);
  }

  async linkGraphParts(sessionId: string, lhOID: string, rhOID: string, linkType: number): Promise<void> {
    this.session(sessionId).linkGraphParts(lhOID, rhOID, linkType);
  }

  async addSubscriptions(sessionId: string, byPeer: Map<string, Relation[]>): Promise<void> {
    this.session(sessionId).addSubscriptions(byPeer);
  }

  async trigger(sessionId: string, uids: string[]): Promise<void> {
    this.session(sessionId).trigger(uids);
  }

  async deliverEvents(sessionId: string, events: RemoteEvent[], sender?: string, seq?: number): Promise<void> {
    this.session(sessionId).peers.receive(events, sender, seq);
  }

  /** Cancel running sessions (their apps are stopped) and release all of them. */
  async shutdown(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) if (s.status === SessionState.RUNNING) s.cancel();
    await Promise.all(all.map((s) => s.destroy()));
    this.python.close();
  }
}
