// `dlg-translate serve`: EAGLE's translator service (reference §7.11), a fastify shell over
// compiler/translate.ts. Requests are read and answered on the event loop; translations run
// in worker threads (pool.ts). Errors are FastAPI-shaped ({"detail": ...}, what EAGLE shows)
// with our diagnostics added.

import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { DEFAULT_ALLOW_ORIGINS, DEFAULT_SECURITY, type SecurityOptions, applySecurity, queryToken } from '../engine/managers/rest/security.ts';
import { MissingAssets, registerViewAssets } from '../views/assets.ts';
import { page } from '../views/pages.ts';
import { HttpError, sendJson } from './http.ts';
import { WorkerPool } from './pool.ts';
import { LgRepository, PgtStore } from './repo.ts';
import { registerCliRoutes } from './routes-cli.ts';
import { registerEagleRoutes } from './routes-eagle.ts';
import { streamJob } from './respond.ts';

export interface ServeOptions {
  /** the logical graph repository (GET /gen_pgt, /jsonbody, *_name fields); none by default */
  lgDir?: string;
  /** where translated PGTs are stored; default <tmp>/dlg-translate-pgts */
  pgtDir?: string;
  /** refuse translations into more drops (413) */
  maxDrops?: number;
  /** translation worker threads; default 2, or the cores when more */
  workers?: number;
  /** largest request body in bytes; default 256 MiB */
  maxBodyBytes?: number;
  /** Host, Origin and token rules (engine/managers/rest/security.ts); default TRANSLATOR_SECURITY */
  security?: SecurityOptions;
}

/** EAGLE's public origin, and the translator's own local origins (the managers' defaults). */
export const TRANSLATOR_ORIGINS: readonly string[] = Object.freeze(['https://eagle.icrar.org', ...DEFAULT_ALLOW_ORIGINS]);

export const TRANSLATOR_SECURITY: SecurityOptions = Object.freeze({ ...DEFAULT_SECURITY, allowOrigins: [...TRANSLATOR_ORIGINS] }) as SecurityOptions;

/** What the route modules share. */
export interface Service {
  pool: WorkerPool;
  lgs: LgRepository;
  pgts: PgtStore;
  maxDrops?: number;
}

export const DEFAULT_PGT_DIR = join(tmpdir(), 'dlg-translate-pgts');

export interface TranslatorServer {
  app: FastifyInstance;
  service: Service;
  close(): Promise<void>;
}

export function createTranslatorServer(opts: ServeOptions = {}): TranslatorServer {
  const pgtDir = resolve(opts.pgtDir ?? DEFAULT_PGT_DIR);
  mkdirSync(pgtDir, { recursive: true });
  const limit = opts.maxBodyBytes ?? 256 * 1024 * 1024;
  const service: Service = {
    pool: new WorkerPool(opts.workers ?? Math.max(2, Math.min(4, availableParallelism()))),
    lgs: new LgRepository(opts.lgDir === undefined ? undefined : resolve(opts.lgDir)),
    pgts: new PgtStore(pgtDir),
    maxDrops: opts.maxDrops,
  };
  const app = Fastify({
    logger: false,
    bodyLimit: limit,
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: (err, _req, reply) => {
      sendJson((reply as FastifyReply).code(err.statusCode && err.statusCode < 500 ? err.statusCode : 400), { detail: err.message });
    },
  });
  // The same rules as the managers, before any body is read: Host, Origin, optional token.
  applySecurity(app, opts.security ?? TRANSLATOR_SECURITY);
  // Routes read their own bodies (form, JSON) through Fields.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof HttpError) return sendJson(reply.code(err.status), err.body());
    if (err instanceof MissingAssets) return sendJson(reply.code(500), { detail: err.message });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendJson(reply.code(413), { detail: `the request body exceeds ${limit} bytes` });
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendJson(reply.code(status), { detail: err.message });
    process.stderr.write(`dlg-translate serve: internal error: ${err.stack ?? err.message}\n`);
    return sendJson(reply.code(500), { detail: `internal error: ${err.message}` });
  });
  app.setNotFoundHandler((req, reply) => sendJson(reply.code(404), { detail: `No route for ${req.method} ${req.url.split('?')[0]}` }));

  registerEagleRoutes(app, service);
  registerCliRoutes(app, service);
  registerViewAssets(app);

  // Our additions: the stored PGTs, and the data the viewer and Gantt pages draw.
  app.get('/pgts', async (_req, reply) => sendJson(reply, service.pgts.list()));
  app.get('/pgt_view', async (req, reply) => {
    const path = service.pgts.file(String((req.query as Record<string, unknown>).pgt_id ?? ''), 'view');
    return reply.type('application/json; charset=utf-8').send(readFileSync(path));
  });
  app.get('/pgt_schedule', async (req, reply) => {
    const pgtId = String((req.query as Record<string, unknown>).pgt_id ?? '');
    service.pgts.path(pgtId);
    return streamJob(reply, service.pool, 'scheduleView', { pgtDir: service.pgts.root, pgtId });
  });
  app.get('/', async (req, reply) => reply.type('text/html; charset=utf-8').send(page('DALiuGE translator (dlg-ts)', { view: 'viewer', token: queryToken(req) })));

  return {
    app,
    service,
    async close() {
      await app.close();
      await service.pool.close();
    },
  };
}
