// A graph with a cycle never ends: every drop on it waits for another. The check is one
// linear pass over the relationship lists of both sides (kernel/drop-graph.ts), so it costs
// O(drops + links) and handles 10^6 drops. Links to drops this session does not hold (on
// other nodes) are not followed.

import type { OidLookup } from '../../kernel/oid-index.ts';
import { findCycle as cycleOf, specEdges } from '../../kernel/drop-graph.ts';
import type { DropSpec } from '../drops/spec.ts';
import { invalidGraph } from '../errors.ts';

/** The oids of one cycle, in order, or undefined when the drops form a DAG. */
export function findCycle(specs: readonly DropSpec[], index: OidLookup): { cycle: string[]; involved: number } | undefined {
  const n = specs.length;
  const { edges } = specEdges(specs, index, n);
  const found = cycleOf(n, edges.src, edges.dst, edges.m);
  return found && { cycle: found.cycle.map((i) => specs[i]!.oid), involved: found.involved };
}

/** 400 InvalidGraphException naming the drops of one cycle, when there is one. */
export function refuseCycles(specs: readonly DropSpec[], index: OidLookup): void {
  const found = findCycle(specs, index);
  if (!found) return;
  const { cycle, involved } = found;
  const shown = cycle.length > 10 ? [...cycle.slice(0, 10), `… (${cycle.length - 10} more)`] : [...cycle, cycle[0]!];
  const behind = involved > cycle.length ? `; ${involved} drops are on or behind cycles` : '';
  throw invalidGraph(`The drops form a cycle, so the graph could never finish: ${shown.join(' → ')}${behind}`, cycle);
}
