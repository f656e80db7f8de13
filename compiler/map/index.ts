// Resource mapping (§4.4, §6.2): partitions and islands → template labels `#i`/`#j`, and
// labels → hosts from an ordered node list whose first -i entries are the island managers.
// Everything is per drop index, so an emitter can ask for drop i's node and island while it
// streams 10^7 drops instead of rewriting objects.

import { CODES, error, type Diagnostic } from '../../kernel/diagnostics.ts';

export {
  fetchNodes, managerBase, nodesFromAnswer, parseNodeAddress, parseNodeList, type NodeAddress,
} from './nodes.ts';

/** Where every drop goes: its partition (node slot) and each partition's island. */
export interface Placement {
  part: Int32Array;
  islandOf: Int32Array;
}

/** Per-drop node and island values (labels or hosts), computed on demand. */
export interface DropMapper {
  node(i: number): string;
  island(i: number): string;
}

/** Template labels (§4.4): drop i → node "#<partition>", island "#<island of partition>". */
export function templateLabels(p: Placement): DropMapper {
  const nodeLabels = Array.from({ length: p.islandOf.length }, (_, k) => `#${k}`);
  const islandLabels = Array.from(p.islandOf, (j) => `#${j}`);
  return { node: (i) => nodeLabels[p.part[i]!]!, island: (i) => islandLabels[p.part[i]!]! };
}

/** Sets `node` and `island` labels on every drop object (the partitioned PGT). O(n). */
export function labelDrops(drops: readonly object[], part: Int32Array, islandOf: Int32Array): void {
  const m = templateLabels({ part, islandOf });
  let i = 0;
  for (const d of drops) {
    if (typeof (d as { oid?: unknown }).oid !== 'string') continue; // the trailing reprodata object
    (d as Record<string, unknown>).node = m.node(i);
    (d as Record<string, unknown>).island = m.island(i);
    i++;
  }
}

/** Hosts of every partition and island. */
export interface HostMap {
  nodeHost: string[];
  islandHost: string[];
}

/**
 * Assigns hosts (§6.2): islandHost[j] = nodes[j]; partition p runs on a node manager.
 * Without co-hosting the node managers are nodes[numIslands..] and partition p gets
 * nodes[numIslands + p]. With co-hosting (Q24: done for real) every island manager's host
 * also runs a node manager: the first partition of island j goes to nodes[j], the other
 * partitions to nodes[numIslands..] in order, so an island's manager hosts its own work.
 * Errors: fewer nodes than islands + 1 (islands without co-hosting), or more partitions
 * than node managers. O(P + nodes).
 */
export function planHosts(
  islandOf: Int32Array, numIslands: number, nodes: readonly string[], coHostDim = false,
): { value?: HostMap; diagnostics: Diagnostic[] } {
  const I = Math.max(1, numIslands);
  const P = islandOf.length;
  const fail = (msg: string) => ({ diagnostics: [error(CODES.MAP_TOO_FEW_NODES, msg, { field: 'nodes' })] });
  for (let p = 0; p < P; p++) {
    if (islandOf[p]! < 0 || islandOf[p]! >= I) {
      return { diagnostics: [error(CODES.MAP_BAD_ISLAND_COUNT, `partition ${p} is on island ${islandOf[p]}, but there are only ${I} island(s)`, { field: 'islands' })] };
    }
  }
  if (!coHostDim && nodes.length < I + 1) {
    return fail(`${nodes.length} node(s) given for ${I} island(s): the first ${I} host the island managers, so at least ${I + 1} are needed (or co-host the island managers with node managers)`);
  }
  if (coHostDim && nodes.length < I) {
    return fail(`${nodes.length} node(s) given for ${I} island(s): every island manager needs its own host`);
  }
  const managers = coHostDim ? nodes.length : nodes.length - I;
  if (P > managers) {
    return fail(`the graph has ${P} partition(s) but only ${managers} node manager host(s) (${nodes.length} node(s), ${I} island manager(s)${coHostDim ? ' co-hosted' : ''}); partition into at most ${managers}`);
  }
  const islandHost = nodes.slice(0, I);
  const nodeHost = new Array<string>(P);
  let next = I;
  if (coHostDim) {
    const first = new Int32Array(I).fill(-1);
    for (let p = 0; p < P; p++) if (first[islandOf[p]!]! < 0) first[islandOf[p]!] = p;
    for (let j = 0; j < I; j++) if (first[j]! >= 0) nodeHost[first[j]!] = nodes[j]!;
    // then the hosts after the island managers, then managers of islands left empty
    const idle: number[] = [];
    for (let j = 0; j < I; j++) if (first[j]! < 0) idle.push(j);
    let k = 0;
    for (let p = 0; p < P; p++) {
      if (nodeHost[p] !== undefined) continue;
      nodeHost[p] = next < nodes.length ? nodes[next++]! : nodes[idle[k++]!]!;
    }
  } else {
    for (let p = 0; p < P; p++) nodeHost[p] = nodes[next++]!;
  }
  return { value: { nodeHost, islandHost }, diagnostics: [] };
}

