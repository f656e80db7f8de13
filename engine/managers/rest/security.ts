// Who may talk to a server of this project. A graph is code (bash commands run as the
// server's user), so a request that reaches the API can run code. Every fastify server we
// start (managers, the translator service) applies the same three rules, before any handler
// or body parser runs:
//
//   1. Host: the Host header must name this machine (an IP literal, localhost, the bound name,
//      this host's name) or be on --allow-host. A DNS-rebinding page reaches us under its own
//      name, which fails this check.
//   2. Origin: browsers label cross-site requests with Origin; one not on --allow-origin (and
//      not our own origin) is refused with 403. Non-browser clients send no Origin. CORS
//      headers are only ever sent for allowed origins.
//   3. Token: with --token (or DLG_TOKEN) every request but a CORS preflight needs
//      `Authorization: Bearer <token>`; GET/HEAD may carry it as `?token=` instead, so links
//      in the HTML views work. 401 otherwise.
//
// Use, for any fastify server and its command:
//   addSecurityOptions(cmd)                       // --allow-origin, --allow-host, --token
//   const sec = securityFromCli(opts, opts.host)  // + $DLG_TOKEN
//   applySecurity(app, sec)                       // before listen (createRestServer does it)
//   const w = exposureWarning(sec); if (w) print it
// Clients send the token with ManagerClient({ token }); HTML views keep `?token=` in their
// links with queryToken(req). State-changing routes are POST only (postOnly for the GET).

import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface SecurityOptions {
  /** Browser origins allowed to call the server, as `scheme://host[:port]`. */
  allowOrigins: string[];
  /** Extra Host header values accepted: a name (any port) or `name:port`; `*` accepts any. */
  allowHosts: string[];
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** The address the server listens on (a name is accepted as a Host too). */
  bindHost: string;
}

/**
 * The EAGLE translator origins DALiuGE itself lets through (reference §7.1), and the origin
 * DALiuGE's own Python client (dlg.restutils) puts on its chunked POSTs, graph appends
 * included: http://dlg-tm.localhost (a *.localhost name is loopback, RFC 6761).
 */
export const DEFAULT_ALLOW_ORIGINS: readonly string[] = Object.freeze(['http://localhost:8084', 'http://127.0.0.1:8084', 'http://dlg-tm.localhost']);

export const DEFAULT_SECURITY: SecurityOptions = Object.freeze({
  allowOrigins: [...DEFAULT_ALLOW_ORIGINS],
  allowHosts: [],
  bindHost: '127.0.0.1',
}) as SecurityOptions;

const CORS_METHODS = 'GET, POST, PUT, DELETE, OPTIONS, HEAD';
const CORS_HEADERS = 'Origin, Accept, Content-Type, Content-Encoding, Authorization, X-Requested-With, X-CSRF-Token';

/** `scheme://host[:port]` in the canonical form browsers send; throws on anything else. */
export function normalizeOrigin(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`'${text}' is not an origin such as http://localhost:8084`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`origin '${text}' must be http or https`);
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || u.username || u.password)
    throw new Error(`origin '${text}' must be scheme://host[:port], without a path`);
  return u.origin;
}

/** The host name of a Host header (`[::1]:8000` → `::1`, `Name:80` → `name`). */
export function hostNameOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

export function isLoopback(address: string): boolean {
  let h = address.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}

/** A warning for a server reachable from other machines without a token, or undefined. */
export function exposureWarning(opts: SecurityOptions): string | undefined {
  if (opts.token || isLoopback(opts.bindHost)) return undefined;
  return (
    `listening on ${opts.bindHost} without a token: anyone who can reach this port can run commands as ` +
    `this user (a graph is code). Set DLG_TOKEN (or --token) or listen on 127.0.0.1`
  );
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Is `Host` one of ours? See rule 1 at the top of this file. */
function hostChecker(opts: SecurityOptions): (header: string | undefined) => boolean {
  if (opts.allowHosts.includes('*')) return () => true;
  const names = new Set<string>(['localhost', hostname().toLowerCase(), hostname().toLowerCase().split('.')[0]!]);
  const bound = opts.bindHost.trim().toLowerCase();
  if (bound && isIP(bound) === 0) names.add(bound);
  const exact = new Set<string>();
  for (const a of opts.allowHosts) {
    const x = a.trim().toLowerCase();
    if (x === '') continue;
    // `name:port` (but not a bare IPv6 address) matches that exact Host; a name matches any port.
    if (x.startsWith('[') || (x.includes(':') && isIP(x) === 0)) exact.add(x);
    else names.add(x);
  }
  return (header) => {
    // No Host at all is HTTP/1.0 from a script; browsers always send one.
    if (header === undefined || header === '') return true;
    const h = header.trim().toLowerCase();
    if (exact.has(h)) return true;
    const name = hostNameOf(h);
    // An IP literal cannot be a rebinding attack: the page's origin would be that address.
    return isIP(name) !== 0 || names.has(name) || name.endsWith('.localhost');
  };
}

function refuse(reply: FastifyReply, status: number, type: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify({ type, args: [message] }));
}

