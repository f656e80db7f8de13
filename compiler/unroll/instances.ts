// Drop numbering and instance identifiers (§3.3, §3.4.5).
// A node's drops form one contiguous block; local index k within the block is a
// mixed-radix number over the dops of the enclosing constructs (outermost varies slowest),
// so iid, rank and loop_ctx are computed from k on demand and never stored.

import type { LogicalGraph } from '../model.ts';
import type { NodeProps } from './props.ts';
import type { DropBlock } from './table.ts';

/** Radices of a node's instance digits: enclosing constructs' dops, then its own level. */
export function radices(lg: LogicalGraph, props: NodeProps, node: number): number[] {
  const r = props.chain[node].map((c) => props.dop[c]);
  const n = lg.nodes[node];
  if (n.kind === 'construct' || (n.kind === 'app' && n.category === 'Mpi')) r.push(props.dop[node]);
  return r;
}

/** Which digit positions are Loop iterations (for loop_ctx). */
export function loopDigits(lg: LogicalGraph, props: NodeProps, node: number): number[] {
  const out: number[] = [];
  props.chain[node].forEach((c, i) => {
    if (lg.nodes[c].construct === 'Loop') out.push(i);
  });
  return out;
}

/** Writes the digits of local index k into `digits` (length = radices.length). */
export function digitsOf(k: number, radix: readonly number[], digits: number[]): void {
  for (let i = radix.length - 1; i >= 0; i--) {
    const r = radix[i];
    digits[i] = k % r;
    k = Math.floor(k / r);
  }
}

/**
 * Output order (§3.7): node blocks in order of their first drop's creation, i.e. a
 * depth-first walk of the construct tree in node order; all GroupBy -grp-data helpers form
 * one bucket placed where the first of them was created. O(nodes).
 */
export function layoutBlocks(lg: LogicalGraph, props: NodeProps): { blocks: DropBlock[]; n: number } {
  const order: DropBlock[] = [];
  const helpers: DropBlock[] = [];
  let bucketAt = -1;
  const visit = (i: number) => {
    const node = lg.nodes[i];
    if (node.kind === 'construct') {
      if (node.construct === 'GroupBy') {
        order.push({ node: i, kind: 'drop', start: 0, count: props.count[i] });
        if (bucketAt < 0) {
          bucketAt = order.length;
          order.push({ node: -1, kind: 'grpdata', start: 0, count: 0 }); // placeholder
        }
        helpers.push({ node: i, kind: 'grpdata', start: 0, count: props.count[i] });
      }
      for (const c of node.children) visit(c);
      return;
    }
    if (props.noDrops[i]) return;
    order.push({ node: i, kind: 'drop', start: 0, count: props.count[i] });
  };
  for (const n of lg.nodes) if (n.parent < 0) visit(n.index);

  const blocks: DropBlock[] = [];
  let next = 0;
  const place = (b: DropBlock) => {
    b.start = next;
    next += b.count;
    blocks.push(b);
  };
  order.forEach((b, i) => {
    if (i === bucketAt) helpers.forEach(place);
    else place(b);
  });
  return { blocks, n: next };
}
