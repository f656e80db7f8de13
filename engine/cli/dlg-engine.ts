// dlg-engine nm: a node manager serving the DALiuGE REST API. SIGINT/SIGTERM stop it cleanly:
// running apps are cancelled, their sessions end CANCELLED, the server closes.

import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError } from 'commander';
import { CODES } from '../../compiler/diagnostics.ts';
import { NodeManager, defaultDlgRoot } from '../managers/node/node-manager.ts';
import { createNodeServer } from '../managers/node/rest.ts';
import { HttpEventSink } from '../managers/node/event-sink.ts';
import { type SecurityCliOptions, addSecurityOptions, exposureWarning, securityFromCli } from '../managers/rest/security.ts';
import { type PythonCliOptions, addPythonOptions, pythonFromCli } from './python-options.ts';
import { EXIT_OK, EXIT_USAGE, UserError, printNote, reportFailure } from './report.ts';

const TOOL = 'dlg-engine';

// A graph upload is one big JSON.parse whose objects all survive: a larger young generation
// promotes them in fewer scavenges (measured: appending 10^6 drops over REST about 7% faster). Set before
// the heap grows; an explicit --max-semi-space-size on the command line still wins.
if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) setFlagsFromString('--max-semi-space-size=64');

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

function seconds(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds`);
    return n;
  };
}

interface NmOptions extends SecurityCliOptions, PythonCliOptions {
  host: string;
  port: number;
  dlgRoot: string;
  maxWorkers: number;
  maxRequestSize: number;
  dataDir: string[];
  appTimeout?: number;
}

async function runNodeManager(opts: NmOptions): Promise<number> {
  const security = securityFromCli(opts, opts.host);
  const nm = new NodeManager({
    dlgRoot: opts.dlgRoot,
    maxWorkers: opts.maxWorkers,
    hostLabel: opts.host,
    remote: new HttpEventSink(undefined, security.token),
    dataDirs: opts.dataDir,
    appTimeout: opts.appTimeout,
    python: pythonFromCli(opts),
  });
  let stopping: Promise<void> | undefined;
  const stop = (why: string) =>
    (stopping ??= (async () => {
      printNote(TOOL, `${why}: cancelling running sessions and stopping`);
      await nm.shutdown();
      await app.close();
    })());
  const app = createNodeServer(nm, { maxBodyBytes: opts.maxRequestSize * 1024 * 1024, onStop: () => void stop('stop requested'), security });
  const warning = exposureWarning(security);
  if (warning) printNote(TOOL, `warning: ${warning}`);
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    throw new UserError(CODES.ENGINE_LISTEN_FAILED, `cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}`);
  }
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : opts.port;
  printNote(TOOL, `node manager on http://${opts.host}:${port} (sessions in ${nm.dlgRoot}/workspace, ${opts.maxWorkers} workers)`);
  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => void stop(sig).then(resolve);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    app.server.once('close', () => resolve());
  });
  await stopping;
  return EXIT_OK;
}

async function main(argv: string[]): Promise<number> {
  let result: Promise<number> = Promise.resolve(EXIT_OK);
  const program = new Command(TOOL).description('Run DALiuGE-compatible managers').exitOverride().showHelpAfterError();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const nm = program
    .command('nm')
    .description('node manager: runs sessions and their drops, serves the REST API (default 127.0.0.1:8000)')
    .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
    .option('-P, --port <port>', 'port to listen on', integer('--port', 0, 65535), 8000)
    .option('--dlg-root <dir>', 'DALiuGE root; sessions go to <dir>/workspace/<sessionId>', defaultDlgRoot())
    .option('--max-workers <n>', 'apps running at once', integer('--max-workers', 1), availableParallelism())
    .option('--max-request-size <MB>', 'largest accepted request body, in MiB', integer('--max-request-size', 1, 500), 256)
    .option('--data-dir <dir>', 'a directory outside the session directories that FileDROPs may read and write (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--app-timeout <seconds>', "end bash commands and Python apps running longer than this; an app's own timeout parameter wins (default: no limit)", seconds('--app-timeout'));
  addPythonOptions(nm);
  addSecurityOptions(nm)
    .exitOverride()
    .action((opts: NmOptions) => {
      result = runNodeManager(opts);
    });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
    return EXIT_USAGE;
  }
  return result;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportFailure(TOOL, err);
  },
);
