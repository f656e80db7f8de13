// dlg-deploy: deploy a physical graph on a manager (--url), or run it here on the embedded
// engine. Exit status: 0 FINISHED, 1 FAILED or CANCELLED, 2 usage, input or connection errors.

import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { CODES } from '../../kernel/diagnostics.ts';
import { forbiddenKeyMessage, forbiddenKeyPointer, mayHaveForbiddenKey } from '../../kernel/forbidden-keys.ts';
import { ManagerClient } from '../client/client.ts';
import { type Progress, doneCounts, submit, waitForSession } from '../client/deploy.ts';
import { runEmbedded } from '../client/embedded.ts';
import { TranslateFailed, translateForDeploy } from '../client/translate.ts';
import { formatDiagnostics, useColor } from '../../kernel/report.ts';
import { SessionState, sessionStateName } from '../../kernel/states.ts';
import { type PythonCliOptions, addPythonOptions, pythonFromCli } from './python-options.ts';
import { EXIT_FAILED, EXIT_OK, UserError, parseCommandLine, printNote, runCommand } from './report.ts';
import { type SlurmCliOptions, SlurmUsageError, SubmitError, deploySlurm } from '../hpc/slurm-deploy.ts';
import { addSlurmOptions } from '../hpc/slurm-options.ts';

const TOOL = 'dlg-deploy';

interface Options extends PythonCliOptions {
  url?: string;
  sessionId?: string;
  skipDeploy?: boolean;
  wait?: boolean;
  pollInterval: number;
  params: string[];
  dlgRoot?: string;
  maxWorkers?: number;
  compress?: boolean;
  progress: boolean;
  maxDrops?: number;
  token?: string;
  dataDir: string[];
  timeout: number;
  appTimeout?: number;
  slurm?: boolean;
}

function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

function positiveInteger(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

function readGraph(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new UserError(CODES.DEPLOY_BAD_GRAPH_FILE, `cannot read ${file}: ${(err as Error).message}`);
  }
  let graph: unknown;
  try {
    graph = JSON.parse(text);
  } catch (err) {
    throw new UserError(CODES.DEPLOY_BAD_GRAPH_FILE, `${file} is not JSON: ${(err as Error).message}`);
  }
  // A drop list goes to the engine as it is (a logical graph is the compiler's to read).
  const bad = Array.isArray(graph) && mayHaveForbiddenKey(text) ? forbiddenKeyPointer(graph) : undefined;
  if (bad !== undefined) throw new UserError(CODES.DEPLOY_BAD_GRAPH_FILE, forbiddenKeyMessage(file, bad));
  return graph;
}

/** A drop list (PG or PGT) goes as it is; a JSON object is a logical graph to translate first. */
async function toDropList(graph: unknown, file: string, opts: Options): Promise<unknown[]> {
  if (Array.isArray(graph)) return graph;
  if (typeof graph === 'object' && graph !== null) {
    try {
      const { drops, warnings } = await translateForDeploy(graph as Record<string, unknown>, { params: opts.params, url: opts.url, file, token: opts.token, maxDrops: opts.maxDrops });
      if (warnings.length) process.stderr.write(formatDiagnostics(warnings, { format: 'text', color: useColor(process.stderr) }));
      return drops;
    } catch (err) {
      if (err instanceof TranslateFailed) {
        process.stderr.write(formatDiagnostics(err.diagnostics, { format: 'text', color: useColor(process.stderr) }));
        throw new UserError(CODES.DEPLOY_NEEDS_TRANSLATOR, `${file}: the logical graph cannot be translated (see above)`);
      }
      throw err;
    }
  }
  throw new UserError(CODES.DEPLOY_BAD_GRAPH_FILE, `${file} holds neither a drop list (PG/PGT) nor a logical graph`);
}

