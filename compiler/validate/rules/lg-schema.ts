// DLG3001: the document against schemas/lg.schema.json (the OJS shape).

import type { Diagnostic } from '../../../kernel/diagnostics.ts';
import { schemaErrors } from '../../../schemas/index.ts';
import type { LgContext } from '../context.ts';
import { schemaDiagnostics } from '../schema.ts';

const FIELD_LISTS = new Set(['fields', 'inputAppFields', 'outputAppFields']);

export function lgSchemaRule(ctx: LgContext): void {
  const errors = schemaErrors('lg', ctx.doc);
  if (!errors.length) return;
  const locate = (parts: string[]): Partial<Diagnostic> => {
    if (parts[0] === 'nodeDataArray' && parts[1] !== undefined) {
      const d = ctx.docNodes[Number(parts[1])];
      if (!d) return {};
      const loc: Partial<Diagnostic> = { nodeId: d.id, nodeName: d.name };
      if (FIELD_LISTS.has(parts[2]) && parts[3] !== undefined) {
        const list = (ctx.doc.nodeDataArray[Number(parts[1])] as Record<string, unknown>)[parts[2]];
        const f = Array.isArray(list) ? list[Number(parts[3])] : undefined;
        const name = f && typeof f === 'object' && typeof (f as { name?: unknown }).name === 'string' ? (f as { name: string }).name : `${parts[2]}[${parts[3]}]`;
        loc.field = name;
      }
      return loc;
    }
    return {};
  };
  for (const d of schemaDiagnostics(errors, ctx.doc, locate)) {
    const parts = d.pointer ? d.pointer.split('/') : [];
    const where = parts[1] === 'linkDataArray' && parts[2] !== undefined ? `link #${parts[2]}: ` : parts[1] === 'graphConfigurations' && parts[2] ? `graph configuration '${parts[2].replace(/~1/g, '/').replace(/~0/g, '~')}': ` : '';
    ctx.report({ ...d, message: where + d.message });
  }
}
