// Reading input text (a file path or '-' for stdin) and parsing it as JSON with
// diagnostics that say where the text went wrong.

import { readFileSync } from 'node:fs';
import { CODES, error, type Diagnostic, type Result } from '../../kernel/diagnostics.ts';
import { jsonErrorOffset } from './json-error.ts';

export interface Source {
  /** the path given by the user, or '-' for stdin */
  file: string;
  text: string;
}

export function readSource(file: string): Result<Source> {
  try {
    const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    return { value: { file, text }, diagnostics: [] };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    return { diagnostics: [error(CODES.READ_FAILED, `cannot read ${file}: ${why}`, { file })] };
  }
}

/** 1-based line and column of a character offset. Linear in the offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

export function parseJson(source: Source): Result<unknown> {
  const { text, file } = source;
  if (text.trim() === '') {
    return { diagnostics: [error(CODES.NOT_JSON, 'the input is empty, expected a JSON document', { file, pointer: '' })] };
  }
  try {
    // Strip a UTF-8 byte order mark, which some editors write.
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return { value: JSON.parse(body), diagnostics: [] };
  } catch (e) {
    return { diagnostics: [jsonSyntaxDiagnostic(text, file, (e as Error).message)] };
  }
}

function jsonSyntaxDiagnostic(text: string, file: string, message: string): Diagnostic {
  const pos = /position (\d+)/.exec(message);
  // V8 gives no position for some errors ("Unexpected token"): find it ourselves (linear,
  // only on failure).
  const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
  // V8 says "Expected double-quoted property name" (not "end of input") for text cut after a comma.
  const truncated = /end of (JSON )?input|Unterminated string/i.test(message) || offset >= text.trimEnd().length;
  const where = lineColumn(text, truncated ? text.length : offset);
  const detail = message
    .replace(/^JSON\.parse: /, '')
    .replace(/ (in JSON )?at position \d+.*$/, '')
    // V8 quotes the whole text in this message; the position says where instead.
    .replace(/, "[\s\S]*" is not valid JSON$/, '');
  if (truncated) {
    return error(
      CODES.TRUNCATED_JSON,
      `the JSON text ends early (truncated file?): ${detail}`,
      { file, ...where },
    );
  }
  return error(CODES.NOT_JSON, `not valid JSON: ${detail}`, { file, ...where });
}
