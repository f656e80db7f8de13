// DLG3008: construct multiplicities (Q17). Scatter num_of_copies (aliases num_of_splits,
// "Number of copies"): missing → a warning, the translator uses 4. Loop num_of_iter
// (aliases "Number of Iterations", "Number of loops"): missing → an error (the reference
// crashes). Gather num_of_inputs (default 1) and Mpi num_of_procs: positive integers.

import { CODES, error, warning } from '../../diagnostics.ts';
import type { LgNode } from '../../model.ts';
import { integerOf, notIntegerReason, show } from '../../fill/convert.ts';
import type { LgContext } from '../context.ts';
import { COPIES, INPUTS, ITERATIONS, PROCS, isUnfilledPlaceholder, multiplicity } from '../graph.ts';

interface Spec {
  aliases: readonly string[];
  /** what a missing value means: a default (warning or nothing) or an error */
  missing: 'error' | 'warn-default' | 'default';
  defaultValue?: number;
}

function specOf(n: LgNode): Spec | undefined {
  if (n.construct === 'Scatter') return { aliases: COPIES, missing: 'warn-default', defaultValue: 4 };
  if (n.construct === 'Loop') return { aliases: ITERATIONS, missing: 'error' };
  if (n.construct === 'Gather') return { aliases: INPUTS, missing: 'default', defaultValue: 1 };
  if (n.kind === 'app' && n.category === 'Mpi') return { aliases: PROCS, missing: 'error' };
  return undefined;
}

export function multiplicityRule(ctx: LgContext): void {
  for (const n of ctx.graph.nodes) {
    const spec = specOf(n);
    if (!spec) continue;
    const what = n.construct ?? n.category;
    const m = multiplicity(n, spec.aliases);
    if (m.key === undefined) {
      if (spec.missing === 'error') ctx.report(error(CODES.BAD_MULTIPLICITY, `${what} has no ${spec.aliases[0]} field: add it with a positive integer (how many ${n.construct === 'Loop' ? 'iterations' : 'processes'})`, ctx.at(n, { field: spec.aliases[0] })));
      else if (spec.missing === 'warn-default') ctx.report(warning(CODES.BAD_MULTIPLICITY, `${what} has no ${spec.aliases[0]} field: the translator uses ${spec.defaultValue} copies`, ctx.at(n, { field: spec.aliases[0] })));
      continue;
    }
    if (m.count !== undefined || isUnfilledPlaceholder(m.value)) continue;
    const f = m.field !== undefined && m.field >= 0 ? n.fields[m.field] : undefined;
    const num = integerOf(m.value);
    const why =
      m.value === '' || m.value === null || m.value === undefined ? 'is empty'
      : num !== undefined ? `is ${num}, but must be at least 1`
      : `is ${show(m.value)}, which ${notIntegerReason(m.value)}`;
    ctx.report(error(CODES.BAD_MULTIPLICITY, `${m.key} ${why}`, ctx.at(n, { field: m.key, pointer: f ? `${f.pointer}/value` : n.origin.pointer })));
  }
}
