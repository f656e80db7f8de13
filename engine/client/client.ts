// A typed client for the manager REST API (reference §7.4-§7.6). It speaks the wire format
// only, so it works against this project's managers and against DALiuGE's.

import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { deflateSync } from 'node:zlib';
import type { DropSpec } from '../drops/spec.ts';
import type { DropLogs, SessionInfo, SessionListEntry } from '../managers/manager.ts';
import type { DropStatus, StatusSummary } from '../session/session.ts';
import type { ProgressOptions, SessionOutline, SessionProgress } from '../managers/progress.ts';

/** The manager answered with an error body {"type", "args"} (or something else non-2xx). */
export class ManagerError extends Error {
  constructor(
    readonly url: string,
    readonly httpStatus: number,
    readonly type: string,
    readonly args: unknown[],
  ) {
    const detail = describeArgs(args);
    super(`${type} (HTTP ${httpStatus}) from ${url}${detail ? `: ${detail}` : ''}`);
    this.name = 'ManagerError';
  }
}

/** The manager could not be reached at all. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
    message?: string,
  ) {
    const why = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
    super(message ?? `cannot reach the manager at ${url}: ${why}`, { cause });
    this.name = 'ConnectionError';
  }
}

/** The manager took the request but did not answer within the client's timeout. */
export class RequestTimeout extends ConnectionError {
  constructor(url: string, readonly request: string, readonly seconds: number) {
    super(url, undefined, `no answer from the manager at ${url} within ${seconds} s to ${request} (a longer --timeout gives it more time)`);
    this.name = 'RequestTimeout';
  }
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** A non-2xx answer as a ManagerError: the {"type", "args"} body when there is one. */
function errorOfAnswer(url: string, status: number, statusText: string, text: string): ManagerError {
  let type = `HTTP${status}`;
  let args: unknown[] = [text.slice(0, 500) || statusText];
  try {
    const e = JSON.parse(text) as { type?: unknown; args?: unknown };
    if (typeof e.type === 'string') type = e.type;
    if (Array.isArray(e.args)) args = e.args;
    else if (type === 'SubManagerException' && typeof e.args === 'object' && e.args !== null) args = subManagerArgs(e.args as Record<string, unknown>);
    else if (e.args !== undefined) args = [e.args];
  } catch {
    /* not a JSON error body (DALiuGE answers 500 with HTML) */
  }
  return new ManagerError(url, status, type, args);
}

/** A 555 body lists each failing sub-manager: one line each, "host: Type: message". */
function subManagerArgs(perHost: Record<string, unknown>): string[] {
  const lines = Object.entries(perHost).map(([host, e]) => {
    const x = (e ?? {}) as { type?: unknown; args?: unknown };
    const detail = Array.isArray(x.args) ? describeArgs(x.args) : typeof x.args === 'string' ? x.args : JSON.stringify(x.args);
    return `${host}: ${String(x.type)}: ${detail}`;
  });
  return [`${lines.length} sub-manager(s) failed`, ...lines];
}

function describeArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join('; ');
}

export interface ClientOptions {
  /** Per-request timeout, answer included; graph uploads of 10^6 drops take seconds. Default 10 minutes. */
  timeoutMs?: number;
  /** Sent as `Authorization: Bearer <token>` on every request (servers started with --token). */
  token?: string;
  /** Told when each request starts and ends (`answered`: the manager sent any HTTP answer). */
  observer?: { start(method: string, path: string): void; end(method: string, path: string, answered: boolean): void };
}

/** Characters of a big graph's text written to the socket at a time. */
const APPEND_SLICE = 1 << 20;

/** The text in slices of about `size` characters, never splitting a surrogate pair (each slice is encoded alone). */
export function* slices(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; ) {
    let end = Math.min(i + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - 1 > i ? -1 : 1;
    yield text.slice(i, end);
    i = end;
  }
}

export interface AppendOptions {
  /** zlib-compress the body, labelled gzip, as DALiuGE's client does. */
  compress?: boolean;
}

