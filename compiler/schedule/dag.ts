// The scheduling DAG (reference §5.2) in CSR form: the one input every scheduling and
// partitioning algorithm reads. Drops are indices 0..n-1 in PGT list order; nothing here
// allocates per drop beyond the typed arrays, so 10^7 drops stay cheap.

import { CODES, warning, type Diagnostic } from '../diagnostics.ts';

export interface SchedulingDag {
  /** Drops, indexed 0..n-1 in PGT list order. */
  n: number;
  /** 1 = application drop, 0 = data drop. */
  isApp: Uint8Array;
  /** App: execution time; data: data volume (§3.4.4, §5.2). */
  weight: Float64Array;
  /** Apps: num_cpus (default 1); data: 1 (§5.6). */
  numCpus: Int32Array;
  /** CSR out-edges, length n+1: successors of i are targets[offsets[i]..offsets[i+1]). */
  offsets: Int32Array;
  /** Producer→consumer direction; distinct edges only, in DAG edge order. */
  targets: Int32Array;
  /**
   * Edge weights aligned with targets, when they cannot be derived from the ends (a DAG whose
   * vertices stand for several drops, see contract.ts); otherwise §5.2's rule applies.
   */
  edgeWeight?: Float64Array;
}

const FORWARD_KEYS = DOWNSTREAM_LISTS;
const BACKWARD_KEYS = UPSTREAM_LISTS;

/** A relationship entry is `"oid"` or `{"oid": "port"}` (§3.8). */
export { entryOid as relationOid } from '../relations.ts';
import { DOWNSTREAM_LISTS, entryOid as relationOid, UPSTREAM_LISTS, type RelationList } from '../relations.ts';

/**
 * The drops of a PGT/PG document: unwraps the legacy `["name", [drops]]` form and skips
 * elements without an `oid` (the trailing reprodata object, §4.1). Index i of the result is
 * drop i of every SchedulingDag built from it.
 */
export function dropSpecList(doc: unknown): Record<string, unknown>[] {
  let list: unknown = doc;
  if (Array.isArray(list) && list.length === 2 && typeof list[0] === 'string' && Array.isArray(list[1])) {
    list = list[1];
  }
  if (!Array.isArray(list)) return [];
  const out: Record<string, unknown>[] = [];
  for (const e of list) {
    if (e !== null && typeof e === 'object' && typeof (e as Record<string, unknown>).oid === 'string') {
      out.push(e as Record<string, unknown>);
    }
  }
  return out;
}

/** Numbers and numeric strings, rounded (Q44: "0.5" is not silently 1); otherwise undefined. */
export function parseWeight(v: unknown): number | undefined {
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string' && v.trim() !== '') x = Number(v);
  else return undefined;
  if (!Number.isFinite(x)) return undefined;
  return Math.max(0, Math.round(x));
}

export function isDataCategory(categoryType: unknown): boolean {
  return typeof categoryType === 'string' && categoryType.toLowerCase() === 'data';
}

const APP_CATEGORIES = new Set(['application', 'app', 'service', 'serviceapp', 'branch']);

/**
 * Builds the scheduling DAG from a drop-spec list (PGT JSON). Elements without `oid` are
 * skipped (see dropSpecList). Edges come from the forward lists (streamingConsumers,
 * consumers, outputs: the reference's DAG edge order); an edge that only a backward list
 * (producers, inputs) names is added after them, so one-sided specs still give the full DAG.
 * Unknown oids are ignored with a warning, as the engine ignores them (§4.3).
 * O(n + total relationship entries).
 */
