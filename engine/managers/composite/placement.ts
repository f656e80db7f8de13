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
  const p = new Placement(o);
  const out = p.place(specs);
  p.check();
  return out;
}

/**
 * placeSpecs for a graph that arrives in batches: each batch is placed as it comes, the
 * problems of all batches are gathered, and check() reports them as placeSpecs would for the
 * whole graph.
 */
export class Placement {
  // Values repeat (a few managers for 10^6 drops): each distinct one is parsed once. The
  // cache of the splitting attribute also lists the graph's values in first-seen order.
  private readonly caches = new Map<number, Map<unknown, string | null>>();
  private readonly missing: string[] = [];
  private readonly foreign = new Map<string, string[]>();
  private readonly misplaced: string[] = [];
  private readonly dup: string[] = [];
  private readonly members: Set<string>;

  constructor(private readonly o: PlacementContext) {
    this.members = new Set(o.children);
  }

  private norm(v: unknown, port: number): string | null {
    let cache = this.caches.get(port);
    if (!cache) this.caches.set(port, (cache = new Map()));
    let t = cache.get(v);
    if (t === undefined) {
      t = typeof v === 'string' && v !== '' ? (normalAddress(v, port) ?? null) : null;
      cache.set(v, t);
    }
    return t;
  }

  /** True once some spec could not be placed. */
  get failed(): boolean {
    return this.missing.length > 0 || this.foreign.size > 0 || this.misplaced.length > 0 || this.dup.length > 0;
  }

  place(specs: readonly DropSpec[]): { childOf: string[]; nodeOf: string[] } {
    const o = this.o;
    const attr = o.attr;
    const childOf: string[] = new Array(specs.length);
    const nodeOf: string[] = new Array(specs.length);
    const checkExisting = o.existing.size > 0;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      const raw = spec[attr];
      const child = this.norm(raw, o.childPort);
      const node = attr === 'node' ? child : this.norm(spec.node, NODE_PORT);
      if (child === null || node === null) {
        this.missing.push(`Drop ${spec.oid} doesn't specify a ${child === null ? attr : 'node'} attribute`);
        continue;
      }
      if (!this.members.has(child)) {
        const list = this.foreign.get(String(raw));
        if (list) list.push(spec.oid);
        else this.foreign.set(String(raw), [spec.oid]);
        continue;
      }
      if (attr !== 'node') {
        const under = o.leafNodes(child);
        if (under && !under.includes(node)) this.misplaced.push(`drop ${spec.oid}'s node ${String(spec.node)} is not a node of island ${child} (its nodes: ${under.join(', ')})`);
      }
      if (checkExisting && o.existing.has(spec.oid)) this.dup.push(spec.oid);
      childOf[i] = child;
      nodeOf[i] = node;
    }
    return { childOf, nodeOf };
  }

  /** Throws the 400 for everything placed so far that could not be. */
  check(): void {
    const o = this.o;
    const attr = o.attr;
    if (this.missing.length) throw invalidGraph(listed(this.missing), this.missing);
    if (this.foreign.size) {
      const graphValues = [...new Set([...this.caches.get(o.childPort)!.keys()].map(String))];
      const what = [...this.foreign].map(([v, oids]) => `${v} (drops ${listed(oids)})`).join('; ');
      throw invalidGraph(
        `Drops' ${attr} ${what} does not belong to this DM. The graph's ${attr}s: ${graphValues.join(', ')}; this manager's ${o.childName}s: ${o.children.join(', ')}`,
        { graph: graphValues, manager: o.children },
      );
    }
    if (this.misplaced.length) throw invalidGraph(listed(this.misplaced), this.misplaced);
    if (this.dup.length) throw invalidGraph(`${this.dup.length} drop(s) already exist in session ${o.sessionId}: ${listed(this.dup)}`);
  }
}
