// The operations behind the REST routes of reference §7.4, as one interface. The node manager
// implements it over local sessions; the island and master managers will implement it by
// forwarding to sub-managers through the client, behind the very same routes.

import type { LogRecord } from '../drops/drop.ts';
import type { DropSpec } from '../drops/spec.ts';
import type { DropStatus, StatusSummary } from '../session/session.ts';
import type { Relation, RemoteEvent } from '../session/remote.ts';
import type { ProgressOptions, SessionOutline, SessionProgress } from './progress.ts';

export interface SessionListEntry {
  sessionId: string;
  /** An int on a node manager; an object per sub-manager on composite managers. */
  status: number | Record<string, unknown>;
  size: number;
}

export interface SessionInfo {
  status: number | Record<string, unknown>;
  graph: Record<string, DropSpec>;
  dir: { dir: string } | Record<string, unknown>;
}

export interface DropLogs {
  session: string;
  status: number | Record<string, unknown>;
  oid: string;
  logs: LogRecord[];
}

export interface SessionLogFile {
  filename: string;
  path: string;
  /** Default text/plain (a node's log); composite managers serve a gzipped tarball. */
  contentType?: string;
}

export interface DropManager {
  /** Whether the session exists, when the manager knows without asking anyone. */
  hasSession?(sessionId: string): boolean;
  createSession(sessionId: string): Promise<void>;
  listSessions(): Promise<SessionListEntry[]>;
  sessionInfo(sessionId: string): Promise<SessionInfo>;
  destroySession(sessionId: string): Promise<void>;
  sessionStatus(sessionId: string): Promise<number | Record<string, unknown>>;
  deploySession(sessionId: string, completed: string[]): Promise<void>;
  cancelSession(sessionId: string): Promise<void>;
  graph(sessionId: string): Promise<Record<string, DropSpec>>;
  graphSize(sessionId: string): Promise<number>;
  graphStatus(sessionId: string): Promise<Record<string, DropStatus>>;
  /** Our extension: drop counts per status, cheap at any graph size. */
  graphSummary(sessionId: string): Promise<StatusSummary>;
  /**
   * Our extension, for the session dashboard: the graph grouped by LG node. Optional: the REST
   * layer falls back to one built from graph() (engine/managers/progress.ts says how composite
   * managers combine their children's).
   */
  graphOutline?(sessionId: string): Promise<SessionOutline>;
  /** Our extension: per-state counts per group, failed drops, drops of expanded groups; optional as above. */
  graphProgress?(sessionId: string, opts: ProgressOptions): Promise<SessionProgress>;
  /** `raw`: the decoded request body the graph was parsed from, when it came over REST. */
  addGraphSpec(sessionId: string, graph: unknown, raw?: Buffer): Promise<void>;
  /** graph/append from the body's bytes as they arrive, for managers that parse them their own way; errors as addGraphSpec's. */
  addGraphStream?(sessionId: string, body: AsyncIterable<Buffer>): Promise<void>;
  reproData(sessionId: string): Promise<{ graph: Record<string, DropSpec>; reprodata: Record<string, unknown> }>;
  reproStatus(sessionId: string): Promise<boolean>;
  sessionLog(sessionId: string): Promise<SessionLogFile>;
  sessionDir(sessionId: string): Promise<{ dir: string } | Record<string, unknown>>;
  dropLogs(sessionId: string, oid: string): Promise<DropLogs>;
  dropData(sessionId: string, oid: string): Promise<{ filepath: string }>;
  /**
   * The local file to serve for a drop's data download: inside the session directory or a
   * data directory (symlinks resolved), else an error. Managers without local files omit it.
   */
  dropFile?(sessionId: string, oid: string): Promise<string>;
  /** Cancel what runs and release everything; the server calls this on stop. */
  shutdown(): Promise<void>;
}

/** The node-manager-only operations of reference §7.5. */
export interface NodeOperations {
  linkGraphParts(sessionId: string, lhOID: string, rhOID: string, linkType: number): Promise<void>;
  addSubscriptions(sessionId: string, byPeer: Map<string, Relation[]>): Promise<void>;
  trigger(sessionId: string, uids: string[]): Promise<void>;
  /** A batch from another node; `sender` and `seq` let a retried batch be recognised. */
  deliverEvents(sessionId: string, events: RemoteEvent[], sender?: string, seq?: number): Promise<void>;
}