type Body = { json: unknown } | { form: Record<string, string> } | { raw: string | Buffer; type: string; encoding?: string } | undefined;

export class ManagerClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  readonly token: string | undefined;
  private readonly observer: ClientOptions['observer'];

  constructor(baseUrl: string, opts: ClientOptions = {}) {
    this.observer = opts.observer;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 600_000;
    this.token = opts.token || undefined;
  }

  /** The answer's status and whole body; every failure to get them is a ConnectionError. */
  private async request(method: string, path: string, body?: Body, timeoutMs = this.timeoutMs, binary = false): Promise<{ res: Response; text: string; bytes?: Buffer }> {
    const url = this.baseUrl + path;
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let payload: string | Buffer | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body && 'form' in body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body.form).toString();
    } else if (body) {
      headers['content-type'] = body.type;
      if (body.encoding) headers['content-encoding'] = body.encoding;
      payload = body.raw;
    }
    let res: Response;
    let text = '';
    let bytes: Buffer | undefined;
    this.observer?.start(method, path);
    try {
      res = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
      if (binary && res.ok) bytes = Buffer.from(await res.arrayBuffer());
      else text = await res.text();
    } catch (err) {
      this.observer?.end(method, path, false);
      if (isTimeout(err)) throw new RequestTimeout(this.baseUrl, `${method} ${path}`, timeoutMs / 1000);
      throw new ConnectionError(this.baseUrl, err);
    }
    this.observer?.end(method, path, true);
    if (!res.ok) throw errorOfAnswer(url, res.status, res.statusText, text);
    return { res, text, bytes };
  }

  /**
   * POST a body written piece by piece as `pieces` yields it, over node:http: each piece goes
   * to the socket as it comes (no copy of the whole body, which fetch makes twice), and the
   * request waits for the socket to drain, so a slow receiver holds back the producer. A
   * `pieces` that throws aborts the request: the manager sees an incomplete body and keeps
   * nothing of it.
   */
  private async streamRequest(path: string, type: string, pieces: Iterable<string | Buffer> | AsyncIterable<string | Buffer>): Promise<string> {
    const url = new URL(this.baseUrl + path);
    const headers: Record<string, string> = { 'content-type': type };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    this.observer?.start('POST', path);
    let answered = false;
    try {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent: false, timeout: this.timeoutMs });
      const answer = new Promise<{ status: number; statusText: string; text: string }>((resolve, reject) => {
        req.once('response', (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (b: Buffer) => chunks.push(b));
          res.once('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }));
          res.once('error', reject);
        });
        req.once('error', reject);
        req.once('timeout', () => req.destroy(new RequestTimeout(this.baseUrl, `POST ${path}`, this.timeoutMs / 1000)));
      });
      answer.catch(() => {}); // awaited below; an early failure must not be unhandled meanwhile
      try {
        for await (const piece of pieces) {
          if (answered || req.destroyed) break; // the manager answered early (an error): stop sending
          if (!req.write(piece)) await Promise.race([once(req, 'drain'), answer]);
        }
      } catch (err) {
        req.destroy();
        throw err;
      }
      req.end();
      const { status, statusText, text } = await answer;
      this.observer?.end('POST', path, true);
      if (status < 200 || status >= 300) throw errorOfAnswer(url.href, status, statusText, text);
      return text;
    } catch (err) {
      if (err instanceof ManagerError) throw err;
      this.observer?.end('POST', path, answered);
      if (err instanceof ConnectionError) throw err;
      throw new ConnectionError(this.baseUrl, err);
    }
  }

  private async json<T>(method: string, path: string, body?: Body, timeoutMs?: number): Promise<T> {
    const { text } = await this.request(method, path, body, timeoutMs);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private s(sessionId: string): string {
    return `/api/sessions/${encodeURIComponent(sessionId)}`;
  }

  // Common routes (node, island and master managers).
  createSession(sessionId: string): Promise<{ sessionId: string }> {
    return this.json('POST', '/api/sessions', { json: { sessionId } });
  }
  sessions(): Promise<SessionListEntry[]> {
    return this.json('GET', '/api/sessions');
  }
  session(sessionId: string): Promise<SessionInfo> {
    return this.json('GET', this.s(sessionId));
  }
  async deleteSession(sessionId: string): Promise<void> {
    await this.json('DELETE', this.s(sessionId));
  }
  sessionStatus(sessionId: string): Promise<number | Record<string, unknown>> {
    return this.json('GET', `${this.s(sessionId)}/status`);
  }
  async deploy(sessionId: string, completed: readonly string[] = []): Promise<void> {
    // As DALiuGE's client: a form body, and no body at all when nothing is completed.
    await this.json('POST', `${this.s(sessionId)}/deploy`, completed.length ? { form: { completed: completed.join(',') } } : undefined);
  }
  async cancel(sessionId: string): Promise<void> {
    await this.json('POST', `${this.s(sessionId)}/cancel`);
  }
  graph(sessionId: string): Promise<Record<string, DropSpec>> {
    return this.json('GET', `${this.s(sessionId)}/graph`);
  }
  graphSize(sessionId: string): Promise<number> {
    return this.json('GET', `${this.s(sessionId)}/graph/size`);
  }
  graphStatus(sessionId: string): Promise<Record<string, DropStatus>> {
    return this.json('GET', `${this.s(sessionId)}/graph/status`);
  }
  /** Our extension; undefined when the manager does not have it (DALiuGE's). */
  async graphSummary(sessionId: string): Promise<StatusSummary | undefined> {
    try {
      return await this.json<StatusSummary>('GET', `${this.s(sessionId)}/graph/summary`);
    } catch (err) {
      if (err instanceof ManagerError && err.httpStatus === 404 && err.type !== 'NoSessionException') return undefined;
      throw err;
    }
  }
  async append(sessionId: string, graph: unknown, opts: AppendOptions = {}): Promise<void> {
    const text = typeof graph === 'string' ? graph : JSON.stringify(graph);
    // A big graph goes out in slices, over node:http: the manager starts on the first MB while
    // the rest is encoded, instead of after fetch has copied the whole text (~2 s for 10^6 drops).
    if (!opts.compress && text.length > APPEND_SLICE) return this.appendPieces(sessionId, slices(text, APPEND_SLICE));
    const raw = opts.compress ? deflateSync(text) : text;
    await this.json('POST', `${this.s(sessionId)}/graph/append`, {
      raw,
      type: 'application/json',
      encoding: opts.compress ? 'gzip' : undefined,
    });
  }
  /** graph/append with a JSON body produced piece by piece (composite managers forwarding parts). */
  async appendPieces(sessionId: string, pieces: Iterable<string | Buffer> | AsyncIterable<string | Buffer>): Promise<void> {
    await this.streamRequest(`${this.s(sessionId)}/graph/append`, 'application/json', pieces);
  }
  reproData(sessionId: string): Promise<{ graph: Record<string, DropSpec>; reprodata: Record<string, unknown> }> {
    return this.json('GET', `${this.s(sessionId)}/repro/data`);
  }
  reproStatus(sessionId: string): Promise<boolean> {
    return this.json('GET', `${this.s(sessionId)}/repro/status`);
  }
  async sessionLog(sessionId: string): Promise<string> {
    return (await this.request('GET', `${this.s(sessionId)}/logs`)).text;
  }
  sessionDir(sessionId: string): Promise<{ dir: string }> {
    return this.json('GET', `${this.s(sessionId)}/dir`);
  }
  dropLogs(sessionId: string, oid: string): Promise<DropLogs> {
    return this.json('GET', `${this.s(sessionId)}/graph/drop/${encodeURIComponent(oid)}`);
  }
  dropData(sessionId: string, oid: string): Promise<{ filepath: string }> {
    return this.json('GET', `${this.s(sessionId)}/graph/drop/data/${encodeURIComponent(oid)}`);
  }
  submissionMethods(): Promise<{ methods: string[] }> {
    return this.json('GET', '/api/submission_method');
  }
  async stop(): Promise<void> {
    await this.json('POST', '/api/stop');
  }

  // Node manager routes.
  node(): Promise<{ sessions: SessionListEntry[] }> {
    return this.json('GET', '/api');
  }
  /** Session directories on disk without a live session (earlier runs); NM and DIM. */
  pastSessions(): Promise<{ sessionId: string }[]> {
    return this.json('GET', '/api/past_sessions');
  }
  async link(sessionId: string, lhOID: string, rhOID: string, linkType: number): Promise<void> {
    await this.json('POST', `${this.s(sessionId)}/graph/link`, { form: { lhOID, rhOID, linkType: String(linkType) } });
  }
  async subscriptions(sessionId: string, byPeer: Record<string, [string, number, string][]>): Promise<void> {
    await this.json('POST', `${this.s(sessionId)}/subscriptions`, { json: byPeer });
  }
  async trigger(sessionId: string, uids: readonly string[]): Promise<void> {
    await this.json('POST', `${this.s(sessionId)}/trigger`, { json: uids });
  }

  // Island and master manager routes (reference §7.6, §7.7).
  /** The node managers under this manager; a master answers {"nodes": [...]} (§9 Q28), accepted too. */
  async nodes(): Promise<string[]> {
    const a = await this.json<unknown>('GET', '/api/nodes');
    return Array.isArray(a) ? (a as string[]) : ((a as { nodes?: string[] } | null)?.nodes ?? []);
  }
  async islands(): Promise<string[]> {
    return (await this.json<{ islands: string[] }>('GET', '/api/islands')).islands;
  }
  /** GET /api: a node manager's sessions, or a composite manager's hosts and session ids. */
  api<T = Record<string, unknown>>(timeoutMs?: number): Promise<T> {
    return this.json('GET', '/api', undefined, timeoutMs);
  }
  async addNode(node: string): Promise<void> {
    await this.json('POST', `/api/node/${encodeURIComponent(node)}`);
  }
  async removeNode(node: string): Promise<void> {
    await this.json('DELETE', `/api/node/${encodeURIComponent(node)}`);
  }
  /** The session's log: a text file from a node manager, a gzipped tarball from a composite one. */
  async sessionLogFile(sessionId: string): Promise<{ filename: string; type: string; bytes: Buffer }> {
    const { res, bytes } = await this.request('GET', `${this.s(sessionId)}/logs`, undefined, this.timeoutMs, true);
    const m = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '');
    return { filename: m?.[1] ?? `dlg_${sessionId}.log`, type: res.headers.get('content-type') ?? '', bytes: bytes ?? Buffer.alloc(0) };
  }
  /** Our extension (the session dashboard): the graph grouped by LG node. */
  graphOutline(sessionId: string): Promise<SessionOutline> {
    return this.json('GET', `${this.s(sessionId)}/graph/outline`);
  }
  /** Our extension (the session dashboard): counts per state and group, failed and expanded drops. */
  graphProgress(sessionId: string, opts: ProgressOptions = {}): Promise<SessionProgress> {
    const q = new URLSearchParams();
    if (opts.expand?.length) q.set('expand', opts.expand.join(','));
    if (opts.expandLimit !== undefined) q.set('expandLimit', String(opts.expandLimit));
    if (opts.failedLimit !== undefined) q.set('failedLimit', String(opts.failedLimit));
    const qs = q.toString();
    return this.json('GET', `${this.s(sessionId)}/graph/progress${qs ? `?${qs}` : ''}`);
  }
  /** Any GET route answering JSON, for the proxied `/api/node/<node>/...` routes. */
  get<T = unknown>(path: string): Promise<T> {
    return this.json('GET', path);
  }
}
