// Words of the batch script, quoted in one pass. A value is either taken literally
// (shellQuote) or, for paths that name the environment of the compute node ($HOME, $USER,
// ${SCRATCH}...), literal text with those variable references left for the job's shell to
// expand: nothing else in the value (backquotes, $(...), ;, spaces) is ever interpreted.

import { shellQuote } from '../drops/apps/bash-command.ts';

export { shellQuote };

const VAR = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** One shell word: literal text, except `$NAME` / `${NAME}` references, expanded by the shell. */
export function shellWordWithVars(value: string): string {
  let out = '';
  let last = 0;
  for (const m of value.matchAll(VAR)) {
    if (m.index! > last) out += shellQuote(value.slice(last, m.index));
    out += `"\${${m[1] ?? m[2]}}"`;
    last = m.index! + m[0].length;
  }
  if (last < value.length || out === '') out += shellQuote(value.slice(last));
  return out;
}

/** `$NAME` / `${NAME}` replaced from `env` (unset names become ""), for values sbatch reads itself. */
export function expandVars(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(VAR, (_, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? '');
}
