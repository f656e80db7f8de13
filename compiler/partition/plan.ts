// The partitioning step of dlg-translate (`-a`, `-A`, `-N`, `-i`): run the algorithm on the
// scheduling DAG, merge its partitions into at most -N node slots, group those into at most
// -i islands, and report the §5.3 metrics before and after. Pure: nothing is printed.

import { CODES, error, type Diagnostic } from '../../kernel/diagnostics.ts';
import { topologicalOrder, type SchedulingDag } from '../schedule/dag.ts';
import { scheduleMetrics, type ScheduleMetrics, partitionedEdgeWeights } from '../schedule/metrics.ts';
import { minNumParts } from '../schedule/minparts.ts';
import {
  metisUfactor, parseAlgorithmParams, referenceAlgoName, type AlgorithmName, type AlgorithmParams,
} from '../schedule/params.ts';
import { pso } from '../schedule/pso.ts';
import { mysarkar, type ClusterResult } from '../schedule/sarkar.ts';
import { graphFromDag, type PartGraph } from './graph.ts';
import { compactIds, formIslands, mergePartitions } from './merge.ts';
import { partitionGraph } from './partitioner.ts';

export interface PartitionRequest {
  /** none | metis | mysarkar | min_num_parts | pso */
  algorithm: string;
  /** Node slots (-N), default 1. */
  numPartitions?: number;
  /** Islands (-i), default 1. */
  numIslands?: number;
  /** -A name=value pairs, values as strings or numbers. */
  params?: Record<string, unknown>;
  /** Compute the exact maximum DoP in the metrics (one max flow each); default true. */
  dop?: boolean;
}

/** The keys of the reference's result() (§5.3), computed on the algorithm's own output. */
export interface ReferenceResult {
  algo: string;
  min_exec_time: number;
  total_data_movement: number;
  exec_time: number;
  num_parts: number;
  num_islands: number;
}

export interface PartitionPlan {
  algorithm: AlgorithmName;
  params: AlgorithmParams;
  /** Node slot (partition) of every drop: 0..numParts-1, numParts ≤ -N. */
  part: Int32Array;
  numParts: number;
  /** Island of every partition: 0..numIslands-1, numIslands ≤ -i. */
  islandOf: Int32Array;
  numIslands: number;
  /** Partitions the algorithm made before they were merged into node slots. */
  algorithmParts: number;
  /** Metrics of the unpartitioned DAG. */
  before: ScheduleMetrics;
  /** Metrics of the final placement (edges inside a node slot move no data). */
  after: ScheduleMetrics;
  /** As the reference reports it: metrics on the algorithm's output before slot merging. */
  result: ReferenceResult;
}

function countError(what: string, value: unknown): Diagnostic {
  return error(CODES.BAD_PARTITION_COUNT, `${what} must be a positive integer, got ${JSON.stringify(value)}`,
    { field: what });
}

/**
 * Partitions the DAG. Errors (unknown algorithm or parameter, bad value, bad counts, a
 * cyclic graph) come back as diagnostics with no value.
 * Complexity: the algorithm's (see each), plus O(n + m) and a partitioner run on the
 * P-vertex quotient graph for merging.
 */
export function partitionDag(dag: SchedulingDag, req: PartitionRequest): { value?: PartitionPlan; diagnostics: Diagnostic[] } {
  const parsed = parseAlgorithmParams(req.algorithm, req.params ?? {});
  const diagnostics = parsed.diagnostics;
  const N = req.numPartitions ?? 1;
  const I = req.numIslands ?? 1;
  if (!Number.isInteger(N) || N < 1) diagnostics.push(countError('numPartitions', N));
  if (!Number.isInteger(I) || I < 1) diagnostics.push(countError('numIslands', I));
  if (!parsed.value || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const { algorithm, params } = parsed.value;
  if (dag.n > 0 && !topologicalOrder(dag)) {
    diagnostics.push(error(CODES.SCHED_CYCLE, 'the drop graph has a cycle, so it cannot be scheduled'));
    return { diagnostics };
  }
  const dop = req.dop !== false;
  const before = scheduleMetrics(dag, { dop });
  let graph: PartGraph | undefined;
  const lazyGraph = () => (graph ??= graphFromDag(dag));
  const caps = { maxCpu: params.max_cpu, maxMem: params.max_mem };

  let algo: ClusterResult;
  let objective: number | undefined;
  switch (algorithm) {
    case 'none':
      algo = { part: new Int32Array(dag.n), numParts: dag.n ? 1 : 0, edgeWeight: new Float64Array(dag.offsets[dag.n]!) };
      break;
    case 'metis': {
      const g = lazyGraph();
      const r = partitionGraph(g, N, {
        minGoal: params.min_goal, ptype: params.ptype, ufactor: metisUfactor(params), seed: params.seed,
      });
      const c = compactIds(r.part, Math.max(N, 1));
      algo = { part: c.part, numParts: dag.n ? c.numParts : 0, edgeWeight: partitionedEdgeWeights(dag, c.part) };
      objective = r.objective;
      break;
    }
    case 'mysarkar':
      algo = mysarkar(dag, caps);
      break;
    case 'min_num_parts':
      algo = minNumParts(dag, { ...caps, deadline: params.deadline, timeGreedy: params.time_greedy }, diagnostics);
      break;
    case 'pso':
      algo = pso(dag, { ...caps, deadline: params.deadline, topk: params.topk, swarmSize: params.swarm_size, seed: params.seed });
      break;
  }

  const algoMetrics = scheduleMetrics(dag, { part: algo.part, numParts: algo.numParts, edgeWeight: algo.edgeWeight, dop: false });
  let part = algo.part;
  let numParts = algo.numParts;
  if (numParts > N) ({ part, numParts } = mergePartitions(lazyGraph(), part, numParts, N, params.seed));
  const needIslands = I > 1 && numParts > 1;
  const { islandOf, numIslands } = needIslands
    ? formIslands(lazyGraph(), part, numParts, I, params.seed)
    : { islandOf: new Int32Array(numParts), numIslands: numParts ? 1 : 0 };
  const after = scheduleMetrics(dag, { part, numParts, islandOf, dop });
  after.islands = numIslands;
  return {
    value: {
      algorithm, params, part, numParts, islandOf, numIslands, algorithmParts: algo.numParts, before, after,
      result: {
        algo: referenceAlgoName(algorithm, params),
        min_exec_time: algoMetrics.computeTime,
        total_data_movement: objective ?? algoMetrics.dataMovement,
        exec_time: algoMetrics.completionTime,
        num_parts: algo.numParts,
        num_islands: numIslands,
      },
    },
    diagnostics,
  };
}
