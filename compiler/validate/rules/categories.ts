// DLG3013 (warning): a category or categoryType the translator does not know. The node is
// still treated by its categoryType (application, data, ...), which may not be what the
// author meant, e.g. a misspelt "Memroy".

import { CODES, warning } from '../../../kernel/diagnostics.ts';
import { APP_CATEGORIES, DATA_CATEGORIES } from '../../load/index.ts';
import { CONSTRUCT_KINDS } from '../../model.ts';
import type { LgContext } from '../context.ts';

const KNOWN = new Set<string>([
  ...APP_CATEGORIES,
  ...DATA_CATEGORIES,
  ...CONSTRUCT_KINDS,
  'Branch', 'Mpi', 'Docker', 'Singularity', 'Start', 'End', 'Comment', 'Description',
  'GlobalVariable', 'EnvironmentVariables', 'Variables', 'ExclusiveForceNode', 'PythonMemberFunction',
]);
const KNOWN_TYPES = new Set(['Application', 'Data', 'Construct', 'Control', 'Service', 'Other']);

export function categoriesRule(ctx: LgContext): void {
  for (const n of ctx.graph.nodes) {
    const as = n.kind === 'app' ? 'an application' : n.kind === 'data' ? 'data' : `a ${n.kind}`;
    if (!KNOWN.has(n.category)) {
      const what = n.category === 'Unknown' && n.raw.category === undefined ? 'the node has no category' : `unknown category '${n.category}'`;
      ctx.report(warning(CODES.UNKNOWN_CATEGORY, `${what}: it is treated as ${as} (categoryType ${n.categoryType})`, ctx.at(n)));
    } else if (!KNOWN_TYPES.has(n.categoryType)) {
      ctx.report(warning(CODES.UNKNOWN_CATEGORY, `unknown categoryType '${n.categoryType}': it is treated as ${as}`, ctx.at(n)));
    }
  }
}
