// Diagnostics: user errors are values. Every stage returns them instead of throwing,
// and every one points at the LG node (id + name), the field or port, and a JSON pointer.

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable code, e.g. DLG1203; see CODES below. */
  code: string;
  severity: Severity;
  message: string;
  /** File the diagnostic belongs to (set by the CLI or the loader). */
  file?: string;
  nodeId?: string;
  nodeName?: string;
  field?: string;
  port?: string;
  /** RFC 6901 pointer into the input document. */
  pointer?: string;
  /** 1-based position in the input text, when known (JSON syntax errors). */
  line?: number;
  column?: number;
  /** The figure the message is about, for programs (TOO_MANY_DROPS: the drop count). */
  count?: number;
}

/** Where a model element came from, so any later stage can point at it. */
export interface Origin {
  nodeId?: string;
  nodeName?: string;
  pointer: string;
}

/**
 * The code registry. Ranges: 1xxx load, 2xxx fill, 3xxx validate (semantic rules),
 * 4xxx unroll, 5xxx schedule/partition, 6xxx map, 7xxx deploy/engine, 9xxx usage.
 * Codes are stable: never renumber, only add. Retired (never emitted, removed), not to be
 * reused: DLG1008-1010, DLG3019, DLG4002, DLG6007, DLG7101, DLG7102, DLG7201.
 */
export const CODES = {
  // load
  NOT_JSON: 'DLG1001',
  TRUNCATED_JSON: 'DLG1002',
  NOT_A_GRAPH: 'DLG1003',
  UNSUPPORTED_VERSION: 'DLG1004',
  PALETTE_NOT_GRAPH: 'DLG1005',
  PG_WHERE_LG_EXPECTED: 'DLG1006',
  EMPTY_GRAPH: 'DLG1007',
  LEGACY_CONVERTED: 'DLG1011',
  READ_FAILED: 'DLG1012',
  BAD_DROP_LIST: 'DLG1013',
  LOOSE_TYPES: 'DLG1014',
  // fill
  UNKNOWN_PARAMETER: 'DLG2001',
  BAD_PARAMETER_VALUE: 'DLG2002',
  BAD_PARAMS_FILE: 'DLG2003',
  UNKNOWN_CONFIG: 'DLG2004',
  CONFIG_UNKNOWN_NODE: 'DLG2005',
  CONFIG_UNKNOWN_FIELD: 'DLG2006',
  BAD_CONFIG_FILE: 'DLG2007',
  GLOBAL_TYPE_MISMATCH: 'DLG2008',
  UNMATCHED_PLACEHOLDER: 'DLG2009',
  ACTIVE_CONFIG_MISSING: 'DLG2010',
  BAD_PARAMETER_ARG: 'DLG2011',
  AMBIGUOUS_PARAMETER: 'DLG2012',
  AMBIGUOUS_CONFIG: 'DLG2013',
  DUPLICATE_GLOBAL: 'DLG2014',
  // validate
  SCHEMA: 'DLG3001',
  DUPLICATE_NODE_ID: 'DLG3002',
  LINK_MISSING_NODE: 'DLG3003',
  LINK_UNKNOWN_PORT: 'DLG3004',
  APP_TO_APP_LINK: 'DLG3005',
  DATA_TO_DATA_LINK: 'DLG3006',
  CONSTRUCT_LINK: 'DLG3007',
  BAD_MULTIPLICITY: 'DLG3008',
  LOOP_WITHOUT_START_END: 'DLG3009',
  CYCLE: 'DLG3010',
  NEGATIVE_WEIGHT: 'DLG3011',
  UNKNOWN_DATA_CLASS: 'DLG3012',
  UNKNOWN_CATEGORY: 'DLG3013',
  BAD_PARENT: 'DLG3014',
  ILLEGAL_NESTING: 'DLG3015',
  NOT_HIERARCHICAL: 'DLG3016',
  LINK_TO_NON_EXECUTABLE: 'DLG3017',
  DUPLICATE_LINK: 'DLG3018',
  PGT_MISSING_OID: 'DLG3101',
  PGT_DUPLICATE_OID: 'DLG3102',
  PGT_UNKNOWN_OID: 'DLG3103',
  PGT_ONE_SIDED: 'DLG3104',
  PGT_CYCLE: 'DLG3105',
  PGT_BAD_CATEGORY_TYPE: 'DLG3106',
  PGT_MISSING_DROPCLASS: 'DLG3107',
  // unroll
  MULTIPLICITY_MISMATCH: 'DLG4001',
  UNKNOWN_DROPCLASS: 'DLG4003',
  BAD_GATHER_INPUT: 'DLG4004',
  BAD_GROUPBY_INPUT: 'DLG4005',
  TOO_MANY_DROPS: 'DLG4006',
  // schedule/partition (owned by compiler/schedule, compiler/partition)
  SCHED_UNKNOWN_CATEGORY: 'DLG5001',
  SCHED_UNKNOWN_OID: 'DLG5002',
  SCHED_CYCLE: 'DLG5003',
  UNKNOWN_ALGORITHM: 'DLG5004',
  UNKNOWN_ALGO_PARAMETER: 'DLG5005',
  BAD_ALGO_PARAMETER: 'DLG5006',
  BAD_PARTITION_COUNT: 'DLG5007',
  DEADLINE_NOT_MET: 'DLG5008',
  EXCLUSIVE_ABSORBED: 'DLG5009',
  // map (owned by compiler/map)
  MAP_TOO_FEW_NODES: 'DLG6001',
  MAP_BAD_NODE_ADDRESS: 'DLG6002',
  MAP_LABEL_OUT_OF_RANGE: 'DLG6003',
  MAP_BAD_NODES_ANSWER: 'DLG6004',
  MAP_FETCH_FAILED: 'DLG6005',
  MAP_BAD_ISLAND_COUNT: 'DLG6006',
  MAP_CO_HOSTED: 'DLG6008',
  // deploy/engine (owned by engine/: dlg-deploy, dlg-engine)
  DEPLOY_CONNECTION: 'DLG7001',
  DEPLOY_REJECTED: 'DLG7002',
  DEPLOY_BAD_GRAPH_FILE: 'DLG7003',
  DEPLOY_NEEDS_TRANSLATOR: 'DLG7004',
  SLURM_BAD_OPTION: 'DLG7301',
  SLURM_SUBMIT_FAILED: 'DLG7302',
  ENGINE_LISTEN_FAILED: 'DLG7202',
  ENGINE_CHILD_FAILED: 'DLG7203',
  // usage
  USAGE: 'DLG9001',
  INTERNAL: 'DLG9999',
} as const;

export type Code = (typeof CODES)[keyof typeof CODES];

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  for (const d of diags) if (d.severity === 'error') return true;
  return false;
}

export function error(code: Code, message: string, at: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: 'error', message, ...at };
}

export function warning(code: Code, message: string, at: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: 'warning', message, ...at };
}

/** Location keys of a diagnostic for an LG node found at `origin`. */
export function at(origin: Origin | undefined, extra: Partial<Diagnostic> = {}): Partial<Diagnostic> {
  if (!origin) return extra;
  return { nodeId: origin.nodeId, nodeName: origin.nodeName, pointer: origin.pointer, ...extra };
}

/** JSON pointer escaping (RFC 6901). */
export function pointer(...parts: (string | number)[]): string {
  let out = '';
  for (const p of parts) out += '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1');
  return out;
}

/** A stage result: a value (when there were no errors) plus every diagnostic seen. */
export interface Result<T> {
  value?: T;
  diagnostics: Diagnostic[];
}
