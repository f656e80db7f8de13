// How the engine's commands talk to a user: one line per problem on stderr, with a stable
// code, coloured when stderr is a terminal (chalk honours NO_COLOR and FORCE_COLOR).

import chalk from 'chalk';
import type { Command } from 'commander';
import { CODES, type Code } from '../../kernel/diagnostics.ts';
import { ConnectionError, ManagerError } from '../client/client.ts';
import { EngineError } from '../errors.ts';

if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') chalk.level = 0;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A user-facing failure: printed without a stack trace, then the process exits with `exit`. */
export class UserError extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly exit: number = EXIT_USAGE,
  ) {
    super(message);
  }
}

export function printError(tool: string, code: Code, message: string): void {
  process.stderr.write(`${tool}: ${chalk.red.bold('error')} ${chalk.dim(`[${code}]`)} ${message}\n`);
}

export function printNote(tool: string, message: string): void {
  process.stderr.write(`${tool}: ${message}\n`);
}

/** Map any error to a printed message and an exit code; only bugs keep their stack trace. */
export function reportFailure(tool: string, err: unknown): number {
  if (err instanceof UserError) {
    printError(tool, err.code, err.message);
    return err.exit;
  }
  if (err instanceof ConnectionError) {
    printError(tool, CODES.DEPLOY_CONNECTION, err.message);
    return EXIT_USAGE;
  }
  if (err instanceof ManagerError) {
    printError(tool, CODES.DEPLOY_REJECTED, `the manager at ${err.url} refused the request: ${err.type} (HTTP ${err.httpStatus})${describe(err.args)}`);
    return EXIT_USAGE;
  }
  if (err instanceof EngineError) {
    printError(tool, CODES.DEPLOY_REJECTED, `${err.type} (HTTP ${err.httpStatus})${describe(err.args)}`);
    return EXIT_USAGE;
  }
  printError(tool, CODES.INTERNAL, `internal error (a bug in dlg-ts): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return EXIT_FAILED;
}

/** ": <first arg>" and the details, one per line; nothing when the error has no args. */
function describe(args: unknown[]): string {
  if (!Array.isArray(args) || args.length === 0) return '';
  const [first, ...rest] = args;
  const head = ': ' + (typeof first === 'string' ? first : JSON.stringify(first));
  // Structured details (e.g. the list of unimplemented drops) follow, one per line.
  const details = rest
    .filter((r) => !(Array.isArray(r) && r.length === 0))
    .flatMap((r) => (Array.isArray(r) ? r : [r]))
    .map((r) => `\n    ${typeof r === 'string' ? r : JSON.stringify(r)}`);
  return head + details.join('');
}

/**
 * Parses the command line with a program built with exitOverride(): commander has already
 * printed the help or the usage error, so only the exit code is left to decide. Undefined when
 * parsing went through (and the actions have run).
 */
export async function parseCommandLine(program: Command, argv: string[]): Promise<number | undefined> {
  try {
    await program.parseAsync(argv);
    return undefined;
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'commander.helpDisplayed' || code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
  }
}

/** Runs a command's main: what it resolves to is the exit code; what it throws is reported by reportFailure. */
export function runCommand(tool: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportFailure(tool, err);
    },
  );
}
