// dlg-translate: LG/LGT (or a PGT) → filled LG, PGT, partitioned PGT or PG.
// Exit codes: 0 done, 1 the graph has errors, 2 usage error.

import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CODES, error, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { formatSummary, summarise } from '../emit/summary.ts';
import { writeOutput } from '../emit/sink.ts';
import { loadFile } from '../load/index.ts';
import { outputChunks, translate, type EmitKind } from '../translate.ts';
import { fillStepFromCli } from './fill-options.ts';
import { printDiagnostics, type ReportFormat } from './report.ts';

interface Opts {
  emit: EmitKind;
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
  .description('Translate a DALiuGE logical graph (template) into a physical graph template')
  .argument('<input>', "logical graph (.graph/.json), or a PGT drop list; '-' reads stdin")
  .option('--emit <kind>', 'what to write: lg (filled logical graph), pgt', choice(['lg', 'pgt'] as const), 'pgt')
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
  .option('--max-drops <n>', 'refuse to unroll into more drops than this', positiveInt)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

async function main(argv: string[]): Promise<number> {
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const [file] = program.args;
  const o = program.opts<Opts>();
  const diagnostics: Diagnostic[] = [];
  const report = () => printDiagnostics(diagnostics, { format: o.format, stream: process.stderr });

  const fill = fillStepFromCli(o);
  if (!fill.value) {
    diagnostics.push(...fill.diagnostics);
    report();
    return 2;
  }
  const loaded = loadFile(file);
  diagnostics.push(...loaded.diagnostics);
  if (!loaded.value || hasErrors(diagnostics)) {
    report();
    return 1;
  }
  const t = translate(loaded.value, { ...o, emit: o.emit, fill: fill.value, oidPrefix: o.oidPrefix, maxDrops: o.maxDrops });
  diagnostics.push(...t.diagnostics);
  if (!t.value || hasErrors(diagnostics)) {
    report();
    return 1;
  }
  if (o.summary && t.value.kind === 'table') process.stderr.write(formatSummary(summarise(t.value.table)));
  try {
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