function tokenOf(req: FastifyRequest): { token: string | undefined; fromQuery: boolean } {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return { token: m ? m[1]!.trim() : undefined, fromQuery: false };
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const q = req.query as Record<string, unknown> | undefined;
    if (q && typeof q.token === 'string') return { token: q.token, fromQuery: true };
  }
  return { token: undefined, fromQuery: false };
}

const APPLIED = Symbol.for('dlg-ts.security');

/**
 * Install the Host, Origin and token checks and the CORS headers on `app`. Call once per
 * server, before it listens; routes registered before or after are all covered.
 */
export function applySecurity(app: FastifyInstance, opts: SecurityOptions): void {
  const marked = app as unknown as Record<symbol, SecurityOptions | undefined>;
  if (marked[APPLIED]) throw new Error('applySecurity was already called on this server');
  marked[APPLIED] = opts;
  const allowed = new Set(opts.allowOrigins.map(normalizeOrigin));
  const hostOk = hostChecker(opts);
  const expected = opts.token ? digest(opts.token) : undefined;
  // Our own pages (same scheme, host and port) may call us; any other page must be listed.
  const originOk = (origin: string, host: string | undefined) =>
    allowed.has(origin) || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));

  app.addHook('onRequest', async (req, reply) => {
    const host = req.headers.host;
    if (!hostOk(host))
      return refuse(reply, 403, 'Forbidden', `Host '${host}' is not this server's; if it is one of its names, start the server with --allow-host ${hostNameOf(host ?? '')}`);

    const origin = req.headers.origin;
    if (origin !== undefined && !originOk(origin, host))
      return refuse(reply, 403, 'Forbidden', `requests from origin '${origin}' are not allowed; the server's --allow-origin list decides which web pages may call it`);

    // Preflights carry no credentials by design; the request that follows them does.
    if (expected && !(req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined)) {
      const { token, fromQuery } = tokenOf(req);
      if (token === undefined || !timingSafeEqual(digest(token), expected)) {
        reply.header('WWW-Authenticate', 'Bearer');
        return refuse(reply, 401, 'Unauthorized', token === undefined ? 'this server needs a token: send Authorization: Bearer <token>' : 'wrong token');
      }
      if (fromQuery) reply.header('Referrer-Policy', 'no-referrer');
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const origin = req.headers.origin;
    if (origin === undefined || !originOk(origin, req.headers.host)) return payload;
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Vary', 'Origin');
    reply.header('Access-Control-Allow-Credentials', 'true');
    reply.header('Access-Control-Allow-Methods', CORS_METHODS);
    reply.header('Access-Control-Allow-Headers', CORS_HEADERS);
    return payload;
  });
}

/** The token a GET request carried in its query string, for links in HTML views. */
export function queryToken(req: FastifyRequest): string | undefined {
  const t = tokenOf(req);
  return t.fromQuery ? t.token : undefined;
}

// ---- command line ----

/** What addSecurityOptions leaves in commander's options. */
export interface SecurityCliOptions {
  allowOrigin: string[];
  allowHost: string[];
  token?: string;
}

function collectOrigins(v: string, acc: string[]): string[] {
  if (v === 'none') return [];
  let origin: string;
  try {
    origin = normalizeOrigin(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  // The first --allow-origin replaces the defaults rather than adding to them.
  return acc === DEFAULT_ALLOW_ORIGINS ? [origin] : [...acc, origin];
}

/** --allow-origin, --allow-host and --token (default: $DLG_TOKEN), for any of our servers. */
export function addSecurityOptions(cmd: Command): Command {
  return cmd
    .option(
      '--allow-origin <origin>',
      `a web page origin allowed to call this server (repeatable; 'none' for none; default ${DEFAULT_ALLOW_ORIGINS.join(', ')})`,
      collectOrigins,
      DEFAULT_ALLOW_ORIGINS as string[],
    )
    .option('--allow-host <name>', "another name this server is reached by, checked against the Host header (repeatable; '*' for any)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--token <token>', 'require Authorization: Bearer <token> on every request (default: $DLG_TOKEN)');
}

/** SecurityOptions from the parsed command line and the environment. */
export function securityFromCli(opts: SecurityCliOptions, bindHost: string): SecurityOptions {
  const token = opts.token ?? process.env.DLG_TOKEN;
  return {
    allowOrigins: [...opts.allowOrigin],
    allowHosts: [...opts.allowHost],
    token: token === undefined || token === '' ? undefined : token,
    bindHost,
  };
}
