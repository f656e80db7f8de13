// The data the browser views draw, shared by the servers that build it and the page code that
// reads it (so: no Node and no DOM imports here). Graphs travel grouped by the LG node their
// drops came from; per-drop arrays are sent only up to DETAIL_LIMIT drops.

/** Largest graph whose drops are sent one by one (oids, groups, partitions, edges). */
export const DETAIL_LIMIT = 250_000;

export interface GroupInfo {
  /** the LG node id (the drops' lg_key), with "-grp-data" for a GroupBy's helpers */
  key: string;
  name: string;
  /** EAGLE category (BashShellApp, File, Memory, ...) or the drop's categoryType */
  category: string;
  app: boolean;
  /** drops of this group */
  count: number;
}

export interface PartInfo {
  /** "#3" in a partitioned PGT, the host in a PG */
  label: string;
  island: string;
  drops: number;
}

export interface DropDetail {
  oid: string[];
  /** group index per drop */
  group: number[];
  /** partition index per drop, or empty */
  part: number[];
  /** distinct drop edges, producer first */
  src: number[];
  dst: number[];
}

export interface GraphModel {
  title: string;
  kind: 'pgt' | 'pgtp' | 'pg' | 'session';
  drops: number;
  edges: number;
  groups: GroupInfo[];
  /** flat triples [from group, to group, drop edges] */
  groupEdges: number[];
  parts: PartInfo[];
  /** flat triples [group, part, drops] */
  groupParts: number[];
  detail?: DropDetail;
  /** label/value rows shown beside the graph (the --summary figures) */
  summary: [string, string][];
  /** pgt_id when the graph is stored by a translator service (links to the Gantt chart) */
  pgtId?: string;
}

/** The schedule of a PGT: when each app drop runs, on which lane of which partition. */
export interface ScheduleModel {
  title: string;
  /** time units of the whole schedule (completion time with data movement) */
  makespan: number;
  drops: number;
  /** parts[i] = label of partition i */
  parts: string[];
  /** lanes (parallel slots) used in each partition */
  lanes: number[];
  /** one entry per bar (a drop with a non-zero duration): flat [drop, part, lane, start, end] */
  bars: number[];
  /** drop indices on the critical path, source first */
  critical: number[];
  /** names of the drops that have a bar, by drop index (sparse: only those) */
  names: Record<number, string>;
  /** bars left out above BAR_LIMIT (the longest are kept) */
  omitted: number;
}

export const BAR_LIMIT = 50_000;

/** What a manager's compact progress route answers (GET /api/sessions/<id>/graph/progress). */
export interface SessionProgress {
  status: number;
  total: number;
  /** drops per DropState */
  counts: number[];
  /** application drops executing now (their state stays INITIALIZED until they end) */
  running: number;
  /** per outline group (same order as the outline): drops per DropState, flat, 8 per group */
  groups: number[];
  /** drops in ERROR, first ones (at most `failedLimit`) */
  failed: { oid: string; group: number; name: string }[];
  /** requested groups: [oid, state] of their drops (at most `expandLimit` each) */
  expanded: Record<string, [string, number][]>;
}

/** A session's graph grouped by LG node (GET /api/sessions/<id>/graph/outline). */
export interface SessionOutline {
  total: number;
  groups: GroupInfo[];
  groupEdges: number[];
  /** hosts the drops run on (the `node` of their specs), with their drop counts */
  parts: PartInfo[];
  groupParts: number[];
}
