// `dlg-translate serve`: start the translator service. SIGINT/SIGTERM close it (the workers
// with it). Exit codes: 0 stopped, 2 usage error or cannot listen.

import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  DEFAULT_ALLOW_ORIGINS, type SecurityCliOptions, addSecurityOptions, exposureWarning, securityFromCli,
} from '../engine/managers/rest/security.ts';
import { DEFAULT_PGT_DIR, TRANSLATOR_ORIGINS, createTranslatorServer } from './server.ts';

interface ServeCli extends SecurityCliOptions {
  host: string;
  port: number;
  lgDir?: string;
  pgtDir: string;
  maxDrops?: number;
  workers?: number;
  maxRequestSize: number;
}

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export async function serve(argv: string[]): Promise<number> {
  const program = new Command('dlg-translate serve')
    .description("EAGLE's translator service (DALiuGE's `dlg tm` REST API): translate, partition, view and deploy graphs")
    .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on', integer('--port', 0, 65535), 8084)
    .option('-d, --lg-dir <dir>', 'logical graph repository: graphs in its sub-directories (GET /gen_pgt, /jsonbody, *_name fields)')
    .option('-t, --pgt-dir <dir>', 'where translated PGTs are stored', DEFAULT_PGT_DIR)
    .option('--max-drops <n>', 'refuse translations into more drops (HTTP 413; default 50,000,000, as dlg-translate)', integer('--max-drops', 1))
    .option('--workers <n>', 'translation worker threads (default: 2, or the cores up to 4)', integer('--workers', 1, 64))
    .option('--max-request-size <MB>', 'largest accepted request body, in MiB', integer('--max-request-size', 1, 2000), 256)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  addSecurityOptions(program);
  program.addHelpText('after', `\nWithout --allow-origin the allowed web page origins are ${TRANSLATOR_ORIGINS.join(', ')} (EAGLE and the translator's own).`);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = program.opts<ServeCli>();
  // Untouched, --allow-origin holds the managers' default list (the same array): EAGLE's origin is added.
  const security = securityFromCli({ ...o, allowOrigin: o.allowOrigin === DEFAULT_ALLOW_ORIGINS ? [...TRANSLATOR_ORIGINS] : o.allowOrigin }, o.host);
  const server = createTranslatorServer({ lgDir: o.lgDir, pgtDir: o.pgtDir, maxDrops: o.maxDrops, workers: o.workers, maxBodyBytes: o.maxRequestSize * 1024 * 1024, security });
  try {
    await server.app.listen({ host: o.host, port: o.port });
  } catch (e) {
    process.stderr.write(`dlg-translate serve: cannot listen on ${o.host}:${o.port}: ${(e as Error).message}\n`);
    await server.close();
    return 2;
  }
  const warning = exposureWarning(security);
  if (warning) process.stderr.write(`dlg-translate serve: warning: ${warning}\n`);
  const bound = server.app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : o.port;
  process.stderr.write(`dlg-translate serve: translator on http://${o.host}:${port} (PGTs in ${server.service.pgts.root}${o.lgDir ? `, graphs from ${server.service.lgs.root}` : ''})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
