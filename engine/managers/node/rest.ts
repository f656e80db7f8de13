// The node manager's REST server: the common routes plus the NM-only ones of reference §7.5.

import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NodeManager } from './node-manager.ts';
import { type RestOptions, DEFAULT_MAX_BODY, SUCCESS, createRestServer, postOnly, registerManagerRoutes, sendJson } from '../rest/server.ts';
import { formParams, jsonBody, requireContentType } from '../rest/body.ts';
import { badRequest } from '../../errors.ts';
import { readRemoteEvents, readSubscriptions } from '../../session/remote.ts';

export function registerNodeRoutes(app: FastifyInstance, nm: NodeManager, opts: RestOptions = {}): void {
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const id = (req: FastifyRequest) => (req.params as { id: string }).id;

  app.get('/api', async (_req, reply) => sendJson(reply, { sessions: await nm.listSessions() }));
  app.get('/api/past_sessions', async (_req, reply) => sendJson(reply, await nm.pastSessions()));

  app.post('/api/sessions/:id/graph/link', async (req, reply) => {
    nm.session(id(req));
    const p = formParams(req, limit);
    const lh = p.get('lhOID');
    const rh = p.get('rhOID');
    const type = Number(p.get('linkType'));
    if (!lh || !rh || !Number.isInteger(type)) throw badRequest('graph/link needs lhOID, rhOID and an integer linkType');
    await nm.linkGraphParts(id(req), lh, rh, type);
    return sendJson(reply, SUCCESS);
  });

  app.post('/api/sessions/:id/subscriptions', async (req, reply) => {
    const sessionId = id(req);
    nm.session(sessionId);
    requireContentType(req, ['application/json']);
    await nm.addSubscriptions(sessionId, readSubscriptions(jsonBody(req, limit)));
    return sendJson(reply, SUCCESS);
  });

  app.post('/api/sessions/:id/trigger', async (req, reply) => {
    const sessionId = id(req);
    nm.session(sessionId);
    requireContentType(req, ['application/json']);
    const uids = jsonBody(req, limit);
    if (!Array.isArray(uids) || !uids.every((u) => typeof u === 'string')) throw badRequest('The trigger body must be a JSON list of drop uids');
    // The reference triggers in a background thread; here triggering only queues work.
    await nm.trigger(sessionId, uids as string[]);
    return sendJson(reply, SUCCESS);
  });

  // Our inter-node event transport (the reference's is pickled Python over ZeroMQ).
  app.post('/api/sessions/:id/events', async (req, reply) => {
    const sessionId = id(req);
    nm.session(sessionId);
    requireContentType(req, ['application/json']);
    const sender = req.headers['x-dlg-sender'];
    const seq = Number(req.headers['x-dlg-seq']);
    const batch = typeof sender === 'string' && Number.isInteger(seq) && seq > 0 ? { sender, seq } : undefined;
    await nm.deliverEvents(sessionId, readRemoteEvents(jsonBody(req, limit)), batch?.sender, batch?.seq);
    return sendJson(reply, SUCCESS);
  });

  // Remote data (the reference reads it over zerorpc): the bytes of a completed data drop...
  app.get('/api/sessions/:id/drops/:uid/data', async (req, reply) => {
    const d = nm.session(id(req)).peers.data((req.params as { uid: string }).uid);
    reply
      .type('application/octet-stream')
      .header('x-dlg-kind', d.kind)
      .header('x-dlg-name', encodeURIComponent(d.name))
      .header('x-dlg-data-url', encodeURIComponent(d.dataURL));
    return reply.send(d.path !== undefined ? createReadStream(d.path) : d.bytes);
  });

  // ...and, for a remote streaming consumer, the chunks written to a drop as they come.
  app.get('/api/sessions/:id/drops/:uid/stream', async (req, reply) => {
    const consumer = String((req.query as Record<string, unknown>).consumer ?? '');
    const source = nm.session(id(req)).peers.stream((req.params as { uid: string }).uid, consumer);
    const out = new PassThrough();
    source.attach((chunk) => {
      if (out.destroyed) return;
      if (chunk === null) out.end();
      else out.write(chunk);
    });
    return reply.type('application/octet-stream').send(out);
  });

  // POST only (the reference answers GET, which any web page can send with an <img>).
  app.post('/api/shutdown', async (_req, reply) => {
    sendJson(reply, SUCCESS);
    if (opts.onStop) setImmediate(opts.onStop);
    return reply;
  });
  app.get('/api/shutdown', async (_req, reply) => postOnly(reply, '/api/shutdown'));
}

/** A ready-to-listen node manager server. */
export function createNodeServer(nm: NodeManager, opts: RestOptions = {}): FastifyInstance {
  const app = createRestServer(opts);
  registerManagerRoutes(app, nm, { kind: 'node manager', ...opts });
  registerNodeRoutes(app, nm, opts);
  return app;
}
