// Public API of compiler/partition: our multilevel graph partitioner, the §5.5 input graph,
// merging partitions into node slots and islands, and the whole partitioning step
// (algorithm → node slots → islands) over a scheduling DAG.

export type { PartGraph } from './graph.ts';
export {
  bucketByPart, commVolume, edgeCut, graphFromDag, imbalance, inducedSubgraph, partWeights, quotientGraph,
} from './graph.ts';
export { partitionGraph, type GraphPartition, type PartitionOptions } from './partitioner.ts';
export { compactIds, formIslands, mergePartitions } from './merge.ts';
export { partitionDag, type PartitionPlan, type PartitionRequest } from './plan.ts';
