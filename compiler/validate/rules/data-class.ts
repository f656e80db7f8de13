// DLG3012: every data node needs a class the engine can instantiate (§3.4.3): a non-empty
// dropclass (or "Data class"/dataclass) field, or a category with a known default (File,
// Memory, SharedMemory, S3, NGAS). The reference fails late with "Unknown dropclass".
// A global-variable node (EnvironmentVariables, GlobalVariable) linked as if it were data is
// reported here too: it holds variables, it is not data (the reference fails on it, Q14).

import { CODES, error, pointer } from '../../../kernel/diagnostics.ts';
import type { LgContext } from '../context.ts';
import { GLOBAL_CATEGORIES } from '../../fill/names.ts';

const CLASS_FIELDS = ['dropclass', 'Data class', 'dataclass'];
const DEFAULT_CLASS = new Set(['File', 'Memory', 'SharedMemory', 'S3', 'NGAS']);

export function dataClassRule(ctx: LgContext): void {
  for (const n of ctx.graph.nodes) {
    if (n.kind !== 'data' || n.category === 'Start') continue;
    const explicit = n.fields.some((f) => CLASS_FIELDS.includes(f.name) && typeof f.effective === 'string' && f.effective.trim() !== '');
    if (explicit || DEFAULT_CLASS.has(n.category)) continue;
    ctx.report(
      error(CODES.UNKNOWN_DATA_CLASS, `data node of category '${n.category}' has no data class: set its dropclass field (e.g. dlg.data.drops.memory.InMemoryDROP); only ${[...DEFAULT_CLASS].join(', ')} have a default`, ctx.at(n, { field: 'dropclass' })),
    );
  }
  const links: unknown[] = Array.isArray(ctx.doc.linkDataArray) ? ctx.doc.linkDataArray : [];
  const reported = new Set<number>();
  links.forEach((l, i) => {
    if (!l || typeof l !== 'object') return;
    for (const end of ['from', 'to'] as const) {
      const v = (l as Record<string, unknown>)[end];
      const at = typeof v === 'string' || typeof v === 'number' ? ctx.docIds.get(String(v))?.[0] : undefined;
      const d = at !== undefined ? ctx.docNodes[at] : undefined;
      if (!d || !GLOBAL_CATEGORIES.has(d.category) || reported.has(d.index)) continue;
      reported.add(d.index);
      ctx.report(
        error(CODES.UNKNOWN_DATA_CLASS, `link #${i} uses this ${d.category} node as data, but it only holds global variables (used as {name} in field values) and has no data class: remove the link`, {
          nodeId: d.id,
          nodeName: d.name,
          pointer: pointer('linkDataArray', i),
        }),
      );
    }
  });
}
