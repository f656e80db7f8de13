// The manager REST API of reference §7.4 over any DropManager: same paths, bodies, status
// codes, integer enums, {"type", "args"} error bodies and CORS headers as DALiuGE. Fixed where
// the reference is wrong: an unknown session is 404 on every route (§9 Q27), and a bad body
// is a 4xx JSON error, never a 5xx, after which the server keeps serving.

import { createReadStream } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DropManager } from '../manager.ts';
import { EngineError, badRequest, noSession, payloadTooLarge } from '../../errors.ts';
import { bodyChunks, decodedStreamedBody, formParams, isIdentityEncoded, jsonBody, parseJson, requireContentType } from './body.ts';
import { dashboard, dropPage } from './html.ts';
import { DEFAULT_SECURITY, type SecurityOptions, applySecurity, queryToken } from './security.ts';
import { sessionPage } from '../../../views/pages.ts';
import { registerViewAssets } from '../../../views/assets.ts';
import { DefaultProgress, type ProgressOptions } from '../progress.ts';

export interface RestOptions {
  /** Largest accepted request body, compressed or not, in bytes. */
  maxBodyBytes?: number;
  /** What the node is called on its dashboard. */
  kind?: string;
  /** Called after POST /api/stop or POST /api/shutdown has been answered. */
  onStop?: () => void;
  /** The page served at GET / (default: the node manager's session list); `token` is the one its links carry. */
  dashboard?: (token?: string) => Promise<string>;
  /** Host, Origin and token rules (security.ts); default: loopback, EAGLE's origins, no token. */
  security?: SecurityOptions;
}

/** 256 MiB: a PG of about 10^6 simple drops. DALiuGE's default is 10 MiB (--max-request-size). */
export const DEFAULT_MAX_BODY = 256 * 1024 * 1024;

export const SUCCESS = { Status: 'Success' } as const;

type Params = { id: string; oid: string };

/** JSON with an explicit content type: numbers and booleans are valid responses here. */
export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
}

export function createRestServer(opts: RestOptions = {}): FastifyInstance {
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const app = Fastify({
    logger: false,
    bodyLimit: limit,
    routerOptions: { maxParamLength: 4096 },
    // Errors fastify raises before routing (a malformed URL, say) get our error body too.
    frameworkErrors: (err, _req, reply) => {
      const status: number = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
      sendJson((reply as FastifyReply).code(status), { type: 'BadRequest', args: [err.message] });
    },
  });

  // One raw parser for every content type; routes decode (and decompress) for themselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));

  // Before any route or body parser: refused requests never reach a handler.
  applySecurity(app, opts.security ?? DEFAULT_SECURITY);

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof EngineError) return sendJson(reply.code(err.httpStatus), err.toBody());
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendJson(reply.code(413), payloadTooLarge(limit).toBody());
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendJson(reply.code(status), { type: err.code ?? 'BadRequest', args: [err.message] });
    // A bug in this project: say so without taking the server down.
    process.stderr.write(`dlg-engine: internal error: ${err.stack ?? err.message}\n`);
    return sendJson(reply.code(500), { type: 'InternalError', args: [err.message] });
  });

  app.setNotFoundHandler((req, reply) =>
    sendJson(reply.code(404), { type: 'NotFound', args: [`No route for ${req.method} ${req.url.split('?')[0]}`] }),
  );

  app.options('/api/sessions', async (_req, reply) => sendJson(reply, {}));
  app.options('/api/sessions/:id/graph/append', async (_req, reply) => sendJson(reply, {}));
  app.options('/api/*', async (_req, reply) => sendJson(reply, {}));
  return app;
}

/** 405 for a GET on a route that changes state: a link or an <img> must never stop a server. */
export function postOnly(reply: FastifyReply, path: string): FastifyReply {
  return sendJson(reply.code(405).header('Allow', 'POST'), { type: 'MethodNotAllowed', args: [`${path} only accepts POST`] });
}

/** 404 for an unknown session, without asking sub-managers when the manager can tell itself. */
async function knownSession(m: DropManager, sessionId: string): Promise<void> {
  if (m.hasSession) {
    if (!m.hasSession(sessionId)) throw noSession(sessionId);
  } else await m.sessionStatus(sessionId);
}

