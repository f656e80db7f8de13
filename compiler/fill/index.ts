// compiler/fill: a logical graph template + parameters + graph configuration → a logical graph.
//
// Order (§2.1, §2.3): the graph configuration first (the active one, --config NAME|ID, or an
// external --config-file), then parameters (placeholders, field addresses, globals by name;
// see names.ts for the rule), then global variables. The result is a new EAGLE OJS document
// (the input is never mutated) that EAGLE can load again. After a configuration has been
// applied its values are baked into the fields, so the result has activeGraphConfigId null:
// loading it again must not re-apply a configuration over the parameters.
//
// Deviations from the reference's text fill (§2.2), all deliberate:
//   - substitution happens inside the parsed JSON's strings, so values need no escaping;
//   - a `~` not followed by a known parameter stays as written ("~/data"); `~~` becomes `~`
//     only when parameters are given, so filling a filled graph again changes nothing;
//   - a whole-value placeholder ("~n") takes the parameter converted to the field's type
//     (Boolean true, not Python's "True"); inside longer text a value is its JSON text;
//   - a parameter that matches nothing is an error (the reference ignores it).

import { hasErrors, type Diagnostic, type Result } from '../../kernel/diagnostics.ts';
import type { GraphConfig, OjsDocument } from '../model.ts';
import { applyGraphConfig } from './config.ts';
import { applyGlobals } from './globals.ts';
import { NameIndex } from './names.ts';
import { applyParameters, reportUnfilled } from './parameters.ts';
import { DocWriter } from './writer.ts';

export interface FillOptions {
  /** name → value; nested objects are flattened with dots (§2.2) */
  params?: Record<string, unknown>;
  /** name or id of an embedded graph configuration to apply instead of the active one */
  config?: string;
  /** an external graph configuration (--config-file) to apply instead of any embedded one */
  configFile?: GraphConfig;
  /** the path configFile was read from, for messages */
  configFileName?: string;
}

export interface Filled {
  doc: OjsDocument;
  diagnostics: Diagnostic[];
}

/**
 * Best-effort fill: always returns a document (with whatever could be applied) plus every
 * diagnostic, so validation can go on and report the graph's other problems too.
 */
export function fillDocument(doc: OjsDocument, options: FillOptions = {}, file = '-'): Filled {
  const diagnostics: Diagnostic[] = [];
  const w = new DocWriter(doc);
  const applied = applyGraphConfig(w, options, file, diagnostics);
  if (applied) w.doc.activeGraphConfigId = null;
  const given = options.params ? applyParameters(w, options.params, file, diagnostics) : new Set<string>();
  applyGlobals(w, file, diagnostics);
  reportUnfilled(w, file, diagnostics, given);
  return { doc: w.doc, diagnostics };
}

/** Fills a template; the value is present only when there were no errors. */
export function fill(doc: OjsDocument, options: FillOptions = {}, file = '-'): Result<OjsDocument> {
  const { doc: out, diagnostics } = fillDocument(doc, options, file);
  return hasErrors(diagnostics) ? { diagnostics } : { value: out, diagnostics };
}

/** The names a graph accepts as parameters (see names.ts), grouped and sorted. */
export function acceptedNames(doc: OjsDocument): ReturnType<NameIndex['accepted']> {
  return new NameIndex(new DocWriter(doc)).accepted();
}

export { fillOptionsFromCli, parseParamArgs, readParamsFile, readConfigFile, flattenParams, type CliFillArgs, type CliFill, type Params } from './params.ts';
export { convertToType, textOf } from './convert.ts';
export { substitute, placeholderNames, wholePlaceholder } from './placeholders.ts';
export { GLOBAL_CATEGORIES } from './names.ts';
