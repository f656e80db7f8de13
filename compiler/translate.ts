// The pipeline as one call: input (LG or drop list) → filled LG → drop table → output chunks.
// The CLIs (dlg-translate, dlg-deploy) are thin shells over this.

import { CODES, error, hasErrors, type Diagnostic, type Result } from './diagnostics.ts';
import { dropListChunks, moderniseDropList, normaliseWith } from './emit/droplist.ts';
import { pgtChunks, type PgtOptions } from './emit/pgt.ts';
import { buildLogicalGraph, type LoadedInput } from './load/index.ts';
import type { LogicalGraph, OjsDocument } from './model.ts';
import { dagFromRelations } from './schedule/dag.ts';
import { unroll, type DropTable, type UnrollOptions } from './unroll/index.ts';
import { checkDropList, checkLogicalGraph, dropListContext } from './validate/index.ts';
import { placeDropList, placeTable, type Placed, type PlaceOptions } from './place.ts';

export type EmitKind = 'lg' | 'pgt' | 'pgtp' | 'pg';

/** Fills an LG document (parameters, configurations, globals); supplied by compiler/fill. */
export type FillStep = (doc: OjsDocument, file: string) => Result<OjsDocument>;

export interface TranslateOptions extends UnrollOptions, PgtOptions {
  emit: EmitKind;
  fill?: FillStep;
  /** partitioning and mapping, for --emit pgtp | pg */
  place?: Omit<PlaceOptions, 'target'>;
}

export type Translation =
  | { kind: 'lg'; doc: OjsDocument; lg: LogicalGraph }
  | { kind: 'table'; lg: LogicalGraph; table: DropTable; placed?: Placed }
  | { kind: 'drops'; drops: Record<string, unknown>[]; trailing?: Record<string, unknown>; placed?: Placed };

export function translate(input: LoadedInput, options: TranslateOptions): Result<Translation> {
  const diagnostics: Diagnostic[] = [];
  if (input.kind === 'drops') {
    if (options.emit === 'lg') {
      return { diagnostics: [error(CODES.PG_WHERE_LG_EXPECTED, 'the input is a drop list (PGT or PG): it cannot be turned back into a logical graph; --emit lg needs an LG or LGT', { file: input.file })] };
    }
    // The drop-list rules of dlg-validate, over the list as the translator reads it (2022-era
    // forms converted); their relationship tables then serve the normalisation.
    const found: Diagnostic[] = [];
    const ctx = dropListContext(moderniseDropList(input.drops), input.file, found, input.reprodata, input.graphName !== undefined);
    checkDropList(ctx);
    diagnostics.push(...found);
    if (hasErrors(diagnostics)) return { diagnostics };
    const drops = normaliseWith(ctx);
    let placed: Placed | undefined;
    if (options.emit === 'pgtp' || options.emit === 'pg') {
      const p = placeDropList(drops, placeOptions(options, options.emit), (ds) => dagFromRelations(drops, ctx.relation, ds));
      diagnostics.push(...p.diagnostics.map((d) => ({ file: input.file, ...d })));
      if (hasErrors(diagnostics)) return { diagnostics };
      placed = p.value;
    }
    return { value: { kind: 'drops', drops, trailing: input.reprodata, placed }, diagnostics };
  }
  let doc = input.doc;
  if (options.fill) {
    const filled = options.fill(doc, input.file);
    diagnostics.push(...filled.diagnostics);
    if (!filled.value || hasErrors(filled.diagnostics)) return { diagnostics };
    doc = filled.value;
  }
  const lg = buildLogicalGraph(doc, input.file, input.version);
  // The validation rules explain what the unroller would only stumble on.
  diagnostics.push(...checkLogicalGraph(doc, lg, input.file));
  if (hasErrors(diagnostics)) return { diagnostics };
  if (options.emit === 'lg') return { value: { kind: 'lg', doc, lg }, diagnostics };
  const u = unroll(lg, options);
  diagnostics.push(...u.diagnostics.map((d) => ({ file: input.file, ...d })));
  if (!u.value) return { diagnostics };
  let placed: Placed | undefined;
  if (options.emit === 'pgtp' || options.emit === 'pg') {
    const p = placeTable(u.value, placeOptions(options, options.emit));
    diagnostics.push(...p.diagnostics.map((d) => ({ file: input.file, ...d })));
    if (!p.value || hasErrors(diagnostics)) return { diagnostics };
    placed = p.value;
  }
  return { value: { kind: 'table', lg, table: u.value, placed }, diagnostics };
}

/** Partitioning and mapping for --emit pgtp | pg; metis unless another algorithm is named. */
function placeOptions(options: TranslateOptions, target: 'pgtp' | 'pg'): PlaceOptions {
  return { ...options.place, algorithm: options.place?.algorithm ?? 'metis', target };
}

/** The output document of a translation, as JSON text chunks. */
export function* outputChunks(t: Translation, options: PgtOptions): Generator<string | Uint8Array> {
  if (t.kind === 'lg') {
    yield JSON.stringify(t.doc, null, options.pretty ? 2 : undefined) + (options.pretty ? '\n' : '');
    return;
  }
  if (t.kind === 'drops') {
    yield* dropListChunks(t.drops, t.trailing, options.pretty);
    return;
  }
  yield* pgtChunks(t.table, { ...options, placement: t.placed?.mapper });
}