export function registerManagerRoutes(app: FastifyInstance, m: DropManager, opts: RestOptions = {}): void {
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const id = (req: FastifyRequest) => (req.params as Params).id;
  const oid = (req: FastifyRequest) => (req.params as Params).oid;
  const ok = (reply: FastifyReply) => sendJson(reply, SUCCESS);

  app.get('/api/sessions', async (_req, reply) => sendJson(reply, await m.listSessions()));

  app.post('/api/sessions', async (req, reply) => {
    const body = jsonBody(req, limit);
    const sessionId = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).sessionId : undefined;
    if (typeof sessionId !== 'string') throw badRequest('The body must be {"sessionId": "<id>"}');
    await m.createSession(sessionId);
    return sendJson(reply, { sessionId });
  });

  app.get('/api/sessions/:id', async (req, reply) => sendJson(reply, await m.sessionInfo(id(req))));
  app.delete('/api/sessions/:id', async (req, reply) => {
    await m.destroySession(id(req));
    return ok(reply);
  });
  app.get('/api/sessions/:id/status', async (req, reply) => sendJson(reply, await m.sessionStatus(id(req))));

  app.post('/api/sessions/:id/deploy', async (req, reply) => {
    await knownSession(m, id(req)); // an unknown session is the first thing wrong
    const completed = (formParams(req, limit).get('completed') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    await m.deploySession(id(req), completed);
    return ok(reply);
  });

  app.post('/api/sessions/:id/cancel', async (req, reply) => {
    await m.cancelSession(id(req));
    return ok(reply);
  });

  app.get('/api/sessions/:id/graph', async (req, reply) => sendJson(reply, await m.graph(id(req))));
  app.get('/api/sessions/:id/graph/size', async (req, reply) => sendJson(reply, await m.graphSize(id(req))));
  app.get('/api/sessions/:id/graph/status', async (req, reply) => sendJson(reply, await m.graphStatus(id(req))));
  app.get('/api/sessions/:id/graph/summary', async (req, reply) => sendJson(reply, await m.graphSummary(id(req))));

  // The session dashboard's compact routes (engine/managers/progress.ts); a manager without
  // its own implementation gets the default one built from graph() and graphStatus().
  const fallback = new DefaultProgress();
  app.get('/api/sessions/:id/graph/outline', async (req, reply) => {
    await knownSession(m, id(req));
    return sendJson(reply, m.graphOutline ? await m.graphOutline(id(req)) : await fallback.outline(m, id(req)));
  });
  app.get('/api/sessions/:id/graph/progress', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = (v: string | undefined, max: number) => (v !== undefined && /^\d+$/.test(v) ? Math.min(Number(v), max) : undefined);
    const opts: ProgressOptions = {
      expand: q.expand ? q.expand.split(',').filter(Boolean).slice(0, 50) : [],
      expandLimit: limit(q.expandLimit, 5000),
      failedLimit: limit(q.failedLimit, 1000),
    };
    await knownSession(m, id(req));
    return sendJson(reply, m.graphProgress ? await m.graphProgress(id(req), opts) : await fallback.progress(m, id(req), opts));
  });

  // A graph is read as it arrives (managers that can parse it in batches start before the
  // upload ends): in its own scope, this route's body parser hands over the request stream.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post('/api/sessions/:id/graph/append', async (req, reply) => {
      const sessionId = id(req);
      await knownSession(m, sessionId); // 404 before 415: the session is the first thing wrong
      requireContentType(req, ['application/json', 'text/plain']);
      try {
        if (m.addGraphStream && isIdentityEncoded(req)) await m.addGraphStream(sessionId, bodyChunks(req, limit));
        else {
          const raw = await decodedStreamedBody(req, limit);
          await m.addGraphSpec(sessionId, parseJson(raw), raw);
        }
      } catch (err) {
        // Refused before the whole body was read (too large): the connection cannot be reused.
        if (!req.raw.complete) reply.header('connection', 'close');
        throw err;
      }
      return ok(reply);
    });
  });

  app.get('/api/sessions/:id/repro/data', async (req, reply) => sendJson(reply, await m.reproData(id(req))));
  app.get('/api/sessions/:id/repro/status', async (req, reply) => sendJson(reply, await m.reproStatus(id(req))));

  app.get('/api/sessions/:id/logs', async (req, reply) => {
    const log = await m.sessionLog(id(req));
    return reply
      .type(log.contentType ?? 'text/plain; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${log.filename}"`)
      .send(createReadStream(log.path));
  });

  app.get('/api/sessions/:id/dir', async (req, reply) => sendJson(reply, await m.sessionDir(id(req))));
  app.get('/api/sessions/:id/graph/drop/:oid', async (req, reply) => sendJson(reply, await m.dropLogs(id(req), oid(req))));
  app.get('/api/sessions/:id/graph/drop/data/:oid', async (req, reply) => sendJson(reply, await m.dropData(id(req), oid(req))));
  app.get('/api/submission_method', async (_req, reply) => sendJson(reply, { methods: ['BROWSER', 'SERVER'] }));

  const stop = async (_req: FastifyRequest, reply: FastifyReply) => {
    ok(reply);
    if (opts.onStop) setImmediate(opts.onStop);
    return reply;
  };
  app.post('/api/stop', stop);
  app.get('/api/stop', async (_req, reply) => postOnly(reply, '/api/stop'));

  // HTML views.
  app.get('/', async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(opts.dashboard ? await opts.dashboard(queryToken(req)) : dashboard(opts.kind ?? 'manager', await m.listSessions(), queryToken(req))),
  );
  // The live session dashboard (views/web/session.ts): a page shell; the data comes from the
  // outline and progress routes above (the token, if any, goes along with every request).
  registerViewAssets(app);
  app.get('/session', async (req, reply) => {
    const sessionId = String((req.query as Record<string, unknown>).sessionId ?? '');
    // No session chosen: the list to choose from (DALiuGE renders an empty session page).
    if (sessionId === '') return reply.type('text/html; charset=utf-8').send(dashboard(opts.kind ?? 'manager', await m.listSessions(), queryToken(req)));
    await m.sessionStatus(sessionId);
    return reply.type('text/html; charset=utf-8').send(sessionPage(sessionId, opts.kind ?? 'manager', queryToken(req)));
  });
  app.get('/sessions/:id/graph/drop/:oid', async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(dropPage(await m.dropLogs(id(req), oid(req)))),
  );
  app.get('/sessions/:id/graph/drop/data/:oid', async (req, reply) => {
    // Only a manager holding the files can serve them, and only confined ones (manager.ts).
    if (!m.dropFile) return sendJson(reply.code(404), { type: 'NoData', args: [`This manager does not serve drop data; ask the node that holds ${oid(req)}`] });
    const filepath = await m.dropFile(id(req), oid(req));
    const name = filepath.split('/').pop() ?? 'data';
    return reply
      .type('application/octet-stream')
      .header('Content-Disposition', `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`)
      .send(createReadStream(filepath));
  });
}
