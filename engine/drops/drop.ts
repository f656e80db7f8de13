// The parts every drop shares: identity, status, per-drop logs and the link to its host
// (the session). Drops are created by the hundred thousand, so fields are few, relationship
// lists start as one shared frozen empty array, and logs are allocated only when written.

import { DropState } from '../states.ts';
import { type DropSpec, defaultHumanKey, stringParam } from './spec.ts';
import type { AppDrop } from './app.ts';
import type { DataDrop } from './data.ts';
import type { PythonPool } from './apps/python/pool.ts';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** One per-drop log record, in the shape of GET /graph/drop/<oid> (reference §7.4). */
export interface LogRecord {
  time: string;
  Level: LogLevel;
  Module: string;
  'Function/Method': string;
  'Line #': number;
  Message: string;
}

/** An engine event (reference §8.2), built only when somebody listens. */
export interface DropEvent {
  type: 'status' | 'execStatus' | 'dropCompleted' | 'producerFinished' | 'open';
  oid: string;
  uid: string;
  session_id: string;
  name: string;
  lg_key: unknown;
  status?: number;
  execStatus?: number;
}

/** What a drop needs from the session that owns it. */
export interface DropHost {
  readonly sessionId: string;
  readonly sessionDir: string;
  readonly dlgRoot: string;
  /** Directories outside the session directory that FileDROPs may name (--data-dir). */
  readonly dataDirs: readonly string[];
  /** Default seconds an external command may run (--app-timeout), or undefined for no limit. */
  readonly appTimeout?: number;
  /** True when event listeners exist; drops skip building events otherwise. */
  readonly listening: boolean;
  /** The node's Python workers, for Python apps (none: such apps fail with a clear message). */
  readonly python?: PythonPool;
  emit(event: DropEvent): void;
  statusChanged(drop: Drop, from: number, to: number): void;
  /** An app's execution status changed (the dashboard counts the apps running now). */
  execStatusChanged(app: AppDrop): void;
  /** A leaf finished (app: producerFinished, data: dropCompleted). */
  leafDone(drop: Drop): void;
  /** All of an app's inputs are accounted for: queue it for its decision (run, fail or skip). */
  appReady(app: AppDrop): void;
  /** Queue an app for execution regardless of its inputs (root trigger). */
  appTriggered(app: AppDrop): void;
  log(drop: Drop | undefined, level: LogLevel, message: string): void;
}

const LEVELS: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

/** Shared empty relationship list; replaced by a real array on the first link. */
export const NONE: readonly never[] = Object.freeze([]) as readonly never[];

// Bit flags kept in one small integer per drop.
export const F_LEAF = 1;
export const F_PERSIST = 2;
export const F_EXPIRE_AFTER_USE = 4;
export const F_BLOCK_SKIP = 8;
export const F_COMPLETION_FIRED = 16;
export const F_EXTERNAL = 32;
export const F_TRIGGERED = 64;
export const F_DECIDED = 128;
export const F_PROXY = 256;
/** A write did not complete: the data is gone and the drop can only end in ERROR. */
export const F_WRITE_FAILED = 512;

export abstract class Drop {
  status: number = DropState.INITIALIZED;
  flags = 0;
  logs: LogRecord[] | null = null;

  constructor(
    readonly host: DropHost,
    readonly spec: DropSpec,
  ) {}

  abstract readonly isApp: boolean;

  get oid(): string {
    return this.spec.oid;
  }

  get uid(): string {
    const u = this.spec.uid;
    return typeof u === 'string' && u !== '' ? u : this.spec.oid;
  }

  get name(): string {
    const n = this.spec.name;
    return typeof n === 'string' && n !== '' ? n : this.spec.oid;
  }

  get humanKey(): string {
    const k = this.spec.humanReadableKey;
    return typeof k === 'string' && k !== '' ? k : defaultHumanKey(this.uid);
  }

  /** A parameter as text with `$DLG_*` environment placeholders resolved (reference §8.1 step 5). */
  textParam(name: string, fallback = ''): string {
    return resolveDlgEnv(stringParam(this.spec, name, fallback), this);
  }

  protected setStatus(to: number): void {
    const from = this.status;
    if (from === to) return;
    this.status = to;
    this.host.statusChanged(this, from, to);
    if (this.host.listening) this.host.emit(this.event('status', to));
  }

  event(type: DropEvent['type'], status?: number, execStatus?: number): DropEvent {
    const e: DropEvent = {
      type,
      oid: this.oid,
      uid: this.uid,
      session_id: this.host.sessionId,
      name: this.name,
      lg_key: this.spec.lg_key,
    };
    if (status !== undefined) e.status = status;
    if (execStatus !== undefined) e.execStatus = execStatus;
    return e;
  }

  /** Keep a log record on the drop (and in the session log), honouring the drop's `log_level`. */
  log(level: LogLevel, message: string, fn = ''): void {
    const threshold = this.spec.log_level;
    if (typeof threshold === 'string' && LEVELS[level] < (LEVELS[threshold.toUpperCase() as LogLevel] ?? 0)) return;
    (this.logs ??= []).push({
      time: new Date().toISOString(),
      Level: level,
      Module: this.constructor.name,
      'Function/Method': fn,
      'Line #': 0,
      Message: message,
    });
    this.host.log(this, level, message);
  }

  /** Stop whatever the drop is doing; the session is cancelling or ending. */
  abstract cancel(): void;
  /** Mark a drop that will never run or complete as skipped (session end, finish). */
  abstract skipPending(): void;
}

/** `$DLG_ROOT`, `$DLG_SESSION_ID`, `$DLG_UID` or any other `$DLG_*` environment variable. */
export function resolveDlgEnv(value: string, drop: Drop): string {
  if (value.length < 5 || value.charCodeAt(0) !== 36 /* $ */ || !/^\$DLG_[A-Za-z0-9_]+$/.test(value)) return value;
  const name = value.slice(1);
  if (name === 'DLG_ROOT') return drop.host.dlgRoot;
  if (name === 'DLG_SESSION_ID') return drop.host.sessionId;
  if (name === 'DLG_UID') return drop.uid;
  return process.env[name] ?? value;
}

export type AnyDrop = AppDrop | DataDrop;
