// Per-LG-node drop-spec templates (§3.4): everything in a drop's JSON that does not depend
// on the instance is serialised once per node; emission only splices in oid, rank,
// loop_ctx, iid and the relationship lists.

import type { LgNode } from '../model.ts';
import { grpDataWeight, IN_MEMORY, SLEEP_APP, type DropTable, type NodeSpec } from '../unroll/index.ts';

export interface SpecOptions {
  /** oid prefix (§3.4.5), default "1" */
  oidPrefix: string;
  /** every sleep_time becomes 0 (§3.7) */
  zerorun?: boolean;
  /** 0 = keep classes, 1 = SleepApp, 2 = SleepAndCopyApp for every application drop (§3.7) */
  app?: 0 | 1 | 2;
}

export interface DropTemplate {
  /** `"<prefix>_<lg id>_` — the oid up to the iid */
  oidHead: string;
  /** keys between oid and rank */
  pre: string;
  /** whether the drop has loop_ctx (constructs' own drops do not) */
  loopCtx: boolean;
  /** Mpi drops carry proc_index */
  procIndex: boolean;
  /** keys between loop_ctx and iid */
  mid: string;
  /** keys after iid */
  post: string;
  isApp: boolean;
}

/** Keys a field may not override: identity and relationships belong to the instance. */
const RESERVED = new Set([
  'oid', 'uid', 'iid', 'rank', 'loop_ctx', 'lg_key', 'name', 'categoryType', 'category', 'storage',
  'dropclass', 'reprodata', 'inputs', 'outputs', 'producers', 'consumers', 'streamingInputs',
  'streamingConsumers', 'ports', 'port_map', 'node', 'island', 'proc_index', 'fields',
  'applicationArgs', 'componentParams', 'constraintParams', 'humanReadableKey',
]);

const APP_CLASSES = ['', 'dlg.apps.simple.SleepApp', 'dlg.apps.simple.SleepAndCopyApp'];

function q(v: unknown): string {
  return JSON.stringify(v === undefined ? null : v);
}

function keys(obj: Record<string, unknown>): string {
  let s = '';
  for (const k of Object.keys(obj)) if (obj[k] !== undefined) s += `,${q(k)}:${q(obj[k])}`;
  return s;
}

function buckets(node: LgNode): Record<string, unknown> {
  const applicationArgs: Record<string, unknown> = {};
  const constraintParams: Record<string, unknown> = {};
  const componentParams: Record<string, unknown> = {};
  for (const f of node.fields) {
    if (f.parameterType === 'ApplicationArgument') applicationArgs[f.name] = f.raw;
    else if (f.parameterType === 'ConstraintParameter') constraintParams[f.name] = f.raw;
    else if (f.parameterType === 'ComponentParameter') componentParams[f.name] = f.raw;
  }
  return { applicationArgs, constraintParams, componentParams, fields: node.fields.map((f) => f.raw) };
}

function executionTime(node: LgNode): unknown {
  for (const k of Object.keys(node.attrs)) if (/^execution[ _]time/i.test(k)) return node.attrs[k];
  return undefined;
}

export function nodeTemplate(node: LgNode, spec: NodeSpec, opts: SpecOptions, reprodata: string | undefined): DropTemplate {
  const groupBy = node.construct === 'GroupBy';
  const categoryType = spec.isApp ? 'Application' : 'Data';
  let dropclass = spec.dropclass;
  const body: Record<string, unknown> = { weight: spec.weight };
  if (spec.isApp) {
    body.num_cpus = spec.numCpus;
    if (groupBy || dropclass === SLEEP_APP) body.sleep_time = groupBy ? 1 : spec.weight;
    const mkn = node.raw.mkn;
    if (Array.isArray(mkn)) body.mkn = mkn;
  }
  Object.assign(body, buckets(node));
  // Field values come last and override the computed keys (§3.4.2).
  for (const f of node.fields) if (!RESERVED.has(f.name)) body[f.name] = f.value;
  if (spec.isApp && opts.app) {
    dropclass = APP_CLASSES[opts.app];
    const et = executionTime(node);
    body.sleep_time = et !== undefined && et !== '' ? Number(et) : 2;
  }
  if (opts.zerorun && 'sleep_time' in body) body.sleep_time = 0;
  const pre = keys({
    name: node.name,
    categoryType,
    category: groupBy ? 'GroupBy' : node.category,
    dropclass,
    storage: node.category,
  });
  return {
    oidHead: `${opts.oidPrefix}_${node.id}_`,
    pre,
    loopCtx: !groupBy,
    procIndex: node.category === 'Mpi' && spec.isApp,
    mid: keys(body),
    post: keys({ lg_key: node.id }) + (reprodata !== undefined ? `,"reprodata":${reprodata}` : ''),
    isApp: spec.isApp,
  };
}

/** The -grp-data helper of a GroupBy instance (§3.10.3). */
export function grpDataTemplate(t: DropTable, groupBy: LgNode, opts: SpecOptions, reprodata: string | undefined): DropTemplate {
  return {
    oidHead: `${opts.oidPrefix}_${groupBy.id}_`,
    pre: keys({ name: 'grpdata', categoryType: 'Data', category: 'Memory', dropclass: IN_MEMORY, storage: 'Memory' }),
    loopCtx: false,
    procIndex: false,
    mid: keys({ weight: grpDataWeight(t.specs, t.props, groupBy.index) }),
    post: keys({ lg_key: groupBy.id }) + (reprodata !== undefined ? `,"reprodata":${reprodata}` : ''),
    isApp: false,
  };
}
