// Public API of compiler/schedule: the scheduling DAG (§5.2), its metrics (§5.3, §5.9) and
// the profiling-driven algorithms (§5.6–§5.8) with their parameters (§5.1).

export {
  dagFromDropSpecs, dagFromEdgeList, dropSpecList, edgeCount, edgeWeights, isDataCategory, parseWeight,
  predecessors, referenceVertexOrder, relationOid, timeWeights, topologicalOrder, type SchedulingDag,
} from './dag.ts';
export { maxWeightedAntichain } from './antichain.ts';
export {
  countParts, longestPath, partitionedEdgeWeights, partitionWorkload, scheduleMetrics,
  type LongestPath, type MetricsOptions, type PartitionWorkload, type ScheduleMetrics,
} from './metrics.ts';
export {
  ALGORITHM_NAMES, ALGORITHM_PARAMS, DEFAULT_PARAMS, isAlgorithmName, metisUfactor, parseAlgorithmParams,
  referenceAlgoName, type AlgorithmName, type AlgorithmParams,
} from './params.ts';
export { mysarkar, referenceReduction, zeroEdges, type ClusterResult } from './sarkar.ts';
export { minNumParts, type MinPartsOptions } from './minparts.ts';
export { pso, type PsoOptions } from './pso.ts';
export { Clustering, edgesByWeight, edgeSources, type DopCaps } from './clustering.ts';
export { PolyForest } from './polyforest.ts';
export { Random } from './random.ts';
export { randomDag, scatterGatherDag, type ScatterGatherShape } from './synthetic.ts';
export { timeline, packLanes, type Timeline, type Lanes } from './timeline.ts';
