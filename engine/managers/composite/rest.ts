// The REST routes of the island manager (reference §7.6) and the master manager (§7.7), on top
// of the routes every manager has (§7.4). One composite manager serves both; the master adds
// the island and daemon routes, and answers GET /api/nodes with an object (§9 Q28).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConnectionError, type ManagerClient } from '../../client/client.ts';
import { EngineError, badRequest, restClientError } from '../../errors.ts';
import { readSubscriptions } from '../../session/remote.ts';
import { DAEMON_PORT, ISLAND_PORT, NODE_PORT, parseAddress } from '../address.ts';
import { jsonBody, requireContentType } from '../rest/body.ts';
import { type RestOptions, DEFAULT_MAX_BODY, SUCCESS, createRestServer, registerManagerRoutes, sendJson } from '../rest/server.ts';
import { type CompositeManager, ROLES } from './composite-manager.ts';
import { type Child, forward, makeChild } from './children.ts';
import { compositeDashboard } from './dashboard.ts';

export type CompositeRestOptions = RestOptions;

type P = Record<string, string>;
const param = (req: FastifyRequest, name: string) => (req.params as P)[name]!;

/** A node manager this manager knows (a child, or a node under a child island manager), or 404. */
function knownNode(m: CompositeManager, raw: string): Child {
  const a = parseAddress(raw, NODE_PORT);
  if (!m.nodes().includes(a.text)) throw new EngineError('NoNodeException', 404, [raw, `${a.text} is not in the current list of nodes: ${m.nodes().join(', ') || 'none'}`]);
  return makeChild(a, m.token);
}

/** A call to a daemon (§7.8) or to a manager outside the API client's vocabulary. */
async function call(url: string, method: string, token: string | undefined, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw restClientError(new ConnectionError(url, err).message);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = text;
  }
  if (!res.ok) {
    const e = json as { type?: string; args?: unknown[] } | undefined;
    throw new EngineError(e?.type ?? `HTTP${res.status}`, res.status, Array.isArray(e?.args) ? e.args : [`${method} ${url}: ${text.slice(0, 300)}`]);
  }
  return json;
}

export function registerCompositeRoutes(app: FastifyInstance, m: CompositeManager, opts: CompositeRestOptions = {}): void {
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const ok = (reply: FastifyReply) => sendJson(reply, SUCCESS);
  const token = m.token;

  app.get('/api', async (_req, reply) => sendJson(reply, m.apiInfo()));
  app.get('/api/past_sessions', async (_req, reply) => sendJson(reply, m.pastSessions()));
  app.get('/api/nodes', async (_req, reply) => sendJson(reply, m.role === 'master' ? { nodes: m.nodes() } : m.nodes()));
  app.post('/api/node/:node', async (req, reply) => {
    m.addNode(param(req, 'node'));
    return ok(reply);
  });
  app.delete('/api/node/:node', async (req, reply) => {
    m.removeNode(param(req, 'node'));
    return ok(reply);
  });

  // Queries forwarded to one node manager (§9 Q29: the status route works here).
  const nodeRoute = (suffix: string, f: (c: ManagerClient, id: string) => Promise<unknown>) =>
    app.get(`/api/node/:node/sessions${suffix}`, async (req, reply) => {
      const node = knownNode(m, param(req, 'node'));
      return sendJson(reply, await forward(node, (c) => f(c, (req.params as P).id ?? '')));
    });
  nodeRoute('', (c) => c.sessions());
  nodeRoute('/:id', (c, id) => c.session(id));
  nodeRoute('/:id/status', (c, id) => c.sessionStatus(id));
  nodeRoute('/:id/graph', (c, id) => c.graph(id));
  nodeRoute('/:id/graph/status', (c, id) => c.graphStatus(id));

  // Between managers: a master hands its islands the relations that cross them, then the roots.
  app.post('/api/sessions/:id/subscriptions', async (req, reply) => {
    const id = param(req, 'id');
    m.session(id);
    requireContentType(req, ['application/json']);
    await m.addSubscriptions(id, readSubscriptions(jsonBody(req, limit)));
    return ok(reply);
  });
  app.post('/api/sessions/:id/trigger', async (req, reply) => {
    const id = param(req, 'id');
    m.session(id);
    requireContentType(req, ['application/json']);
    const uids = jsonBody(req, limit);
    if (!Array.isArray(uids) || !uids.every((u) => typeof u === 'string')) throw badRequest('The trigger body must be a JSON list of drop uids');
    await m.trigger(id, uids as string[]);
    return ok(reply);
  });

  if (m.role !== 'master') return;

  app.get('/api/islands', async (_req, reply) => sendJson(reply, { islands: [...m.children.keys()] }));
  app.post('/api/island/:dim', async (req, reply) => {
    m.addChild(param(req, 'dim'));
    return ok(reply);
  });
  app.delete('/api/island/:dim', async (req, reply) => {
    m.removeChild(param(req, 'dim'));
    return ok(reply);
  });

  // Daemons (§7.8) start and stop managers on their hosts; <host> may carry the daemon's port.
  const daemon = (req: FastifyRequest) => parseAddress(param(req, 'host'), DAEMON_PORT);
  app.post('/api/managers/:host/island', async (req, reply) => {
    const d = daemon(req);
    const body = req.body && (req.body as Buffer).length ? jsonBody(req, limit) : {};
    const started = (await call(`${d.url}/managers/island/start`, 'POST', token, body)) as { url?: string } | undefined;
    m.addChild(started?.url ?? `${d.host}:${ISLAND_PORT}`);
    return sendJson(reply, { islands: [...m.children.keys()] });
  });
  for (const what of ['start', 'stop'])
    app.post(`/api/managers/:host/node/${what}`, async (req, reply) => sendJson(reply, (await call(`${daemon(req).url}/managers/node/${what}`, 'POST', token)) ?? SUCCESS));
  for (const kind of ['node', 'island', 'master'])
    app.get(`/api/managers/:host/${kind}`, async (req, reply) => sendJson(reply, await call(`${daemon(req).url}/managers/${kind}`, 'GET', token)));
  // Node managers of an island manager on <host> (port 8001 unless given).
  const islandNode = (req: FastifyRequest) => `${parseAddress(param(req, 'host'), ISLAND_PORT).url}/api/node/${encodeURIComponent(param(req, 'node'))}`;
  app.post('/api/managers/:host/node/:node', async (req, reply) => sendJson(reply, (await call(islandNode(req), 'POST', token)) ?? SUCCESS));
  app.delete('/api/managers/:host/node/:node', async (req, reply) => sendJson(reply, (await call(islandNode(req), 'DELETE', token)) ?? SUCCESS));
}

/** A ready-to-listen island or master manager server. */
export function createCompositeServer(m: CompositeManager, opts: CompositeRestOptions = {}): FastifyInstance {
  const app = createRestServer(opts);
  registerManagerRoutes(app, m, { kind: ROLES[m.role].title, dashboard: (token) => compositeDashboard(m, token), ...opts });
  registerCompositeRoutes(app, m, opts);
  return app;
}
