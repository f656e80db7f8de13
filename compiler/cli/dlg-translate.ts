// dlg-translate: LG/LGT (or a PGT) → filled LG, PGT, partitioned PGT or PG.
// Exit codes: 0 done, 1 the graph has errors, 2 usage error.

import { basename } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CODES, error, hasErrors, type Diagnostic, type Result } from '../diagnostics.ts';
import { fetchNodes, parseNodeList } from '../map/index.ts';
import { parseAlgorithmParams } from '../schedule/params.ts';
import type { PlaceOptions } from '../place.ts';
import { formatPlan } from '../emit/summary.ts';
import { formatSummary, summarise } from '../emit/summary.ts';
import { writeOutput } from '../emit/sink.ts';
import { loadFile } from '../load/index.ts';
import { outputChunks, translate, type EmitKind } from '../translate.ts';
import { fillStepFromCli } from './fill-options.ts';
import { printDiagnostics, type ReportFormat } from './report.ts';

interface Opts {
  emit: EmitKind | 'html';
  output?: string;
  pretty?: boolean;
  summary?: boolean;
  oidPrefix: string;
  zerorun?: boolean;
  app: 0 | 1 | 2;
  params?: string;
  param: string[];
  config?: string;
  configFile?: string;
  format: ReportFormat;
  maxDrops?: number;
  partitions?: number;
  islands: number;
  algorithm?: string;
  algoParam: string[];
  nodes?: string;
  nodesFrom?: string;
  coHostDim?: boolean;
}

function choice<T extends string>(values: readonly T[]) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    return v as T;
  };
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

const program = new Command()
  .name('dlg-translate')
  .description('Translate a DALiuGE logical graph (template) into a physical graph template\n(`dlg-translate serve --help`: the translator service for EAGLE)')
  .argument('<input>', "logical graph (.graph/.json), or a PGT drop list; '-' reads stdin")
  .option('--emit <kind>', 'what to write: lg (filled logical graph), pgt (drops), pgtp (drops with node/island labels), pg (drops on hosts), html (the graph viewer as one self-contained file)', choice(['lg', 'pgt', 'pgtp', 'pg', 'html'] as const), 'pgt')
  .option('-o, --output <file>', 'write here instead of stdout (written only if the whole run succeeds)')
  .option('--pretty', 'indent the JSON output')
  .option('--summary', 'print drops per node and construct, totals and the widest fan-in/out to stderr')
  .option('--oid-prefix <prefix>', 'prefix of every drop oid', '1')
  .option('--zerorun', 'set every sleep_time to 0')
  .option('--app <n>', 'replace every application: 0 keep, 1 SleepApp, 2 SleepAndCopyApp', (v) => Number(choice(['0', '1', '2'] as const)(v)) as 0 | 1 | 2, 0)
  .option('--params <file>', 'JSON object of parameter name → value')
  .option('-p, --param <name=value>', 'a parameter (repeatable; also a JSON object)', (v: string, prev: string[]) => [...prev, v], [] as string[])
  .option('--config <name|id>', 'apply this embedded graph configuration instead of the active one')
  .option('--config-file <file>', 'apply an external graph configuration')
  .option('--format <format>', 'diagnostics format: text, json, github', choice(['text', 'json', 'github'] as const), 'text')
  .option('--max-drops <n>', 'refuse to unroll into more drops than this (default 50000000)', positiveInt)
  .option('-N, --partitions <n>', 'pgtp/pg: at most this many partitions (node slots); pg default: one per node manager host, pgtp default 1', positiveInt)
  .option('-i, --islands <n>', 'pgtp/pg: at most this many data islands', positiveInt, 1)
  .option('-a, --algorithm <name>', 'pgtp/pg: none, metis, mysarkar, min_num_parts, pso (default metis)')
  .option('-A, --algo-param <name=value>', 'an algorithm parameter (repeatable), e.g. max_load_imb=90', (v: string, prev: string[]) => [...prev, v], [] as string[])
  .option('--nodes <host[:port],...>', 'pg: hosts; the first --islands run the island managers')
  .option('--nodes-from <url>', "pg: ask a running manager for its nodes (GET /api/nodes)")
  .option('--co-host-dim', 'pg: also run a node manager on each island manager host')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

