// DLG3011: execution_time (apps) and data_volume (data) are the schedulers' weights (§3.4.4).
// A negative one is an error (the reference: "Execution_time must be greater than 0"); one
// that is not a number is a warning, as the reference silently uses 1.

import { CODES, error, warning } from '../../../kernel/diagnostics.ts';
import type { LgContext } from '../context.ts';
import { isUnfilledPlaceholder } from '../graph.ts';

const WEIGHT = /^(execution[ _]time|data[ _]volume)$/i;

export function weightsRule(ctx: LgContext): void {
  for (const n of ctx.graph.nodes) {
    for (const f of n.fields) {
      if (!WEIGHT.test(f.name)) continue;
      const v = f.effective;
      if (v === '' || v === null || v === undefined || isUnfilledPlaceholder(v)) continue;
      const num = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
      const at = ctx.at(n, { field: f.name, pointer: `${f.pointer}/value` });
      if (Number.isNaN(num) || typeof v === 'boolean') ctx.report(warning(CODES.NEGATIVE_WEIGHT, `${f.name} is ${JSON.stringify(v)}, not a number: the schedulers will use 1`, at));
      else if (num < 0) ctx.report(error(CODES.NEGATIVE_WEIGHT, `${f.name} is ${num}, but a weight cannot be negative`, at));
    }
  }
}
