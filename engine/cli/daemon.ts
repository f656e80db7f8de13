// dlg-engine daemon (reference §7.8): a small REST service, port 9000, that starts and stops a
// node, island and master manager on its host on request, so that a master manager (its
// /api/managers/<host>/... routes) or a script can build a hierarchy across hosts.

import type { FastifyInstance } from 'fastify';
import { EngineError, badRequest } from '../errors.ts';
import { DAEMON_PORT } from '../managers/address.ts';
import { jsonBody } from '../managers/rest/body.ts';
import { createRestServer, sendJson } from '../managers/rest/server.ts';
import { isObject } from '../drops/spec.ts';
import { join } from 'node:path';
import { serve } from './serve.ts';
import { type SecurityOptions, DEFAULT_SECURITY } from '../managers/rest/security.ts';
import { type ManagerOptions, managerSecurity } from './managers.ts';
import { type ManagerProcess, spawnManager, stopProcess, waitUntilAnswering } from './spawn.ts';

export interface DaemonOptions extends ManagerOptions {
  nmPort: number;
  dimPort: number;
  mmPort: number;
  maxWorkers?: number;
}

type Kind = 'node' | 'island' | 'master';
const COMMAND: Record<Kind, string> = { node: 'nm', island: 'dim', master: 'mm' };

const conflict = (message: string) => new EngineError('Conflict', 409, [message]);

function stringList(body: unknown, key: string): string[] | undefined {
  if (!isObject(body) || body[key] === undefined) return undefined;
  const v = body[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badRequest(`"${key}" must be a list of host[:port] strings`);
  return v as string[];
}

export function createDaemonServer(opts: DaemonOptions, log: (line: string) => void, security: SecurityOptions = DEFAULT_SECURITY): { app: FastifyInstance; stopAll: () => Promise<void> } {
  const running: Partial<Record<Kind, ManagerProcess>> = {};
  const app = createRestServer({ maxBodyBytes: 1024 * 1024, security });
  // The managers it starts take the same rules: the token through the environment, not argv.
  const forwarded = [...security.allowOrigins.flatMap((o) => ['--allow-origin', o]), ...security.allowHosts.flatMap((h) => ['--allow-host', h])];
  const env: Record<string, string> = security.token ? { DLG_TOKEN: security.token } : {};
  const info = (k: Kind) => ({ pid: running[k]?.pid ?? null, ...(running[k] ? { url: running[k]!.url } : {}) });
  const port: Record<Kind, number> = { node: opts.nmPort, island: opts.dimPort, master: opts.mmPort };

  const start = async (kind: Kind, extra: string[]) => {
    if (running[kind]) throw conflict(`The ${kind} manager is already running (pid ${running[kind]!.pid})`);
    const args = ['--host', opts.host, '--port', String(port[kind]), '--dlg-root', join(opts.dlgRoot, kind), ...forwarded, ...extra];
    const p = await spawnManager(COMMAND[kind], args, kind, log, env);
    running[kind] = p;
    void p.exited.then(() => {
      if (running[kind] === p) delete running[kind];
    });
    await waitUntilAnswering(p.url, 30_000, security.token ? { authorization: `Bearer ${security.token}` } : {});
    return info(kind);
  };
  const stop = async (kind: Kind) => {
    const p = running[kind];
    if (!p) throw conflict(`The ${kind} manager is not running`);
    delete running[kind];
    await stopProcess(p);
    return { pid: null };
  };
  const body = (req: { body: unknown; headers: Record<string, unknown> }) =>
    Buffer.isBuffer(req.body) && req.body.length > 0 ? jsonBody(req as never, 1024 * 1024) : {};

  const all = () => ({ master: running.master?.pid ?? null, island: running.island?.pid ?? null, node: running.node?.pid ?? null });
  app.get('/', async (_req, reply) => sendJson(reply, all()));
  app.get('/managers', async (_req, reply) => sendJson(reply, all()));
  for (const kind of ['node', 'island', 'master'] as Kind[]) {
    app.get(`/managers/${kind}`, async (_req, reply) => sendJson(reply, info(kind)));
    app.post(`/managers/${kind}/stop`, async (_req, reply) => sendJson(reply, await stop(kind)));
  }
  app.post('/managers/node/start', async (_req, reply) =>
    sendJson(reply, await start('node', opts.maxWorkers ? ['--max-workers', String(opts.maxWorkers)] : [])),
  );
  app.post('/managers/island/start', async (req, reply) => {
    // As the reference: without nodes, the island manages this host's node manager.
    const nodes = stringList(body(req), 'nodes') ?? [running.node ? running.node.url.replace(/^http:\/\//, '') : `${opts.host}:${opts.nmPort}`];
    return sendJson(reply, await start('island', ['--nodes', nodes.join(',')]));
  });
  app.post('/managers/master/start', async (req, reply) => {
    const islands = stringList(body(req), 'islands') ?? [running.island ? running.island.url.replace(/^http:\/\//, '') : `${opts.host}:${opts.dimPort}`];
    return sendJson(reply, await start('master', ['--islands', islands.join(',')]));
  });
  const stopAll = async () => {
    await Promise.all((['master', 'island', 'node'] as Kind[]).map((k) => (running[k] ? stop(k) : undefined)));
  };
  return { app, stopAll };
}

export function runDaemon(opts: DaemonOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { app, stopAll } = createDaemonServer(opts, log, managerSecurity(opts));
  return serve(() => ({
    app,
    what: 'daemon',
    detail: () => `starts managers on ports ${opts.nmPort} (node), ${opts.dimPort} (island), ${opts.mmPort} (master)`,
    host: opts.host,
    port: opts.port,
    shutdown: stopAll,
    exitWithStdin: opts.exitWithStdin,
  }));
}

export { DAEMON_PORT };
