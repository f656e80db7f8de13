// Where each spec of a graph appended to a composite manager goes (reference §7.9, step 3):
// its `node` (island manager) or `island` (master manager) must name one of the manager's
// children, and at a master its node must be one of that island's. Otherwise a 400 names the
// drops, and, for unknown values, lists the graph's values beside the manager's.

import type { DropSpec } from '../../drops/spec.ts';
import { invalidGraph } from '../../errors.ts';
import { listed } from '../../session/build.ts';
import { NODE_PORT, normalAddress } from '../address.ts';

export interface PlacementContext {
  attr: 'node' | 'island';
  /** Default port of the children's addresses. */
  childPort: number;
  /** The children the session lives on (full addresses). */
  children: readonly string[];
  /** What a child is called in messages ("node manager"). */
  childName: string;
  /** The node managers under a child, when known. */
  leafNodes(child: string): string[] | undefined;
  /** Drops already in the session. */
  existing: { size: number; has(oid: string): boolean };
  sessionId: string;
}

/**
 * The child and node of every spec, or a 400 naming the drops without one or with one this
 * manager does not have, with the graph's values and the manager's side by side.
 */
export function placeSpecs(specs: readonly DropSpec[], o: PlacementContext): { childOf: string[]; nodeOf: string[] } {
  const attr = o.attr;
  // Values repeat (a few managers for 10^6 drops): each distinct one is parsed once.
  const caches = new Map<number, Map<unknown, string | null>>();
  const norm = (v: unknown, port: number): string | null => {
    let cache = caches.get(port);
    if (!cache) caches.set(port, (cache = new Map()));
    let t = cache.get(v);
    if (t === undefined) {
      t = typeof v === 'string' && v !== '' ? (normalAddress(v, port) ?? null) : null;
      cache.set(v, t);
    }
    return t;
  };
  const childOf: string[] = new Array(specs.length);
  const nodeOf: string[] = new Array(specs.length);
  const missing: string[] = [];
  const foreign = new Map<string, string[]>();
  const misplaced: string[] = [];
  const dup: string[] = [];
  const members = new Set(o.children);
  const checkExisting = o.existing.size > 0;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const raw = spec[attr];
    const child = norm(raw, o.childPort);
    const node = attr === 'node' ? child : norm(spec.node, NODE_PORT);
    if (child === null || node === null) {
      missing.push(`Drop ${spec.oid} doesn't specify a ${child === null ? attr : 'node'} attribute`);
      continue;
    }
    if (!members.has(child)) {
      const list = foreign.get(String(raw));
      if (list) list.push(spec.oid);
      else foreign.set(String(raw), [spec.oid]);
      continue;
    }
    if (attr !== 'node') {
      const under = o.leafNodes(child);
      if (under && !under.includes(node)) misplaced.push(`drop ${spec.oid}'s node ${String(spec.node)} is not a node of island ${child} (its nodes: ${under.join(', ')})`);
    }
    if (checkExisting && o.existing.has(spec.oid)) dup.push(spec.oid);
    childOf[i] = child;
    nodeOf[i] = node;
  }
  if (missing.length) throw invalidGraph(listed(missing), missing);
  if (foreign.size) {
    const graphValues = [...new Set(specs.map((x) => String(x[attr])))];
    const what = [...foreign].map(([v, oids]) => `${v} (drops ${listed(oids)})`).join('; ');
    throw invalidGraph(
      `Drops' ${attr} ${what} does not belong to this DM. The graph's ${attr}s: ${graphValues.join(', ')}; this manager's ${o.childName}s: ${o.children.join(', ')}`,
      { graph: graphValues, manager: o.children },
    );
  }
  if (misplaced.length) throw invalidGraph(listed(misplaced), misplaced);
  if (dup.length) throw invalidGraph(`${dup.length} drop(s) already exist in session ${o.sessionId}: ${listed(dup)}`);
  return { childOf, nodeOf };
}