export function dagFromDropSpecs(specs: readonly object[], diagnostics: Diagnostic[] = []): SchedulingDag {
  const drops = dropSpecList(specs as unknown[]);
  const n = drops.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(drops[i]!.oid as string, i);
  const { isApp, weight, numCpus } = dropColumns(drops, diagnostics);

  // Collect (src, dst) pairs in DAG edge order, then group them by source (stable).
  let src: number[] = [];
  let dst: number[] = [];
  let unknown = 0;
  for (const keys of [FORWARD_KEYS, BACKWARD_KEYS]) {
    const forward = keys === FORWARD_KEYS;
    for (let i = 0; i < n; i++) {
      const d = drops[i]!;
      for (const k of keys) {
        const list = d[k];
        if (!Array.isArray(list)) continue;
        for (const e of list) {
          const oid = relationOid(e);
          const j = oid === undefined ? undefined : index.get(oid);
          if (j === undefined) { unknown++; continue; }
          if (j === i) continue;
          if (forward) { src.push(i); dst.push(j); } else { src.push(j); dst.push(i); }
        }
      }
    }
  }
  unknownOidWarning(unknown, diagnostics);
  const dag = dagFromEdgeList(n, isApp, weight, numCpus, Int32Array.from(src), Int32Array.from(dst));
  src = dst = [];
  return dag;
}

/**
 * The same DAG from relationship tables already resolved to drop indexes (-1: an unknown
 * oid), such as the drop-list validation's: no entry is read again. `drops` are the specs,
 * all with a string oid, in the tables' order.
 */
export function dagFromRelations(
  drops: readonly Record<string, unknown>[],
  relation: (list: RelationList) => { offsets: Int32Array; targets: Int32Array },
  diagnostics: Diagnostic[] = [],
): SchedulingDag {
  const n = drops.length;
  const { isApp, weight, numCpus } = dropColumns(drops, diagnostics);
  let m = 0;
  for (const k of [...FORWARD_KEYS, ...BACKWARD_KEYS]) m += relation(k).targets.length;
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let e = 0;
  let unknown = 0;
  for (const keys of [FORWARD_KEYS, BACKWARD_KEYS]) {
    const forward = keys === FORWARD_KEYS;
    const tables = keys.map(relation);
    for (let i = 0; i < n; i++) {
      for (const { offsets, targets } of tables) {
        for (let x = offsets[i]!; x < offsets[i + 1]!; x++) {
          const j = targets[x]!;
          if (j < 0) { unknown++; continue; }
          if (j === i) continue;
          src[e] = forward ? i : j;
          dst[e++] = forward ? j : i;
        }
      }
    }
  }
  unknownOidWarning(unknown, diagnostics);
  return dagFromEdgeList(n, isApp, weight, numCpus, src.subarray(0, e), dst.subarray(0, e));
}

/** Kind, weight and cores of every drop (§5.2, §5.6). */
function dropColumns(drops: readonly Record<string, unknown>[], diagnostics: Diagnostic[]): { isApp: Uint8Array; weight: Float64Array; numCpus: Int32Array } {
  const n = drops.length;
  const isApp = new Uint8Array(n);
  const weight = new Float64Array(n);
  const numCpus = new Int32Array(n);
  let unknownCategories = 0;
  for (let i = 0; i < n; i++) {
    const d = drops[i]!;
    const ct = d.categoryType;
    const data = isDataCategory(ct);
    if (!data && !(typeof ct === 'string' && APP_CATEGORIES.has(ct.toLowerCase()))) unknownCategories++;
    isApp[i] = data ? 0 : 1;
    weight[i] = parseWeight(d.weight) ?? 1;
    numCpus[i] = data ? 1 : (parseWeight(d.num_cpus) ?? 1);
  }
  if (unknownCategories > 0) {
    diagnostics.push(warning(CODES.SCHED_UNKNOWN_CATEGORY,
      `${unknownCategories} drop(s) have a categoryType that is neither Data nor Application; scheduled as applications`));
  }
  return { isApp, weight, numCpus };
}

function unknownOidWarning(unknown: number, diagnostics: Diagnostic[]): void {
  if (unknown > 0) {
    diagnostics.push(warning(CODES.SCHED_UNKNOWN_OID,
      `${unknown} relationship entr${unknown === 1 ? 'y names' : 'ies name'} an oid that is not in the graph; ignored`));
  }
}

/**
 * CSR from an edge list in DAG edge order: stable grouping by source, duplicates and
 * self-loops dropped (the first occurrence keeps its place). O(n + m).
 */
