// DLG3001 for drop lists: each drop spec against schemas/drops.schema.json#/definitions/dropSpec.
// Validated drop by drop (not the whole array at once) so 10^6 drops stay linear in memory
// and the report stops growing after a while.

import { CODES, error } from '../../../kernel/diagnostics.ts';
import { schemaErrors } from '../../../schemas/index.ts';
import type { DropListContext } from '../context.ts';
import { schemaDiagnostics } from '../schema.ts';

const MAX = 50;

export function dropsSchemaRule(ctx: DropListContext): void {
  const out = ctx.capped(MAX);
  ctx.drops.forEach((d, i) => {
    const errors = schemaErrors('dropSpec', d);
    if (!errors.length) return;
    const loc = ctx.at(i);
    for (const diag of schemaDiagnostics(errors, d, () => ({}), loc.pointer, 5)) out.report({ ...diag, nodeId: loc.nodeId, nodeName: loc.nodeName });
  });
  out.done((n) => error(CODES.SCHEMA, `… and ${n} more schema errors in drop specs`, {}));
}
