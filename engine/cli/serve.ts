// Running one manager server until it is told to stop: listen, print where, and on SIGINT,
// SIGTERM, POST /api/stop or (for children of dlg-engine cluster/daemon) the parent going
// away, stop the manager first and the server second.

import type { FastifyInstance } from 'fastify';
import { CODES } from '../../compiler/diagnostics.ts';
import { EXIT_OK, UserError, printNote } from './report.ts';
import { exitWithStdin } from './spawn.ts';

const TOOL = 'dlg-engine';

export interface Served {
  app: FastifyInstance;
  /** What is listening, printed as "<what> on http://host:port (<detail>)". */
  what: string;
  detail: (url: string) => string;
  host: string;
  port: number;
  /** Stop the manager (cancel sessions, stop probing); the server is closed after. */
  shutdown: () => Promise<void>;
  exitWithStdin?: boolean;
}

/** Builds the server with the stop hook it needs, then serves until stopped. */
export async function serve(build: (stop: () => void) => Omit<Served, 'app'> & { app: FastifyInstance }): Promise<number> {
  let stopping: Promise<void> | undefined;
  let s: Served;
  const stop = (why: string) =>
    (stopping ??= (async () => {
      printNote(TOOL, `${why}: stopping the ${s.what}`);
      await s.shutdown();
      await s.app.close();
    })());
  s = build(() => void stop('stop requested'));
  try {
    await s.app.listen({ host: s.host, port: s.port });
  } catch (err) {
    throw new UserError(CODES.ENGINE_LISTEN_FAILED, `cannot listen on ${s.host}:${s.port}: ${(err as Error).message}`);
  }
  const bound = s.app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : s.port;
  const url = `http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${port}`;
  printNote(TOOL, `${s.what} on ${url} (${s.detail(url)})`);
  let release = () => {};
  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => void stop(sig).then(resolve);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (s.exitWithStdin) release = exitWithStdin((why) => void stop(why).then(resolve));
    s.app.server.once('close', () => resolve());
  });
  await stopping;
  release();
  return EXIT_OK;
}
