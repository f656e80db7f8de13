// The compiler's public API: each stage is a function from one representation to the next.
//   load → fill → validate → unroll → (schedule, partition, map) → emit
export * from './diagnostics.ts';
export type * from './model.ts';
export { loadFile, loadSource, loadValue, buildLogicalGraph, type LoadedInput, type LgInput, type DropListInput } from './load/index.ts';
export { fill, fillDocument, acceptedNames, fillOptionsFromCli, type FillOptions } from './fill/index.ts';
export { validate, validateLogicalGraph, validateDropList, type ValidateOptions } from './validate/index.ts';
export { unroll, distinctDropEdges, type DropTable, type UnrollOptions } from './unroll/index.ts';
export { pgtChunks, type PgtOptions } from './emit/pgt.ts';
export { normaliseDropList, dropListChunks } from './emit/droplist.ts';
export { summarise, formatSummary, type Summary } from './emit/summary.ts';
export { writeOutput, writeFileAtomic } from './emit/sink.ts';
export { translate, outputChunks, type TranslateOptions, type Translation, type EmitKind } from './translate.ts';
export { dagOfTable } from './unroll/index.ts';
export { dagFromDropSpecs, scheduleMetrics, maxWeightedAntichain, type SchedulingDag, type ScheduleMetrics } from './schedule/index.ts';
export { partitionGraph, partitionDag, type PartitionPlan, type PartitionRequest } from './partition/index.ts';
export { templateLabels, hostMapper, planHosts, resourceMap, parseNodeList, fetchNodes } from './map/index.ts';
export { placeDag, placeTable, placeDropList, type PlaceOptions, type Placed } from './place.ts';
