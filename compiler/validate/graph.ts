// Derived node properties the rules share (§3.1): group start/end, construct chains and
// multiplicities. Each is O(depth) per node; the context caches what rules ask repeatedly.

import type { LgNode, LogicalGraph } from '../model.ts';
import { integerOf } from '../fill/convert.ts';

const TRUE_TEXT = new Set(['true', '1']);

/** The translator's truthiness for group_start/group_end (§3.1): true, 1, "true", "1". */
export function flag(v: unknown): boolean {
  if (v === true) return true;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return TRUE_TEXT.has(v.trim().toLowerCase());
  return false;
}

function firstAttr(node: LgNode, names: readonly string[]): unknown {
  for (const n of names) if (n in node.attrs) return node.attrs[n];
  return undefined;
}

/** Q19: both spellings are read (the reference detects one and reads the other). */
export function isGroupStart(g: LogicalGraph, n: LgNode): boolean {
  if (n.parent < 0) return false;
  if (n.appOf !== undefined && g.nodes[n.appOf].construct === 'Gather') return true;
  return flag(firstAttr(n, ['group_start', 'Group start', 'Group Start']));
}

export function isGroupEnd(n: LgNode): boolean {
  if (n.parent < 0) return false;
  return flag(firstAttr(n, ['group_end', 'Group end', 'Group End']));
}

/** Enclosing constructs, outermost first. */
export function chainOf(g: LogicalGraph, n: LgNode): number[] {
  const chain: number[] = [];
  for (let p = n.parent; p >= 0; p = g.nodes[p].parent) chain.push(p);
  return chain.reverse();
}

export function hLevel(g: LogicalGraph, n: LgNode): number {
  let level = n.category === 'Mpi' ? 1 : 0;
  for (let p = n.parent; p >= 0; p = g.nodes[p].parent) level++;
  return level;
}

/** §1.8, without the reference's substring test (Q51): one chain is a prefix of the other. */
export function hierarchicallyRelated(a: number[], b: number[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  for (let i = 0; i < short.length; i++) if (short[i] !== long[i]) return false;
  return true;
}

export const COPIES = ['num_of_copies', 'num_of_splits', 'Number of copies'] as const;
export const ITERATIONS = ['num_of_iter', 'Number of Iterations', 'Number of loops'] as const;
export const INPUTS = ['num_of_inputs'] as const;
export const PROCS = ['num_of_procs'] as const;

export interface Multiplicity {
  /** the alias that was present, if any */
  key?: string;
  /** the raw value (effective: defaultValue when value is "") */
  value?: unknown;
  /** the value as a positive integer, when it is one */
  count?: number;
  /** the field index (into node.fields) of the alias, for pointers */
  field?: number;
}

/** Reads the first present alias (the reference's order) as a positive integer. */
export function multiplicity(node: LgNode, aliases: readonly string[]): Multiplicity {
  for (const key of aliases) {
    if (!(key in node.attrs)) continue;
    const value = node.attrs[key];
    let field = -1;
    for (let i = node.fields.length - 1; i >= 0 && field < 0; i--) if (node.fields[i].name === key) field = i;
    const n = integerOf(value);
    return { key, value, field, count: n !== undefined && n >= 1 ? n : undefined };
  }
  return {};
}

/** Degree of parallelism of a construct (§3.1), or undefined when its count is invalid. */
export function dopOf(node: LgNode): number | undefined {
  switch (node.construct) {
    case 'Scatter': {
      const m = multiplicity(node, COPIES);
      return m.key === undefined ? 4 : m.count;
    }
    case 'Loop':
      return multiplicity(node, ITERATIONS).count;
    default:
      return 1;
  }
}

/** A placeholder the fill step already warned about ("~n", "~{n}"): not the rules' business. */
export function isUnfilledPlaceholder(v: unknown): boolean {
  return typeof v === 'string' && /^~(\{[_a-zA-Z][_a-zA-Z0-9.]*\}|[_a-zA-Z][_a-zA-Z0-9.]*)$/.test(v);
}
