// The rule registry: each rule with the codes it reports, in the order they run.
// To add a rule: one file in this folder exporting one function of the same signature,
// a code in compiler/diagnostics.ts (never renumber), an entry here, and a broken fixture
// in fixtures/invalid/ that the tests check.

import { CODES, type Code } from '../../diagnostics.ts';
import type { DropListContext, LgContext } from '../context.ts';
import { appToAppRule } from './app-to-app.ts';
import { categoriesRule } from './categories.ts';
import { constructLinksRule } from './construct-links.ts';
import { cyclesRule } from './cycles.ts';
import { dataClassRule } from './data-class.ts';
import { dataToDataRule } from './data-to-data.ts';
import { dropsCategoryTypeRule } from './drops-category-type.ts';
import { dropsCyclesRule } from './drops-cycles.ts';
import { dropsDropclassRule } from './drops-dropclass.ts';
import { dropsDuplicateOidsRule } from './drops-duplicate-oids.ts';
import { dropsEntriesRule } from './drops-entries.ts';
import { dropsReferencesRule } from './drops-references.ts';
import { dropsSchemaRule } from './drops-schema.ts';
import { dropsTwoSidedRule } from './drops-two-sided.ts';
import { duplicateLinksRule } from './duplicate-links.ts';
import { duplicateNodeIdsRule } from './duplicate-node-ids.ts';
import { emptyGraphRule } from './empty-graph.ts';
import { hierarchyRule } from './hierarchy.ts';
import { lgSchemaRule } from './lg-schema.ts';
import { linkEndpointsRule } from './link-endpoints.ts';
import { linkNonExecutableRule } from './link-non-executable.ts';
import { linkPortsRule } from './link-ports.ts';
import { loopStartEndRule } from './loop-start-end.ts';
import { multiplicityRule } from './multiplicity.ts';
import { nestingRule } from './nesting.ts';
import { parentsRule } from './parents.ts';
import { weightsRule } from './weights.ts';

export type LgRule = (ctx: LgContext) => void;
export type DropListRule = (ctx: DropListContext) => void;

export interface RuleEntry<R> {
  name: string;
  code: Code;
  check: R;
}

export const LG_RULES: readonly RuleEntry<LgRule>[] = [
  { name: 'lg-schema', code: CODES.SCHEMA, check: lgSchemaRule },
  { name: 'empty-graph', code: CODES.EMPTY_GRAPH, check: emptyGraphRule },
  { name: 'duplicate-node-ids', code: CODES.DUPLICATE_NODE_ID, check: duplicateNodeIdsRule },
  { name: 'parents', code: CODES.BAD_PARENT, check: parentsRule },
  { name: 'nesting', code: CODES.ILLEGAL_NESTING, check: nestingRule },
  { name: 'categories', code: CODES.UNKNOWN_CATEGORY, check: categoriesRule },
  { name: 'data-class', code: CODES.UNKNOWN_DATA_CLASS, check: dataClassRule },
  { name: 'multiplicity', code: CODES.BAD_MULTIPLICITY, check: multiplicityRule },
  { name: 'loop-start-end', code: CODES.LOOP_WITHOUT_START_END, check: loopStartEndRule },
  { name: 'weights', code: CODES.NEGATIVE_WEIGHT, check: weightsRule },
  { name: 'link-endpoints', code: CODES.LINK_MISSING_NODE, check: linkEndpointsRule },
  { name: 'link-non-executable', code: CODES.LINK_TO_NON_EXECUTABLE, check: linkNonExecutableRule },
  { name: 'link-ports', code: CODES.LINK_UNKNOWN_PORT, check: linkPortsRule },
  { name: 'duplicate-links', code: CODES.DUPLICATE_LINK, check: duplicateLinksRule },
  { name: 'app-to-app', code: CODES.APP_TO_APP_LINK, check: appToAppRule },
  { name: 'data-to-data', code: CODES.DATA_TO_DATA_LINK, check: dataToDataRule },
  { name: 'construct-links', code: CODES.CONSTRUCT_LINK, check: constructLinksRule },
  { name: 'hierarchy', code: CODES.NOT_HIERARCHICAL, check: hierarchyRule },
  { name: 'cycles', code: CODES.CYCLE, check: cyclesRule },
];

export const DROP_LIST_RULES: readonly RuleEntry<DropListRule>[] = [
  { name: 'drops-schema', code: CODES.SCHEMA, check: dropsSchemaRule },
  { name: 'drops-entries', code: CODES.SCHEMA, check: dropsEntriesRule },
  { name: 'drops-duplicate-oids', code: CODES.PGT_DUPLICATE_OID, check: dropsDuplicateOidsRule },
  { name: 'drops-category-type', code: CODES.PGT_BAD_CATEGORY_TYPE, check: dropsCategoryTypeRule },
  { name: 'drops-dropclass', code: CODES.PGT_MISSING_DROPCLASS, check: dropsDropclassRule },
  { name: 'drops-references', code: CODES.PGT_UNKNOWN_OID, check: dropsReferencesRule },
  { name: 'drops-two-sided', code: CODES.PGT_ONE_SIDED, check: dropsTwoSidedRule },
  { name: 'drops-cycles', code: CODES.PGT_CYCLE, check: dropsCyclesRule },
];