function progressBar(enabled: boolean) {
  if (!enabled) return { update(_p: Progress) {}, stop() {} };
  const start = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {value}/{total} drops | {completed} completed, {error} error, {skipped} skipped | {elapsed}s',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: Progress) {
      const d = doneCounts(p);
      const payload = { ...d, elapsed: ((Date.now() - start) / 1000).toFixed(1) };
      if (!started) {
        bar.start(p.total, d.done, payload);
        started = true;
      } else {
        bar.setTotal(p.total);
        bar.update(d.done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function summaryLine(status: number, p: Progress | undefined, seconds: number): string {
  const counts = p ? doneCounts(p) : undefined;
  const drops = counts && p ? ` — ${counts.completed} completed, ${counts.error} error, ${counts.skipped} skipped of ${p.total} drops` : '';
  const lost = p?.lost?.length ? `; lost manager(s): ${p.lost.join(', ')}` : '';
  return `session ${sessionStateName(status)} in ${seconds.toFixed(1)} s${drops}${lost}`;
}

function exitFor(status: number): number {
  return status === SessionState.FINISHED ? EXIT_OK : EXIT_FAILED;
}

async function deployRemote(pg: unknown[], opts: Options): Promise<number> {
  let base: URL;
  try {
    base = new URL(opts.url!);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new UserError(CODES.USAGE, `--url must be an http(s) URL such as http://localhost:8000, not '${opts.url}'`);
  }
  const client = new ManagerClient(base.toString(), { token: opts.token, timeoutMs: opts.timeout * 1000 });
  const t0 = Date.now();
  const { sessionId, drops } = await submit(client, pg, { sessionId: opts.sessionId, skipDeploy: opts.skipDeploy, compress: opts.compress });
  process.stdout.write(`${sessionId}\n`);
  printNote(TOOL, `session ${sessionId}: ${drops} drops ${opts.skipDeploy ? 'appended (not deployed)' : 'deployed'} on ${client.baseUrl}`);
  if (!opts.wait || opts.skipDeploy) return EXIT_OK;
  const bar = progressBar(opts.progress);
  let last: Progress | undefined;
  const status = await waitForSession(client, sessionId, {
    pollIntervalMs: opts.pollInterval * 1000,
    onProgress: (p) => {
      last = p;
      bar.update(p);
    },
  });
  bar.stop();
  printNote(TOOL, summaryLine(status, last, (Date.now() - t0) / 1000));
  return exitFor(status);
}

async function deployEmbedded(pg: unknown[], opts: Options): Promise<number> {
  const bar = progressBar(opts.progress);
  let cancel: (() => void) | undefined;
  const onSignal = () => cancel?.();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const r = await runEmbedded(pg, {
      dlgRoot: opts.dlgRoot,
      maxWorkers: opts.maxWorkers,
      python: pythonFromCli(opts),
      sessionId: opts.sessionId,
      dataDirs: opts.dataDir,
      appTimeout: opts.appTimeout,
      onProgress: (s) => bar.update(s),
      progressIntervalMs: 200,
      onStarted: (c) => (cancel = c),
    });
    bar.stop();
    printNote(TOOL, summaryLine(r.status, r.summary, (r.deployMs + r.runMs) / 1000));
    process.stdout.write(`${r.sessionDir}\n`);
    return exitFor(r.status);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command(TOOL)
    .description('Deploy a physical graph on a DALiuGE-compatible manager, or run it here without a server')
    .argument('<graph>', 'PG or PGT JSON (a drop list), or a logical graph; - reads stdin')
    .option('-u, --url <url>', 'manager URL, e.g. http://localhost:8000 (default: run on the embedded engine)')
    .option('-s, --session-id <id>', 'session id (default: the Unix time, as DALiuGE)')
    .option('-S, --skip-deploy', 'create the session and append the graph, but do not deploy it')
    .option('-w, --wait', 'with --url: wait for the session to end, showing progress')
    .option('-i, --poll-interval <seconds>', 'seconds between status polls with --wait', positive('--poll-interval'), 1)
    .option('-p, --params <file-or-name=value>', 'parameters for a logical graph input (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--dlg-root <dir>', 'embedded engine: DALiuGE root; sessions go to <dir>/workspace (default ~/dlg)')
    .option('--max-workers <n>', 'embedded engine: apps running at once (default: the number of cores)', positive('--max-workers'))
    .option('--data-dir <dir>', 'embedded engine: a directory outside the session directory that FileDROPs may read and write (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--compress', 'send the graph zlib-compressed, as DALiuGE does')
    .option('--timeout <seconds>', 'with --url: longest wait for each answer of the manager', positive('--timeout'), 60)
    .option('--app-timeout <seconds>', 'embedded engine: end bash commands running longer than this (an app\'s own timeout parameter wins)', positive('--app-timeout'))
    .option('--token <token>', 'with --url: the manager\'s token, sent as Authorization: Bearer (default: $DLG_TOKEN)')
    .option('--no-progress', 'no progress bar')
    .option('--max-drops <n>', 'a logical graph input: refuse to unroll into more drops than this (default 50000000)', positiveInteger('--max-drops'));
  addPythonOptions(program, 'embedded engine: ').showHelpAfterError().exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const slurmOnly = addSlurmOptions(program);
  const parsed = await parseCommandLine(program, argv);
  if (parsed !== undefined) return parsed;
  const file = program.args[0]!;
  const opts = program.opts<Options>();
  opts.progress = opts.progress !== false && process.stderr.isTTY === true;
  opts.token = opts.token || process.env.DLG_TOKEN || undefined;
  if (opts.maxWorkers !== undefined) opts.maxWorkers = Math.floor(opts.maxWorkers);
  if (opts.slurm) return slurm(file, program.opts<SlurmCliOptions & Options>());
  const misplaced = slurmOnly.find((k) => { const v = program.getOptionValue(k); return Array.isArray(v) ? v.length > 0 : v !== undefined; });
  if (misplaced) throw new UserError(CODES.USAGE, `--${misplaced.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --slurm`);
  if (!opts.url && opts.skipDeploy) throw new UserError(CODES.USAGE, '--skip-deploy needs --url: the embedded engine always runs the graph');
  const pg = await toDropList(readGraph(file), file, opts);
  return opts.url ? deployRemote(pg, opts) : deployEmbedded(pg, opts);
}

async function slurm(file: string, opts: SlurmCliOptions & Options): Promise<number> {
  for (const [flag, set] of [['--url', opts.url], ['--skip-deploy', opts.skipDeploy], ['--compress', opts.compress]] as const) {
    if (set) throw new UserError(CODES.USAGE, `${flag} does not go with --slurm: the job deploys on the managers it starts`);
  }
  for (const k of ['nodes', 'ntasksPerNode', 'ntasks', 'islands', 'maxWorkers', 'basePort', 'startTimeout'] as const) {
    if (opts[k] !== undefined && !Number.isInteger(opts[k])) throw new UserError(CODES.USAGE, `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a whole number`);
  }
  try {
    return await deploySlurm(file, { ...opts, sbatch: opts.sbatch ?? [] }, (m) => printNote(TOOL, m), (l) => process.stdout.write(`${l}\n`));
  } catch (err) {
    if (err instanceof SlurmUsageError) throw new UserError(CODES.SLURM_BAD_OPTION, err.message);
    if (err instanceof SubmitError) throw new UserError(CODES.SLURM_SUBMIT_FAILED, err.message);
    throw err;
  }
}

runCommand(TOOL, main);
