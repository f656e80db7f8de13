// Builds the views' GraphModel (views/model.ts) on the server: from a drop table straight out
// of the unroller, or from any drop list (a PGT/PG file, a session's specs). Linear in drops +
// edges; per-drop arrays only up to DETAIL_LIMIT drops.

import type { SchedulingDag } from '../compiler/schedule/dag.ts';
import type { PartitionPlan } from '../compiler/partition/plan.ts';
import type { DropTable } from '../compiler/unroll/index.ts';
import { DETAIL_LIMIT, type GraphModel, type GroupInfo, type PartInfo } from './model.ts';

type Spec = Record<string, unknown>;

/** Drops grouped by the LG node they came from: their lg_key (or name when there is none). */
export function groupSpecs(specs: readonly Spec[]): { groups: GroupInfo[]; groupOf: Int32Array } {
  const index = new Map<string, number>();
  const groups: GroupInfo[] = [];
  const groupOf = new Int32Array(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const d = specs[i]!;
    const oid = String(d.oid ?? '');
    const base = d.lg_key !== undefined && d.lg_key !== null ? String(d.lg_key) : String(d.name ?? 'drops');
    const key = oid.endsWith('-grp-data') ? `${base}-grp-data` : base;
    let g = index.get(key);
    if (g === undefined) {
      const ct = String(d.categoryType ?? '');
      g = groups.length;
      index.set(key, g);
      groups.push({ key, name: String(d.name ?? key), category: String(d.category ?? (ct || 'drop')), app: ct.toLowerCase() !== 'data', count: 0 });
    }
    groups[g]!.count++;
    groupOf[i] = g;
  }
  return { groups, groupOf };
}

/** Partitions from the drops' `node` values (labels or hosts), in order of first appearance. */
export function partsOfSpecs(specs: readonly Spec[]): { parts: PartInfo[]; partOf: Int32Array } | undefined {
  if (specs.length === 0 || specs.some((d) => typeof d.node !== 'string')) return undefined;
  const index = new Map<string, number>();
  const parts: PartInfo[] = [];
  const partOf = new Int32Array(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const label = specs[i]!.node as string;
    let p = index.get(label);
    if (p === undefined) {
      p = parts.length;
      index.set(label, p);
      parts.push({ label, island: String(specs[i]!.island ?? ''), drops: 0 });
    }
    parts[p]!.drops++;
    partOf[i] = p;
  }
  return { parts, partOf };
}

/** [a, b, count] triples of (a, b) pairs. O(n) with a map keyed by a * width + b. */
export function countPairs(n: number, a: (i: number) => number, b: (i: number) => number, width: number): number[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = a(i) * width + b(i);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out: number[] = [];
  for (const [k, c] of counts) out.push(Math.floor(k / width), k % width, c);
  return out;
}

/** Group-level edges (self-loops of a group included: they show fan-in inside a node). */
export function groupEdgesOf(dag: SchedulingDag, groupOf: Int32Array, groups: number): number[] {
  const src = new Int32Array(dag.offsets[dag.n]!);
  for (let u = 0; u < dag.n; u++) src.fill(u, dag.offsets[u]!, dag.offsets[u + 1]!);
  return countPairs(src.length, (e) => groupOf[src[e]!]!, (e) => groupOf[dag.targets[e]!]!, Math.max(groups, 1));
}

export interface ModelInput {
  title: string;
  kind: GraphModel['kind'];
  n: number;
  groups: GroupInfo[];
  groupOf: Int32Array;
  dag: SchedulingDag;
  oid: (i: number) => string;
  parts?: { parts: PartInfo[]; partOf: Int32Array };
  summary?: [string, string][];
  pgtId?: string;
}

export function buildModel(m: ModelInput): GraphModel {
  const { n, dag, groupOf, groups } = m;
  const edges = dag.offsets[n]!;
  const model: GraphModel = {
    title: m.title,
    kind: m.kind,
    drops: n,
    edges,
    groups,
    groupEdges: groupEdgesOf(dag, groupOf, groups.length),
    parts: m.parts?.parts ?? [],
    groupParts: m.parts ? countPairs(n, (i) => groupOf[i]!, (i) => m.parts!.partOf[i]!, Math.max(m.parts.parts.length, 1)) : [],
    summary: m.summary ?? [],
  };
  if (m.pgtId) model.pgtId = m.pgtId;
  if (n <= DETAIL_LIMIT) {
    const src = new Array<number>(edges);
    for (let u = 0; u < n; u++) for (let e = dag.offsets[u]!; e < dag.offsets[u + 1]!; e++) src[e] = u;
    model.detail = {
      oid: Array.from({ length: n }, (_, i) => m.oid(i)),
      group: Array.from(groupOf),
      part: m.parts ? Array.from(m.parts.partOf) : [],
      src,
      dst: Array.from(dag.targets),
    };
  }
  return model;
}

/** Groups of a drop table: one per block (an LG node's drops, or a GroupBy's -grp-data helpers). */
export function groupsOfTable(t: DropTable): { groups: GroupInfo[]; groupOf: Int32Array } {
  const groups: GroupInfo[] = [];
  const groupOf = new Int32Array(t.n);
  for (const b of t.blocks) {
    const node = t.lg.nodes[b.node]!;
    const grp = b.kind === 'grpdata';
    groupOf.fill(groups.length, b.start, b.start + b.count);
    groups.push({
      key: grp ? `${node.id}-grp-data` : node.id,
      name: grp ? 'grpdata' : node.name,
      category: grp ? 'Memory' : node.category,
      app: grp ? false : t.specs[b.node]?.isApp ?? false,
      count: b.count,
    });
  }
  return { groups, groupOf };
}

/** Thousands separated, for the summary rows. */
export function figure(x: number): string {
  if (!Number.isFinite(x)) return '-';
  const [int, frac] = String(Math.round(x * 100) / 100).split('.');
  return int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

/** The --summary figures of a placement, as rows; the last row is the reference's result() line. */
export function planSummary(plan: PartitionPlan, drops: number, edges: number, maxDop: number, dopLimit: number): [string, string][] {
  const r = plan.result;
  return [
    ['drops', figure(drops)],
    ['edges', figure(edges)],
    ['algorithm', `${r.algo} (${plan.algorithm})`],
    ['partitions', `${plan.numParts} (the algorithm made ${plan.algorithmParts})`],
    ['islands', String(plan.numIslands)],
    ['completion time', `${figure(plan.before.completionTime)} → ${figure(plan.after.completionTime)}`],
    ['compute time (critical path)', figure(plan.after.computeTime)],
    ['data moved', `${figure(plan.before.dataMovement)} → ${figure(plan.after.dataMovement)}`],
    ['max degree of parallelism', Number.isNaN(maxDop) ? `not computed above ${figure(dopLimit)} drops` : figure(maxDop)],
    ['reference result', Object.entries(r).map(([k, v]) => `${k}:${v}`).join(' - ')],
  ];
}
