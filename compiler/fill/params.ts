// Parameters from the command line: `--params obs.json` (a JSON object) and repeatable
// `-p name=value` / `-p '{"json": ...}'`, merged in that order so -p wins (§2.2).
// Also the dotted flattening of nested objects that every parameter name lookup uses.

import { CODES, error, type Diagnostic, type Result } from '../diagnostics.ts';
import { parseJson, readSource } from '../load/source.ts';
import { FORBIDDEN_KEYS, forbiddenKeyMessage, forbiddenKeyPointer } from '../load/forbidden-keys.ts';
import type { GraphConfig } from '../model.ts';
import { schemaErrors } from '../../schemas/index.ts';

export type Params = Record<string, unknown>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads a JSON file, turning every failure into a diagnostic with the given code. */
function readJsonFile(file: string, what: string, code: typeof CODES.BAD_PARAMS_FILE | typeof CODES.BAD_CONFIG_FILE): Result<unknown> {
  const src = readSource(file);
  if (!src.value) return { diagnostics: src.diagnostics.map((d) => ({ ...d, code, message: `${what}: ${d.message}` })) };
  const parsed = parseJson(src.value);
  if (parsed.diagnostics.length) {
    return { diagnostics: parsed.diagnostics.map((d) => ({ ...d, code, message: `${what} ${file}: ${d.message}` })) };
  }
  return { value: parsed.value, diagnostics: [] };
}

/** Reads a --params file: a JSON object of name → value. */
export function readParamsFile(file: string): Result<Params> {
  const r = readJsonFile(file, 'parameters file', CODES.BAD_PARAMS_FILE);
  if (r.diagnostics.length) return { diagnostics: r.diagnostics };
  if (!isPlainObject(r.value)) {
    return { diagnostics: [error(CODES.BAD_PARAMS_FILE, `parameters file ${file} must hold a JSON object of name → value, found ${kindOf(r.value)}`, { file })] };
  }
  const errs = schemaErrors('params', r.value);
  if (errs.length) {
    return { diagnostics: [error(CODES.BAD_PARAMS_FILE, `parameters file ${file}: a parameter name must not be empty`, { file, pointer: errs[0].instancePath })] };
  }
  const bad = forbiddenKeyPointer(r.value);
  if (bad !== undefined) return { diagnostics: [error(CODES.BAD_PARAMS_FILE, forbiddenKeyMessage(`parameters file ${file}`, bad), { file, pointer: bad })] };
  return { value: r.value, diagnostics: [] };
}

/** Parses -p arguments: `name=value` (the value stays a string) or a JSON object. */
export function parseParamArgs(args: readonly string[]): Result<Params> {
  const out: Params = {};
  const diagnostics: Diagnostic[] = [];
  for (const arg of args) {
    if (arg.trimStart().startsWith('{')) {
      let v: unknown;
      try {
        v = JSON.parse(arg);
      } catch (e) {
        diagnostics.push(error(CODES.BAD_PARAMETER_ARG, `-p ${arg}: not a valid JSON object (${(e as Error).message})`, { field: arg }));
        continue;
      }
      if (!isPlainObject(v)) {
        diagnostics.push(error(CODES.BAD_PARAMETER_ARG, `-p ${arg}: expected a JSON object`, { field: arg }));
        continue;
      }
      const bad = forbiddenKeyPointer(v);
      if (bad !== undefined) {
        diagnostics.push(error(CODES.BAD_PARAMETER_ARG, forbiddenKeyMessage(`-p ${arg}`, bad), { field: arg, pointer: bad }));
        continue;
      }
      Object.assign(out, v);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      diagnostics.push(error(CODES.BAD_PARAMETER_ARG, `-p ${JSON.stringify(arg)}: expected name=value or a JSON object`, { field: arg }));
      continue;
    }
    const name = arg.slice(0, eq).trim();
    const part = name.split('.').find((p) => FORBIDDEN_KEYS.has(p));
    if (part !== undefined) {
      diagnostics.push(error(CODES.BAD_PARAMETER_ARG, `-p ${JSON.stringify(arg)}: '${part}' cannot be (part of) a parameter name`, { field: arg }));
      continue;
    }
    out[name] = arg.slice(eq + 1);
  }
  return diagnostics.length ? { diagnostics } : { value: out, diagnostics };
}