/** -a, -A, -N, -i and the node list, checked before any graph is read. */
async function placeOptions(o: Opts): Promise<Result<Omit<PlaceOptions, 'target'>>> {
  const diagnostics: Diagnostic[] = [];
  const params: Record<string, string> = {};
  for (const a of o.algoParam) {
    const eq = a.indexOf('=');
    if (eq <= 0) diagnostics.push(error(CODES.USAGE, `-A ${a}: expected name=value`));
    else params[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
  }
  if (!hasErrors(diagnostics)) diagnostics.push(...parseAlgorithmParams(o.algorithm ?? 'metis', params).diagnostics);
  let nodes: string[] | undefined;
  if (o.nodes !== undefined && o.nodesFrom !== undefined) diagnostics.push(error(CODES.USAGE, 'give either --nodes or --nodes-from, not both'));
  else if (o.nodes !== undefined) {
    const r = parseNodeList(o.nodes);
    diagnostics.push(...r.diagnostics);
    nodes = r.value;
  } else if (o.nodesFrom !== undefined && o.emit === 'pg') {
    const r = await fetchNodes(o.nodesFrom);
    diagnostics.push(...r.diagnostics);
    nodes = r.value;
  }
  if (o.emit === 'pg' && nodes === undefined && !hasErrors(diagnostics)) {
    diagnostics.push(error(CODES.USAGE, '--emit pg needs the hosts: --nodes host[:port],... or --nodes-from http://manager:8001'));
  }
  if (hasErrors(diagnostics)) return { diagnostics };
  // One host (the laptop case) cannot hold an island manager and a separate node manager.
  let coHostDim = o.coHostDim;
  if (o.emit === 'pg' && nodes?.length === 1 && o.islands === 1 && !coHostDim) {
    coHostDim = true;
    diagnostics.push({ code: CODES.MAP_CO_HOSTED, severity: 'info', message: `one host given (${nodes[0]}): it runs both the island manager and the node manager, as with --co-host-dim`, field: 'nodes' });
  }
  // Without -N a PG uses every node manager it was given.
  const managers = nodes ? (coHostDim ? nodes.length : nodes.length - o.islands) : 1;
  return {
    value: {
      algorithm: o.algorithm ?? 'metis', algorithmGiven: o.algorithm !== undefined, params,
      numPartitions: o.partitions ?? Math.max(1, managers), numIslands: o.islands, nodes, coHostDim,
      // The exact degree of parallelism costs a max flow; only --summary shows it.
      dop: o.summary === true,
    },
    diagnostics,
  };
}

/** --emit html shows what the other options make: a PG with --nodes, a partitioned PGT with -a/-N/-i, else the PGT. */
function htmlSource(o: Opts): EmitKind {
  if (o.nodes !== undefined || o.nodesFrom !== undefined) return 'pg';
  return o.algorithm !== undefined || o.partitions !== undefined || o.islands > 1 ? 'pgtp' : 'pgt';
}

async function main(argv: string[]): Promise<number> {
  // `dlg-translate serve`: EAGLE's translator service (reference §7.11).
  if (argv[2] === 'serve') return (await import('../../service/cli.ts')).serve(argv.slice(3));
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const [file] = program.args;
  const given = program.opts<Opts>();
  const html = given.emit === 'html';
  const o: Opts & { emit: EmitKind } = { ...given, emit: html ? htmlSource(given) : (given.emit as EmitKind) };
  const diagnostics: Diagnostic[] = [];
  const report = () => printDiagnostics(diagnostics, { format: o.format, stream: process.stderr });

  const fill = fillStepFromCli(o);
  if (!fill.value) {
    diagnostics.push(...fill.diagnostics);
    report();
    return 2;
  }
  const place = await placeOptions(o);
  diagnostics.push(...place.diagnostics);
  if (!place.value) {
    report();
    return 2;
  }
  const loaded = loadFile(file);
  diagnostics.push(...loaded.diagnostics);
  if (!loaded.value || hasErrors(diagnostics)) {
    report();
    return 1;
  }
  const t = translate(loaded.value, { ...o, emit: o.emit, fill: fill.value, oidPrefix: o.oidPrefix, maxDrops: o.maxDrops, place: place.value });
  diagnostics.push(...t.diagnostics);
  if (!t.value || hasErrors(diagnostics)) {
    report();
    return 1;
  }
  if (o.summary && t.value.kind === 'table') process.stderr.write(formatSummary(summarise(t.value.table)));
  if (o.summary && t.value.kind !== 'lg' && t.value.placed?.plan) process.stderr.write(formatPlan(t.value.placed.plan));
  try {
    if (html && t.value.kind !== 'lg') {
      const { htmlOfTranslation } = await import('../../views/html.ts');
      await writeOutput(o.output, [htmlOfTranslation(t.value, file === '-' ? 'stdin' : basename(file), o.oidPrefix)]);
      report();
      return 0;
    }
    await writeOutput(o.output, (pool) => outputChunks(t.value!, { oidPrefix: o.oidPrefix, pretty: o.pretty, zerorun: o.zerorun, app: o.app, pool }));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EPIPE') return 0;
    diagnostics.push(error(CODES.USAGE, `cannot write ${o.output ?? 'stdout'}: ${err.code ?? err.message}`));
    report();
    return 2;
  }
  report();
  return 0;
}

main(process.argv).then(
  (code) => process.exit(code),
  (e) => {
    // A bug in this program, not a user error: say so, with the trace.
    process.stderr.write(`dlg-translate: internal error (please report): ${(e as Error).stack ?? e}\n`);
    process.exit(70);
  },
);
