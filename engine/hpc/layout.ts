// Where the managers of a job run and on which ports. Ports come from the task's rank alone,
// so tasks that share a node never collide and every process can compute any manager's
// port without asking: node manager of SLURM_PROCID i at base + i, then the T node managers
// are followed by the island managers (base + T + k) and the master (base + T + I).

export const DEFAULT_BASE_PORT = 8000;

export function nodeManagerPort(base: number, procId: number): number {
  return base + procId;
}

export function islandManagerPort(base: number, tasks: number, island: number): number {
  return base + tasks + island;
}

export function masterManagerPort(base: number, tasks: number, islands: number): number {
  return base + tasks + islands;
}

/** The highest port a job of `tasks` tasks and `islands` islands uses. */
export function lastPort(base: number, tasks: number, islands: number): number {
  return islands > 1 ? masterManagerPort(base, tasks, islands) : islandManagerPort(base, tasks, islands - 1);
}

/** SLURM_TASKS_PER_NODE ("2(x3),1") → tasks of each node in order ([2, 2, 2, 1]). */
export function parseTasksPerNode(value: string): number[] {
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)(?:\(x(\d+)\))?\s*$/.exec(part);
    if (!m) throw new Error(`cannot read SLURM_TASKS_PER_NODE=${JSON.stringify(value)}`);
    const n = Number(m[1]);
    for (let k = 0; k < Number(m[2] ?? 1); k++) out.push(n);
  }
  return out;
}

/** A started node manager, as its task reported it. */
export interface NodeManagerRecord {
  procId: number;
  /** The SLURM node it runs on (a name from `scontrol show hostnames`). */
  node: string;
  /** The address it listens on and that the graph names it by. */
  address: string;
  port: number;
  pid: number;
  dlgRoot: string;
}

export interface IslandPlan {
  index: number;
  node: string;
  address: string;
  port: number;
  /** The node managers it starts with, in rank order. */
  members: NodeManagerRecord[];
}

/**
 * Islands over contiguous groups of node managers in rank order (sizes differ by one at
 * most); each island manager runs on the node of its group's first node manager, so the
 * first island's manager shares the first node with node manager 0.
 */
export function planIslands(nms: readonly NodeManagerRecord[], islands: number, base: number): IslandPlan[] {
  if (islands < 1 || islands > nms.length) throw new Error(`${islands} island(s) need between 1 and ${nms.length} node managers each having one`);
  const sorted = [...nms].sort((a, b) => a.procId - b.procId);
  const out: IslandPlan[] = [];
  let start = 0;
  for (let k = 0; k < islands; k++) {
    const size = Math.floor(sorted.length / islands) + (k < sorted.length % islands ? 1 : 0);
    const members = sorted.slice(start, start + size);
    start += size;
    const head = members[0]!;
    out.push({ index: k, node: head.node, address: head.address, port: islandManagerPort(base, nms.length, k), members });
  }
  return out;
}

export function endpoint(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}