/** Per-drop hosts from a placement and a host map. */
export function hostMapper(p: Placement, hosts: HostMap): DropMapper {
  return {
    node: (i) => hosts.nodeHost[p.part[i]!]!,
    island: (i) => hosts.islandHost[p.islandOf[p.part[i]!]!]!,
  };
}

/** "#12" → 12; anything else → -1. */
export function labelIndex(label: unknown): number {
  if (typeof label !== 'string' || !/^#\d+$/.test(label)) return -1;
  return Number(label.slice(1));
}

/**
 * §6.2 on a partitioned PGT (drops labelled `#i`/`#j`): rewrites `node` and `island` of
 * every drop that has both into hosts, in place. The partitions' islands are read from the
 * labels themselves. Drops without labels are left alone, as the reference does.
 * O(n + nodes).
 */
export function resourceMap(
  drops: readonly object[], nodes: readonly string[], numIslands: number, coHostDim = false,
): Diagnostic[] {
  const I = Math.max(1, numIslands);
  const islandOfLabel: number[] = [];
  const diagnostics: Diagnostic[] = [];
  let labelled = 0;
  for (const d of drops) {
    const r = d as Record<string, unknown>;
    if (r.node === undefined || r.island === undefined) continue;
    const p = labelIndex(r.node);
    const j = labelIndex(r.island);
    if (p < 0 || j < 0 || j >= I) {
      diagnostics.push(error(CODES.MAP_LABEL_OUT_OF_RANGE,
        `drop ${String(r.oid)} has node ${JSON.stringify(r.node)} and island ${JSON.stringify(r.island)}; expected template labels "#<partition>" and "#<island>" with island < ${I}`,
        { field: 'node' }));
      continue;
    }
    if (islandOfLabel[p] !== undefined && islandOfLabel[p] !== j) {
      diagnostics.push(error(CODES.MAP_LABEL_OUT_OF_RANGE,
        `partition #${p} is labelled with islands #${islandOfLabel[p]} and #${j}; a partition belongs to one island`, { field: 'island' }));
    }
    islandOfLabel[p] = j;
    labelled++;
  }
  if (diagnostics.length) return diagnostics;
  // unused partition labels (gaps) still need a slot so that #p maps to the p-th manager
  const islandOf = Int32Array.from({ length: islandOfLabel.length }, (_, p) => islandOfLabel[p] ?? 0);
  const hosts = planHosts(islandOf, I, nodes, coHostDim);
  if (!hosts.value) return hosts.diagnostics;
  if (labelled === 0) return diagnostics;
  for (const d of drops) {
    const r = d as Record<string, unknown>;
    if (r.node === undefined || r.island === undefined) continue;
    const p = labelIndex(r.node);
    r.node = hosts.value.nodeHost[p];
    r.island = hosts.value.islandHost[islandOf[p]!];
  }
  return diagnostics;
}
