// Placement: the scheduling DAG → partitions (node slots) and islands → `node`/`island` of
// every drop: template labels `#i`/`#j` for a partitioned PGT, hosts for a PG (§4.4, §6.2).
// Works on a drop table (from an LG) or on a drop list read from a file.

import { CODES, hasErrors, type Diagnostic, type Result } from './diagnostics.ts';
import { hostMapper, planHosts, resourceMap, templateLabels, type DropMapper } from './map/index.ts';
import { partitionDag, type PartitionPlan, type PartitionRequest } from './partition/plan.ts';
import { contractDag } from './schedule/contract.ts';
import { dagFromDropSpecs, type SchedulingDag } from './schedule/dag.ts';
import { scheduleMetrics } from './schedule/metrics.ts';
import { dagOfTable, exclusiveInstances, type DropTable, type ExclusiveInstances } from './unroll/index.ts';

export interface PlaceOptions extends PartitionRequest {
  /** 'pgtp': labels; 'pg': hosts from `nodes` */
  target: 'pgtp' | 'pg';
  /** ordered hosts: the first `numIslands` run the island managers (pg only) */
  nodes?: string[];
  /** run a node manager on each island manager's host too (pg only) */
  coHostDim?: boolean;
  /** the user named an algorithm (-a): re-partition even an already labelled drop list */
  algorithmGiven?: boolean;
}

export interface Placed {
  plan?: PartitionPlan;
  /** node and island of drop i */
  mapper: DropMapper;
}

/**
 * Partitions and maps a scheduling DAG; drops in one instance of `exclusive` (per drop: a
 * group instance or -1) always share a partition.
 */
export function placeDag(dag: SchedulingDag, opts: PlaceOptions, exclusive?: ExclusiveInstances): Result<Placed> {
  const p = exclusive ? partitionContracted(dag, opts, exclusive) : partitionDag(dag, opts);
  if (!p.value || hasErrors(p.diagnostics)) return { diagnostics: p.diagnostics };
  const plan = p.value;
  const labels = { part: plan.part, islandOf: plan.islandOf };
  if (opts.target === 'pgtp') return { value: { plan, mapper: templateLabels(labels) }, diagnostics: p.diagnostics };
  // The first -i hosts are island managers whatever number of islands the graph needed.
  const hosts = planHosts(plan.islandOf, Math.max(1, opts.numIslands ?? 1, plan.numIslands), opts.nodes ?? [], opts.coHostDim);
  const diagnostics = [...p.diagnostics, ...hosts.diagnostics];
  if (!hosts.value) return { diagnostics };
  return { value: { plan, mapper: hostMapper(labels, hosts.value) }, diagnostics };
}

/**
 * ExclusiveForceNode groups: the algorithm partitions the DAG with each group instance
 * contracted to one vertex, whatever it is (the groups are never split, by construction),
 * and the plan is expanded back to the drops. Its before/after metrics are those of the
 * drops; `result` (the reference's view of the algorithm's own output) stays the contracted
 * graph's. O(n + m) on top of the algorithm.
 */
function partitionContracted(dag: SchedulingDag, opts: PlaceOptions, exclusive: ExclusiveInstances): Result<PartitionPlan> {
  const c = contractDag(dag, exclusive.of, exclusive.count);
  const p = partitionDag(c.dag, opts);
  if (!p.value) return p;
  const q = p.value;
  const part = new Int32Array(dag.n);
  for (let i = 0; i < dag.n; i++) part[i] = q.part[c.vertexOf[i]!]!;
  const dop = opts.dop !== false;
  const after = scheduleMetrics(dag, { part, numParts: q.numParts, islandOf: q.islandOf, dop });
  after.islands = q.numIslands;
  const diagnostics = [...p.diagnostics];
  if (c.absorbed > 0) {
    diagnostics.push({
      code: CODES.EXCLUSIVE_ABSORBED, severity: 'info',
      message: `${c.absorbed} drop(s) outside every ExclusiveForceNode are placed with one, because they lie on a path that leaves the group and comes back into it`,
    });
  }
  return { value: { ...q, part, before: scheduleMetrics(dag, { dop }), after }, diagnostics };
}

/** Partitions and maps the drops of a table. */
export function placeTable(t: DropTable, opts: PlaceOptions): Result<Placed> {
  return placeDag(dagOfTable(t), opts, exclusiveInstances(t));
}

/**
 * Partitions and maps a drop list, in place. A list whose drops all carry template labels
 * (a partitioned PGT) is only mapped to hosts, as the reference's `dlg map` does. `dagOf`
 * builds the scheduling DAG when the caller already holds the resolved relationships.
 */
export function placeDropList(drops: Record<string, unknown>[], opts: PlaceOptions, dagOf: (diagnostics: Diagnostic[]) => SchedulingDag = (ds) => dagFromDropSpecs(drops, ds)): Result<Placed | undefined> {
  const labelled = drops.length > 0 && drops.every((d) => typeof d.node === 'string' && d.node.startsWith('#') && typeof d.island === 'string');
  if (labelled && opts.target === 'pg' && opts.algorithmGiven !== true) {
    const diagnostics: Diagnostic[] = resourceMap(drops, opts.nodes ?? [], opts.numIslands ?? 1, opts.coHostDim);
    return hasErrors(diagnostics) ? { diagnostics } : { value: undefined, diagnostics };
  }
  const dagDiagnostics: Diagnostic[] = [];
  const dag = dagOf(dagDiagnostics);
  const r = placeDag(dag, opts);
  if (!r.value) return { diagnostics: [...dagDiagnostics, ...r.diagnostics] };
  let i = 0;
  for (const d of drops) {
    d.node = r.value.mapper.node(i);
    d.island = r.value.mapper.island(i);
    i++;
  }
  return { value: r.value, diagnostics: [...dagDiagnostics, ...r.diagnostics] };
}
