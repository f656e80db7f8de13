// dlg-validate: check logical graphs, templates and PGT/PG drop lists, e.g. in CI.
// Every file is checked (a bad one never stops the others). Exit codes: 0 no errors,
// 1 some error (or a warning with --strict), 2 usage error, 70 a bug in this program.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { CODES, error, hasErrors, type Diagnostic } from '../../kernel/diagnostics.ts';
import { fillOptionsFromCli, type CliFill } from '../fill/index.ts';
import { loadSource, readSource } from '../load/index.ts';
import { validate } from '../validate/index.ts';
import { locatePointers } from '../validate/locate.ts';
import { countOutcome, printDiagnostics, summaryLine, useColor, type FileOutcome, type ReportFormat } from '../../kernel/report.ts';

interface Opts {
  params?: string;
  param: string[];
  config?: string;
  configFile?: string;
  format: ReportFormat;
  strict?: boolean;
  quiet?: boolean;
}

const GRAPH_FILE = /\.(graph|json)$/i;

function program(): Command {
  return new Command()
    .name('dlg-validate')
    .description('Validate DALiuGE logical graphs (LG), templates (LGT) and physical graph drop lists (PGT/PG).')
    .argument('<files...>', "files to check (.graph, .json); a directory is searched for them recursively; '-' reads stdin")
    .option('--params <file>', 'fill templates with this JSON object of parameter name → value')
    .option('-p, --param <name=value>', 'a parameter (repeatable; also a JSON object); wins over --params', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--config <name|id>', 'apply this embedded graph configuration instead of the active one')
    .option('--config-file <file>', 'apply this external graph configuration')
    .addOption(new Option('--format <format>', 'how to print diagnostics').choices(['text', 'json', 'github']).default('text'))
    .option('--strict', 'fail on warnings too')
    .option('-q, --quiet', 'print errors only, and no summary')
    .addHelpText(
      'after',
      `
Parameters and configurations apply to logical graphs only. A parameter name is a
~placeholder of the template, a global variable, or '<node name>.<field name>' /
'<node id>.<field name>'.

Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 usage error.`,
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** Expands directories; O(entries). Order: as given, directory contents sorted. */
function expand(args: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(dir, name);
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        continue; // a dangling link: nothing to check
      }
      if (isDir) walk(p);
      else if (GRAPH_FILE.test(name)) out.push(p);
    }
  };
  for (const a of args) {
    let isDir = false;
    try {
      isDir = a !== '-' && statSync(a).isDirectory();
    } catch {
      // missing: loading it reports "no such file"
    }
    if (isDir) walk(a);
    else out.push(a);
  }
  return out;
}

/** Adds line/column to diagnostics that point into the file's text. */
function withPositions(text: string, diags: Diagnostic[], file: string): Diagnostic[] {
  const pointers = diags.filter((d) => d.line === undefined && d.pointer !== undefined && (d.file === undefined || d.file === file)).map((d) => d.pointer!);
  if (!pointers.length) return diags;
  const pos = locatePointers(text, pointers);
  return diags.map((d) => {
    if (d.line !== undefined || d.pointer === undefined || (d.file !== undefined && d.file !== file)) return d;
    const p = pos.get(d.pointer);
    return p ? { ...d, line: p.line, column: p.column } : d;
  });
}

function checkFile(file: string, fill: CliFill, configFileName: string | undefined): Diagnostic[] {
  const src = readSource(file);
  if (!src.value) return src.diagnostics;
  const loaded = loadSource(src.value);
  const diags = [...loaded.diagnostics];
  if (loaded.value) diags.push(...validate(loaded.value, { ...fill, configFileName }));
  return withPositions(src.value.text, diags.map((d) => ({ file, ...d })), file);
}

export async function main(argv: string[]): Promise<number> {
  const cmd = program();
  try {
    cmd.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = cmd.opts<Opts>();
  const out = { format: o.format, stream: process.stdout, quiet: o.quiet };
  const fill = fillOptionsFromCli({ params: o.params, param: o.param, config: o.config, configFile: o.configFile });
  if (!fill.value) {
    printDiagnostics(fill.diagnostics, { ...out, stream: process.stderr });
    return 2;
  }
  const files = expand(cmd.args);
  if (!files.length) {
    printDiagnostics([error(CODES.USAGE, `no .graph or .json files found in ${cmd.args.join(', ')}`)], { ...out, stream: process.stderr });
    return 2;
  }
  const outcomes: FileOutcome[] = [];
  const all: Diagnostic[] = [];
  let internal = false;
  for (const file of files) {
    let diags: Diagnostic[];
    try {
      diags = checkFile(file, fill.value, o.configFile);
    } catch (e) {
      // A bug in this program: say so with the trace, and go on with the other files.
      process.stderr.write(`dlg-validate: internal error while checking ${file} (please report): ${(e as Error).stack ?? e}\n`);
      diags = [error(CODES.INTERNAL, `internal error: ${(e as Error).message}`, { file })];
      internal = true;
    }
    outcomes.push(countOutcome(file, diags));
    if (o.format === 'json') all.push(...diags);
    else printDiagnostics(diags, out);
  }
  if (o.format === 'json') printDiagnostics(o.quiet ? all.filter((d) => d.severity === 'error') : all, { ...out, quiet: false });
  if (o.format === 'text' && !o.quiet) {
    const line = summaryLine(outcomes);
    const color = useColor(process.stderr);
    process.stderr.write((color ? `\u001b[1m${line}\u001b[22m` : line) + '\n');
  }
  if (internal) return 70;
  const failed = outcomes.some((f) => f.errors > 0 || (o.strict && f.warnings > 0));
  return failed || hasErrors(all) ? 1 : 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`dlg-validate: internal error (please report): ${(e as Error).stack ?? e}\n`);
    process.exitCode = 70;
  },
);