/** Reads a --config-file: one graph configuration (§2.3, external form). */
export function readConfigFile(file: string): Result<GraphConfig> {
  const r = readJsonFile(file, 'graph configuration file', CODES.BAD_CONFIG_FILE);
  if (r.diagnostics.length) return { diagnostics: r.diagnostics };
  const errs = schemaErrors('config', r.value);
  if (errs.length) {
    const e = errs[0];
    const where = e.instancePath === '' ? '' : ` at ${e.instancePath}`;
    return {
      diagnostics: [
        error(CODES.BAD_CONFIG_FILE, `graph configuration file ${file} is not a graph configuration${where}: ${e.message} (expected {"id": ..., "name": ..., "nodes": {nodeId: {"fields": {fieldId: {"value": ...}}}}})`, { file, pointer: e.instancePath }),
      ],
    };
  }
  const bad = forbiddenKeyPointer(r.value);
  if (bad !== undefined) return { diagnostics: [error(CODES.BAD_CONFIG_FILE, forbiddenKeyMessage(`graph configuration file ${file}`, bad), { file, pointer: bad })] };
  return { value: r.value as GraphConfig, diagnostics: [] };
}

export interface CliFillArgs {
  /** --params file */
  params?: string;
  /** -p arguments, in order */
  param?: readonly string[];
  /** --config NAME|ID */
  config?: string;
  /** --config-file file */
  configFile?: string;
}

/** The FillOptions-shaped result of the CLI's fill options. */
export interface CliFill {
  params?: Params;
  config?: string;
  configFile?: GraphConfig;
}

/** Builds fill options from CLI arguments; errors here are the user's files or -p values. */
export function fillOptionsFromCli(args: CliFillArgs): Result<CliFill> {
  const diagnostics: Diagnostic[] = [];
  let params: Params | undefined;
  if (args.params !== undefined) {
    const r = readParamsFile(args.params);
    diagnostics.push(...r.diagnostics);
    if (r.value) params = { ...r.value };
  }
  if (args.param && args.param.length) {
    const r = parseParamArgs(args.param);
    diagnostics.push(...r.diagnostics);
    if (r.value) params = { ...params, ...r.value };
  }
  let configFile: GraphConfig | undefined;
  if (args.configFile !== undefined) {
    const r = readConfigFile(args.configFile);
    diagnostics.push(...r.diagnostics);
    configFile = r.value;
  }
  if (args.config !== undefined && args.configFile !== undefined) {
    diagnostics.push(error(CODES.USAGE, '--config and --config-file both choose the configuration to apply: give one of them'));
  }
  if (diagnostics.length) return { diagnostics };
  return { value: { params, config: args.config, configFile }, diagnostics };
}

/** One parameter name after flattening. */
export interface FlatParam {
  name: string;
  value: unknown;
  /** names this one was flattened from, outermost first ("p" for "p.q") */
  ancestors: string[];
  /** false for a non-empty object (its members are parameters too) */
  leaf: boolean;
}

/**
 * Flattens nested objects: {"p": {"q": 1}} gives "p" (the object) and "p.q" (1).
 * A name given explicitly wins over the same name reached by flattening.
 * Linear in the size of params.
 */
export function flattenParams(params: Params): Map<string, FlatParam> {
  const out = new Map<string, FlatParam>();
  for (const [name, value] of Object.entries(params)) {
    out.set(name, { name, value, ancestors: [], leaf: !isPlainObject(value) || Object.keys(value).length === 0 });
  }
  const visit = (prefix: string, obj: Record<string, unknown>, ancestors: string[]) => {
    for (const [k, value] of Object.entries(obj)) {
      const name = `${prefix}.${k}`;
      const nested = isPlainObject(value) && Object.keys(value).length > 0;
      if (!out.has(name)) out.set(name, { name, value, ancestors, leaf: !nested });
      if (nested) visit(name, value as Record<string, unknown>, [...ancestors, name]);
    }
  };
  for (const [name, value] of Object.entries(params)) {
    if (isPlainObject(value) && Object.keys(value).length > 0) visit(name, value, [name]);
  }
  return out;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
