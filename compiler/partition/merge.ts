// Merging partitions into node slots and grouping them into islands (§5.5 step 4, §5.6
// step 5), with our partitioner on the quotient graph: partitions are vertices weighing the
// sum of their drops' §5.5 weights, edges sum the data volume between two partitions over
// both directions, without self-loops (Q11). Exactly k slots at most, never k + islands
// (Q8). The reference balances Sarkar partitions on two constraints (schedule workload and
// efficiency); we balance one, the summed §5.5 weight (execution time of apps), for every
// algorithm. O(n + m) plus the partitioner's time on a P-vertex graph.

import { quotientGraph, type PartGraph } from './graph.ts';
import { partitionGraph } from './partitioner.ts';

/** Tolerance for the merge partitions (METIS's default k-way ufactor). */
const MERGE_UFACTOR = 30;

/** Renumbers ids to 0..count-1 in increasing old id, dropping unused ones. O(n + P). */
export function compactIds(part: Int32Array, P: number): { part: Int32Array; numParts: number; newId: Int32Array } {
  const used = new Uint8Array(P);
  for (let i = 0; i < part.length; i++) used[part[i]!] = 1;
  const newId = new Int32Array(P).fill(-1);
  let k = 0;
  for (let p = 0; p < P; p++) if (used[p]) newId[p] = k++;
  const out = new Int32Array(part.length);
  for (let i = 0; i < part.length; i++) out[i] = newId[part[i]!]!;
  return { part: out, numParts: k, newId };
}

/**
 * Merges P partitions into at most k (when P > k), minimising the data volume between the
 * merged partitions while balancing their weight. Returns contiguous ids.
 */
export function mergePartitions(g: PartGraph, part: Int32Array, P: number, k: number, seed: number): { part: Int32Array; numParts: number } {
  if (P <= k) return compactIds(part, P);
  const q = quotientGraph(g, part, P);
  const merged = partitionGraph(q, k, { ufactor: MERGE_UFACTOR, seed }).part;
  const out = new Int32Array(part.length);
  for (let i = 0; i < part.length; i++) out[i] = merged[part[i]!]!;
  return compactIds(out, k);
}

/**
 * Groups P partitions into at most `islands` islands (partitions keep their node slot).
 * Returns the island of every partition, contiguous, in order of first partition.
 */
export function formIslands(g: PartGraph, part: Int32Array, P: number, islands: number, seed: number): { islandOf: Int32Array; numIslands: number } {
  let islandOf: Int32Array;
  if (islands <= 1 || P <= 1) islandOf = new Int32Array(P);
  else if (P <= islands) islandOf = Int32Array.from({ length: P }, (_, p) => p);
  else islandOf = partitionGraph(quotientGraph(g, part, P), islands, { ufactor: MERGE_UFACTOR, seed }).part;
  // renumber islands by their first partition, so partition 0 is on island 0
  const newId = new Int32Array(Math.max(islands, 1)).fill(-1);
  let k = 0;
  for (let p = 0; p < P; p++) {
    const j = islandOf[p]!;
    if (newId[j]! < 0) newId[j] = k++;
    islandOf[p] = newId[j]!;
  }
  return { islandOf, numIslands: Math.max(k, P > 0 ? 1 : 0) };
}