export function dagFromEdgeList(
  n: number, isApp: Uint8Array, weight: Float64Array, numCpus: Int32Array,
  src: Int32Array, dst: Int32Array,
): SchedulingDag {
  const m = src.length;
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) offsets[src[e]! + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const grouped = new Int32Array(m);
  for (let e = 0; e < m; e++) grouped[fill[src[e]!]!++] = dst[e]!;
  // Deduplicate per source with a "last source that saw this target" marker.
  const seen = new Int32Array(n).fill(-1);
  const outOffsets = new Int32Array(n + 1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const t = grouped[e]!;
      if (t === i || seen[t] === i) continue;
      seen[t] = i;
      grouped[k++] = t;
    }
    outOffsets[i + 1] = k;
  }
  return { n, isApp, weight, numCpus, offsets: outOffsets, targets: grouped.slice(0, k) };
}

/** Number of edges. */
export function edgeCount(dag: SchedulingDag): number {
  return dag.offsets[dag.n]!;
}

/** Predecessor CSR (reverse edges), preserving DAG edge order per target. O(n + m). */
export function predecessors(dag: SchedulingDag): { offsets: Int32Array; sources: Int32Array; edge: Int32Array } {
  const { n, offsets, targets } = dag;
  const m = offsets[n]!;
  const poff = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) poff[targets[e]! + 1]!++;
  for (let i = 0; i < n; i++) poff[i + 1]! += poff[i]!;
  const fill = poff.slice(0, n);
  const sources = new Int32Array(m);
  const edge = new Int32Array(m);
  for (let u = 0; u < n; u++) {
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const p = fill[targets[e]!]!++;
      sources[p] = u;
      edge[p] = e;
    }
  }
  return { offsets: poff, sources, edge };
}

/**
 * Topological order (Kahn, smallest index first among ready drops is not needed, so a plain
 * FIFO keeps it O(n + m)). Returns undefined when the graph has a cycle.
 */
export function topologicalOrder(dag: SchedulingDag): Int32Array | undefined {
  const { n, offsets, targets } = dag;
  const indeg = new Int32Array(n);
  for (let e = 0; e < offsets[n]!; e++) indeg[targets[e]!]!++;
  const order = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (indeg[i] === 0) order[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const u = order[head]!;
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const v = targets[e]!;
      if (--indeg[v]! === 0) order[tail++] = v;
    }
  }
  return tail === n ? order : undefined;
}

/**
 * Edge weights aligned with `targets` (§5.2): the data volume of the data end of the edge;
 * for an app→app edge the target's weight, for data→data the source's (as the reference).
 */
export function edgeWeights(dag: SchedulingDag): Float64Array {
  if (dag.edgeWeight) return dag.edgeWeight.slice(); // callers may zero their copy
  const { n, offsets, targets, isApp, weight } = dag;
  const w = new Float64Array(offsets[n]!);
  for (let u = 0; u < n; u++) {
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) w[e] = isApp[u] ? weight[targets[e]!]! : weight[u]!;
  }
  return w;
}

/** Vertex time weights: app execution time, 0 for data (§5.2). */
export function timeWeights(dag: SchedulingDag): Float64Array {
  const w = new Float64Array(dag.n);
  for (let i = 0; i < dag.n; i++) w[i] = dag.isApp[i] ? dag.weight[i]! : 0;
  return w;
}

/**
 * The order in which the reference's networkx DiGraph holds its vertices: a drop is inserted
 * when first met, either as itself (list order) or as the target of an earlier drop's forward
 * edge. The reference numbers partitions and orders edge ties by it (§5.6). O(n + m).
 */
export function referenceVertexOrder(dag: SchedulingDag): Int32Array {
  const { n, offsets, targets } = dag;
  const order = new Int32Array(n);
  const seen = new Uint8Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!seen[i]) { seen[i] = 1; order[k++] = i; }
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const t = targets[e]!;
      if (!seen[t]) { seen[t] = 1; order[k++] = t; }
    }
  }
  return order;
}
