// Which drops must share a partition (ExclusiveForceNode): per drop, the instance of its
// group, numbered 0..count-1 across all groups; -1 for drops in no group. A group has one
// instance per instance of the construct that encloses it, and a member's drop belongs to
// the instance its leading instance digits (the enclosing constructs') name. O(n).

import { radices } from './instances.ts';
import type { DropTable } from './table.ts';

export interface ExclusiveInstances {
  /** per drop: its group instance, or -1 */
  of: Int32Array;
  /** number of group instances */
  count: number;
}

/** undefined when the graph has no ExclusiveForceNode with members. */
export function exclusiveInstances(t: DropTable): ExclusiveInstances | undefined {
  const { lg, props } = t;
  const groups = lg.exclusiveGroups;
  if (!groups.length) return undefined;
  // Instances of each group, and where its numbering starts.
  const first = new Float64Array(groups.length);
  let count = 0;
  groups.forEach((g, k) => {
    first[k] = count;
    count += g.parent < 0 ? 1 : props.count[g.parent]!;
  });
  const of = new Int32Array(t.n).fill(-1);
  for (const b of t.blocks) {
    const k = lg.nodes[b.node]!.exclusive;
    if (k === undefined) continue;
    const g = groups[k]!;
    // The group's instance digits are the member's leading ones: the enclosing constructs of
    // the group (the group's parent and its own chain); the rest vary inside one instance.
    const depth = g.parent < 0 ? 0 : props.chain[g.parent]!.length + 1;
    const r = radices(lg, props, b.node);
    let inner = 1;
    for (let i = depth; i < r.length; i++) inner *= r[i]!;
    for (let j = 0; j < b.count; j++) of[b.start + j] = first[k]! + Math.floor(j / inner);
  }
  return { of, count };
}
