// Per-node drop facts that do not depend on the instance: the class the engine instantiates
// (§3.4.3), the profiling weight (§3.4.4) and the CPU demand. Computed once per LG node.

import { CODES, at, error, type Diagnostic } from '../../kernel/diagnostics.ts';
import type { LgNode } from '../model.ts';
import type { NodeProps } from './props.ts';

export const SLEEP_APP = 'dlg.apps.simple.SleepApp';
export const IN_MEMORY = 'dlg.data.drops.memory.InMemoryDROP';

/** Default data classes by category, for data nodes that name none (§3.4.3, extended). */
export const DATA_CLASSES: Record<string, string> = {
  File: 'dlg.data.drops.file.FileDROP',
  Memory: IN_MEMORY,
  SharedMemory: 'dlg.data.drops.memory.SharedMemoryDROP',
  S3: 'dlg.data.drops.s3_drop.S3DROP',
  NGAS: 'dlg.data.drops.ngas.NgasDROP',
  Plasma: 'dlg.data.drops.plasma.PlasmaDROP',
  PlasmaFlight: 'dlg.data.drops.plasmaflight.PlasmaFlightDROP',
  null: 'dlg.data.drops.data_base.NullDROP',
  End: 'dlg.data.drops.data_base.EndDROP',
  ParameterSet: 'dlg.data.drops.parset_drop.ParameterSetDROP',
  json: IN_MEMORY,
};

const APP_DEFAULTS: Record<string, string> = {
  BashShellApp: 'dlg.apps.bash_shell_app.BashShellApp',
  Docker: 'dlg.apps.dockerapp.DockerApp',
};

export interface NodeSpec {
  isApp: boolean;
  dropclass: string;
  /** execution time (apps) or data volume (data) */
  weight: number;
  numCpus: number;
}

/** First non-empty attribute among the candidates (the reference takes an empty one: Q45). */
function firstSet(node: LgNode, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = node.attrs[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}

/**
 * The first attribute whose name is `<word>` + space or underscore + `<word2>`, as a number
 * rounded to an integer (Q44: the reference truncates strings like "0.5" to its default 1).
 * Missing or non-numeric: 1.
 */
export function weightOf(node: LgNode, a: string, b: string): number {
  const re = new RegExp(`^${a}[ _]${b}`, 'i');
  for (const k of Object.keys(node.attrs)) {
    if (!re.test(k)) continue;
    const v = node.attrs[k];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? Math.round(n) : 1;
  }
  return 1;
}

export function nodeSpec(node: LgNode, diagnostics: Diagnostic[]): NodeSpec {
  if (node.construct === 'GroupBy') return { isApp: true, dropclass: SLEEP_APP, weight: 1, numCpus: 1 };
  if (node.kind === 'data') {
    let cls = firstSet(node, ['dropclass', 'Data class', 'dataclass']);
    if (cls === undefined || cls === SLEEP_APP) cls = DATA_CLASSES[node.category];
    if (cls === undefined) {
      diagnostics.push(error(CODES.UNKNOWN_DROPCLASS, `data node of category '${node.category}' names no dropclass and the category has no default data class; set its dropclass field`, at(node.origin, { field: 'dropclass' })));
      cls = '';
    }
    const weight = weightOf(node, 'data', 'volume');
    if (weight < 0) diagnostics.push(error(CODES.NEGATIVE_WEIGHT, `data_volume must not be negative, found ${weight}`, at(node.origin, { field: 'data_volume' })));
    return { isApp: false, dropclass: cls, weight, numCpus: 1 };
  }
  let cls = firstSet(node, ['appclass', 'dropclass', 'Application Class', 'Application class']);
  if (cls === undefined || cls === SLEEP_APP) cls = APP_DEFAULTS[node.category] ?? SLEEP_APP;
  const weight = weightOf(node, 'execution', 'time');
  if (weight < 0) diagnostics.push(error(CODES.NEGATIVE_WEIGHT, `execution_time must not be negative, found ${weight}`, at(node.origin, { field: 'execution_time' })));
  const cpus = Number(node.attrs.num_cpus ?? 1);
  return { isApp: true, dropclass: cls, weight, numCpus: Number.isInteger(cpus) && cpus >= 1 ? cpus : 1 };
}

/**
 * Weight of a GroupBy's -grp-data drops: its input's data volume times the inputs per group
 * (§3.4.4).
 */
export function grpDataWeight(specs: readonly (NodeSpec | undefined)[], props: NodeProps, groupBy: number): number {
  const input = props.firstInput[groupBy];
  if (input < 0) return 1;
  return (specs[input]?.weight ?? 1) * (props.count[input] / Math.max(1, props.count[groupBy]));
}
