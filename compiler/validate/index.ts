// compiler/validate: JSON Schema + semantic rules over a loaded input (an LG/LGT or a
// PGT/PG drop list) → diagnostics. An LGT is filled first (compiler/fill), so parameters,
// configurations and globals are checked with everything else. Never throws on bad input.

import { CODES, error, type Diagnostic } from '../diagnostics.ts';
import { fillDocument, type FillOptions } from '../fill/index.ts';
import { buildLogicalGraph, type LoadedInput } from '../load/index.ts';
import type { LogicalGraph, OjsDocument } from '../model.ts';
import { makeDropListContext, makeLgContext, type DropListContext } from './context.ts';
import { DROP_LIST_RULES, LG_RULES } from './rules/index.ts';

export interface ValidateOptions extends FillOptions {}

/** Validates what compiler/load produced. Linear in the input for drop lists. */
export function validate(input: LoadedInput, options: ValidateOptions = {}): Diagnostic[] {
  if (input.kind === 'drops') return validateDropList(input.drops, input.file, input.reprodata, input.graphName !== undefined);
  return validateLogicalGraph(input.doc, input.file, options, input.version);
}

export function validateLogicalGraph(doc: OjsDocument, file = '-', options: ValidateOptions = {}, version = 'OJS'): Diagnostic[] {
  const filled = fillDocument(doc, options, file);
  const graph = buildLogicalGraph(filled.doc, file, version);
  return [...filled.diagnostics, ...checkLogicalGraph(filled.doc, graph, file)];
}

/** The LG rules over an already filled document and its model (what dlg-translate runs before unrolling). */
export function checkLogicalGraph(filled: OjsDocument, graph: LogicalGraph, file = '-'): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx = makeLgContext(filled, graph, file, out);
  for (const rule of LG_RULES) runRule(rule.name, () => rule.check(ctx), file, out);
  return out;
}

export function validateDropList(drops: readonly Record<string, unknown>[], file = '-', reprodata?: Record<string, unknown>, legacyWrapped = false): Diagnostic[] {
  const out: Diagnostic[] = [];
  checkDropList(dropListContext(drops, file, out, reprodata, legacyWrapped));
  return out;
}

/** The context the drop-list rules read; its relationship tables can serve after them. */
export function dropListContext(drops: readonly Record<string, unknown>[], file: string, out: Diagnostic[], reprodata?: Record<string, unknown>, legacyWrapped = false): DropListContext {
  return makeDropListContext(drops, file, out, reprodata, legacyWrapped ? (i) => `/1/${i}` : undefined);
}

/** The drop-list rules over a context; diagnostics go to the context's output. */
export function checkDropList(ctx: DropListContext): void {
  const out: Diagnostic[] = [];
  for (const rule of DROP_LIST_RULES) runRule(rule.name, () => rule.check(ctx), ctx.file, out);
  for (const d of out) ctx.report(d);
}

/**
 * A rule that throws has a bug; the user still gets every other rule's diagnostics and a
 * DLG9999 that names the rule, instead of a stack trace and nothing else.
 */
function runRule(name: string, run: () => void, file: string, out: Diagnostic[]): void {
  try {
    run();
  } catch (e) {
    out.push(error(CODES.INTERNAL, `internal error in validation rule '${name}' (please report): ${(e as Error).message}`, { file }));
  }
}

export { LG_RULES, DROP_LIST_RULES, type LgRule, type DropListRule, type RuleEntry } from './rules/index.ts';
export type { LgContext, DropListContext } from './context.ts';
