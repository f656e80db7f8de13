// Printing diagnostics like a compiler: text (chalk colours, NO_COLOR and non-TTY respected),
// json (an array), or github (workflow annotation lines). Shared by every CLI.

import { Chalk, type ChalkInstance } from 'chalk';
import type { Diagnostic } from './diagnostics.ts';

export type ReportFormat = 'text' | 'json' | 'github';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'github'];

export interface ReportOptions {
  format: ReportFormat;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** force colours on or off; default: on for a TTY unless NO_COLOR is set (FORCE_COLOR wins) */
  color?: boolean;
  /** leave warnings and infos out */
  quiet?: boolean;
}

/** https://no-color.org and the FORCE_COLOR convention, then whether the stream is a terminal. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

function nodeLabel(d: Diagnostic): string | undefined {
  if (d.nodeId === undefined && d.nodeName === undefined) return undefined;
  if (d.nodeName === undefined) return `node ${d.nodeId}`;
  const name = d.nodeName === undefined || d.nodeName === '' ? '(unnamed)' : d.nodeName.replace(/\s*\n\s*/g, ' ');
  return d.nodeId === undefined ? name : `${name} (${d.nodeId})`;
}

function position(d: Diagnostic): string {
  if (d.line === undefined) return '';
  return d.column === undefined ? `:${d.line}` : `:${d.line}:${d.column}`;
}

/** One diagnostic as a line of text: `file:line:col: NODE (id): error DLG1234: message [field ...] at /pointer`. */
export function formatText(d: Diagnostic, c: ChalkInstance = new Chalk({ level: 0 })): string {
  const parts: string[] = [];
  if (d.file !== undefined) parts.push(c.bold(`${d.file}${position(d)}`) + ':');
  const node = nodeLabel(d);
  if (node) parts.push(c.cyan(node) + ':');
  const sev = d.severity === 'error' ? c.red.bold(`error ${d.code}`) : d.severity === 'warning' ? c.yellow.bold(`warning ${d.code}`) : c.blue(`info ${d.code}`);
  parts.push(`${sev}:`);
  parts.push(d.message);
  const extra: string[] = [];
  if (d.field !== undefined) extra.push(`field '${d.field}'`);
  if (d.port !== undefined) extra.push(`port '${d.port}'`);
  if (extra.length) parts.push(c.dim(`[${extra.join(', ')}]`));
  if (d.pointer !== undefined && d.pointer !== '') parts.push(c.dim(`at ${d.pointer}`));
  return parts.join(' ');
}

// GitHub workflow commands: data and property values are escaped differently.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One diagnostic as a GitHub Actions annotation (`::error file=...,line=..,title=DLG1234::message`). */
export function formatGithub(d: Diagnostic): string {
  const kind = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const props: string[] = [];
  if (d.file !== undefined && d.file !== '-') props.push(`file=${escapeProperty(d.file)}`);
  if (d.line !== undefined) props.push(`line=${d.line}`);
  if (d.column !== undefined) props.push(`col=${d.column}`);
  props.push(`title=${escapeProperty(d.code)}`);
  const node = nodeLabel(d);
  const where = [d.field !== undefined ? `field '${d.field}'` : '', d.port !== undefined ? `port '${d.port}'` : '', d.pointer ? `at ${d.pointer}` : ''].filter(Boolean).join(', ');
  const message = `${node ? `${node}: ` : ''}${d.message}${where ? ` (${where})` : ''}`;
  return `::${kind} ${props.join(',')}::${escapeData(message)}`;
}

export function formatDiagnostics(diags: readonly Diagnostic[], options: Omit<ReportOptions, 'stream'> & { color?: boolean }): string {
  const shown = options.quiet ? diags.filter((d) => d.severity === 'error') : diags;
  if (options.format === 'json') return JSON.stringify(shown, null, 2) + '\n';
  if (options.format === 'github') return shown.map((d) => formatGithub(d) + '\n').join('');
  const c = new Chalk({ level: options.color ? 1 : 0 });
  return shown.map((d) => formatText(d, c) + '\n').join('');
}

/** Writes diagnostics to the stream in the chosen format. */
export function printDiagnostics(diags: readonly Diagnostic[], options: ReportOptions): void {
  const color = options.color ?? useColor(options.stream);
  const text = formatDiagnostics(diags, { ...options, color });
  // json always prints (an empty array is an answer); the others print nothing for nothing.
  if (text !== '') options.stream.write(text);
}

export interface FileOutcome {
  file: string;
  errors: number;
  warnings: number;
}

export function countOutcome(file: string, diags: readonly Diagnostic[]): FileOutcome {
  let errors = 0;
  let warnings = 0;
  for (const d of diags) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { file, errors, warnings };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 files: 2 ok, 1 with errors (4 errors, 1 warning)" */
export function summaryLine(outcomes: readonly FileOutcome[]): string {
  const withErrors = outcomes.filter((o) => o.errors > 0).length;
  const withWarnings = outcomes.filter((o) => o.errors === 0 && o.warnings > 0).length;
  const ok = outcomes.length - withErrors - withWarnings;
  const errors = outcomes.reduce((s, o) => s + o.errors, 0);
  const warnings = outcomes.reduce((s, o) => s + o.warnings, 0);
  const groups = [`${ok} ok`];
  if (withWarnings) groups.push(`${withWarnings} with warnings`);
  if (withErrors) groups.push(`${withErrors} with errors`);
  const totals = errors || warnings ? ` (${[errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ')})` : '';
  return `${plural(outcomes.length, 'file')}: ${groups.join(', ')}${totals}`;
}
