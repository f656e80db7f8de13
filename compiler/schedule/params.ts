// Algorithm names and their parameters (reference §5.1), validated: an unknown name or a
// bad value is a Diagnostic that names what the algorithm accepts. Values may be numbers or
// the strings of `-A name=value`; null, "", "null" and "None" mean "use the default".

import { CODES, error, type Diagnostic } from '../../kernel/diagnostics.ts';

export type AlgorithmName = 'none' | 'metis' | 'mysarkar' | 'min_num_parts' | 'pso';

export interface AlgorithmParams {
  /** metis: 0 = edge cut, 1 = communication volume. */
  min_goal: 0 | 1;
  /** metis: 0 = k-way, 1 = recursive bisection. */
  ptype: 0 | 1;
  /** metis: percent; METIS ufactor = max(1, 100 - max_load_imb + 1). */
  max_load_imb: number;
  /** DoP cap on num_cpus per partition. */
  max_cpu: number;
  /** DoP cap on drops per partition (each uses one memory unit). */
  max_mem: number;
  /** min_num_parts: 1..100, how strongly completion time wins over the partition count. */
  time_greedy: number;
  /** min_num_parts, pso: completion-time limit, or null. */
  deadline: number | null;
  /** pso: number of (heaviest) edges that are decision variables. */
  topk: number;
  /** pso: particles. */
  swarm_size: number;
  /** metis, pso: random seed (results are reproducible for a given seed). */
  seed: number;
}

export const DEFAULT_PARAMS: AlgorithmParams = {
  min_goal: 0, ptype: 0, max_load_imb: 90, max_cpu: 8, max_mem: 1000, time_greedy: 50,
  deadline: null, topk: 30, swarm_size: 40, seed: 1,
};

/** Which parameters each algorithm reads. */
export const ALGORITHM_PARAMS: Record<AlgorithmName, readonly (keyof AlgorithmParams)[]> = {
  none: [],
  metis: ['min_goal', 'ptype', 'max_load_imb', 'seed'],
  mysarkar: ['max_cpu', 'max_mem'],
  min_num_parts: ['max_cpu', 'max_mem', 'time_greedy', 'deadline'],
  pso: ['max_cpu', 'max_mem', 'deadline', 'topk', 'swarm_size', 'seed'],
};

/** The `algo` string of the reference's result() for each algorithm. */
export function referenceAlgoName(algorithm: AlgorithmName, params: AlgorithmParams): string {
  switch (algorithm) {
    case 'none': return 'Raw_unrolling';
    case 'metis': return `METIS_LB${101 - metisUfactor(params)}`;
    case 'mysarkar': return 'Edge Zero';
    case 'min_num_parts': return 'Lookahead';
    case 'pso': return 'Particle Swarm';
  }
}

export function metisUfactor(params: AlgorithmParams): number {
  return Math.max(1, 100 - params.max_load_imb + 1);
}

export const ALGORITHM_NAMES = Object.keys(ALGORITHM_PARAMS) as AlgorithmName[];

export function isAlgorithmName(name: string): name is AlgorithmName {
  return Object.prototype.hasOwnProperty.call(ALGORITHM_PARAMS, name);
}

interface Rule { int: boolean; min: number; max: number; nullable?: boolean; choices?: number[] }

const RULES: Record<keyof AlgorithmParams, Rule> = {
  min_goal: { int: true, min: 0, max: 1, choices: [0, 1] },
  ptype: { int: true, min: 0, max: 1, choices: [0, 1] },
  max_load_imb: { int: true, min: 0, max: 100 },
  max_cpu: { int: true, min: 1, max: 2 ** 31 - 1 },
  max_mem: { int: true, min: 1, max: 2 ** 31 - 1 },
  time_greedy: { int: false, min: 1, max: 100 },
  deadline: { int: true, min: 0, max: Number.MAX_SAFE_INTEGER, nullable: true },
  topk: { int: true, min: 1, max: 2 ** 31 - 1 },
  swarm_size: { int: true, min: 1, max: 100000 },
  seed: { int: true, min: 0, max: 2 ** 32 - 1 },
};

function describe(rule: Rule): string {
  if (rule.choices) return `one of ${rule.choices.join(', ')}`;
  const kind = rule.int ? 'an integer' : 'a number';
  const hi = rule.max >= 2 ** 31 - 1 ? '' : ` and at most ${rule.max}`;
  return `${kind} of at least ${rule.min}${hi}${rule.nullable ? ', or null' : ''}`;
}

/**
 * Validates `params` for `algorithm`. Unknown algorithms and parameters, and values of the
 * wrong type or range, are errors; the result holds every parameter with defaults filled in.
 */
export function parseAlgorithmParams(
  algorithm: string, params: Record<string, unknown> = {},
): { value?: { algorithm: AlgorithmName; params: AlgorithmParams }; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!isAlgorithmName(algorithm)) {
    diagnostics.push(error(CODES.UNKNOWN_ALGORITHM,
      `unknown partitioning algorithm "${algorithm}"; known algorithms: ${ALGORITHM_NAMES.join(', ')}`,
      { field: 'algorithm' }));
    return { diagnostics };
  }
  const accepted = ALGORITHM_PARAMS[algorithm];
  const acceptedText = accepted.length ? `accepted parameters: ${accepted.join(', ')}` : 'it accepts no parameters';
  const out: AlgorithmParams = { ...DEFAULT_PARAMS };
  for (const [name, raw] of Object.entries(params)) {
    if (!(accepted as readonly string[]).includes(name)) {
      diagnostics.push(error(CODES.UNKNOWN_ALGO_PARAMETER,
        `algorithm "${algorithm}" has no parameter "${name}"; ${acceptedText}`, { field: name }));
      continue;
    }
    const key = name as keyof AlgorithmParams;
    const rule = RULES[key];
    if (raw === null || raw === undefined || raw === '' || raw === 'null' || raw === 'None') continue;
    const x = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    const ok = Number.isFinite(x) && (!rule.int || Number.isInteger(x)) && x >= rule.min && x <= rule.max
      && (!rule.choices || rule.choices.includes(x));
    if (!ok) {
      diagnostics.push(error(CODES.BAD_ALGO_PARAMETER,
        `parameter "${name}" of algorithm "${algorithm}" must be ${describe(rule)}, got ${JSON.stringify(raw)}; ${acceptedText}`,
        { field: name }));
      continue;
    }
    (out as unknown as Record<string, number>)[key] = x;
  }
  if (algorithm === 'metis' && out.min_goal === 1 && out.ptype === 1) {
    diagnostics.push(error(CODES.BAD_ALGO_PARAMETER,
      'metis cannot minimise communication volume (min_goal=1) with recursive bisection (ptype=1); use ptype=0',
      { field: 'ptype' }));
  }
  return diagnostics.length ? { diagnostics } : { value: { algorithm, params: out }, diagnostics };
}
