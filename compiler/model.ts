// The normalised logical graph: the model every stage after load reads.
// An LG is small (10..10^4 nodes), so plain objects are right here; the PGT is not (see unroll).

import type { Origin } from './diagnostics.ts';

/** The EAGLE JSON document (schemaVersion OJS) as read, after legacy conversion. */
export interface OjsField {
  id: string;
  name: string;
  value: unknown;
  defaultValue?: unknown;
  type?: string;
  parameterType?: string;
  usage?: string;
  encoding?: string;
  description?: string;
  readonly?: boolean;
  precious?: boolean;
  positional?: boolean;
  options?: unknown[];
  [key: string]: unknown;
}

export interface OjsNode {
  id: string;
  name?: string;
  category?: string;
  categoryType?: string;
  isGroup?: boolean;
  parentId?: string | null;
  fields?: OjsField[];
  inputAppFields?: OjsField[];
  outputAppFields?: OjsField[];
  inputApplicationType?: string;
  inputApplicationName?: string;
  inputApplicationId?: string | null;
  outputApplicationType?: string;
  outputApplicationName?: string;
  outputApplicationId?: string | null;
  reprodata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface OjsLink {
  from: string;
  to: string;
  fromPort?: string;
  toPort?: string;
  loop_aware?: unknown;
  closesLoop?: boolean;
  [key: string]: unknown;
}

export interface GraphConfigField {
  value: unknown;
  comment?: string;
  [key: string]: unknown;
}

export interface GraphConfig {
  id?: string;
  name?: string;
  description?: string;
  nodes: Record<string, { fields: Record<string, GraphConfigField> }>;
  [key: string]: unknown;
}

export interface OjsDocument {
  modelData?: Record<string, unknown>;
  nodeDataArray: OjsNode[];
  linkDataArray: OjsLink[];
  activeGraphConfigId?: string | null;
  graphConfigurations?: Record<string, GraphConfig> | unknown[];
  reprodata?: Record<string, unknown>;
  [key: string]: unknown;
}

export type Usage = 'NoPort' | 'InputPort' | 'OutputPort' | 'InputOutput';

/** One field of a node, with its typed value. */
export interface LgField {
  id: string;
  name: string;
  /** The raw value as written (what a drop spec receives, §3.4.2). */
  value: unknown;
  /** value, or defaultValue when value is "" (what the translator reads, §2.5). */
  effective: unknown;
  type: string;
  parameterType: string;
  usage: Usage;
  encoding?: string;
  /** The original field object (copied verbatim into drop specs). */
  raw: OjsField;
  pointer: string;
}

export interface LgPort {
  id: string;
  name: string;
  encoding?: string;
  /** index into LgNode.fields */
  field: number;
}

export type ConstructKind =
  | 'Scatter'
  | 'Gather'
  | 'GroupBy'
  | 'Loop'
  | 'MKN'
  | 'SubGraph'
  | 'Service';

export const CONSTRUCT_KINDS: readonly ConstructKind[] = [
  'Scatter',
  'Gather',
  'GroupBy',
  'Loop',
  'MKN',
  'SubGraph',
  'Service',
];

/** What role a node plays for the unroller. */
export type NodeKind =
  | 'app' // one app drop per instance
  | 'data' // one data drop per instance
  | 'construct' // a group (Scatter, Gather, GroupBy, Loop, MKN, SubGraph, Service)
  | 'other'; // non-executable, removed before unrolling (Comment, Description...)

export interface LgNode {
  /** position in LogicalGraph.nodes */
  index: number;
  id: string;
  name: string;
  category: string;
  /** Application, Data, Construct, Control, Service... (derived when missing, §1.4) */
  categoryType: string;
  kind: NodeKind;
  /** set for constructs */
  construct?: ConstructKind;
  isGroup: boolean;
  /** index of the enclosing construct, -1 at top level */
  parent: number;
  /** child node indexes, in creation order */
  children: number[];
  fields: LgField[];
  inputPorts: LgPort[];
  outputPorts: LgPort[];
  /** field name → effective value (later fields win), the reference's node attributes (§2.5) */
  attrs: Record<string, unknown>;
  /**
   * For an app made from a construct's embedded input app (§1.9): the index of that construct.
   * Its id is the construct's original id; the construct got `<id>/construct`.
   */
  appOf?: number;
  /** For a construct with an embedded input app: the index of that app node. */
  inputApp?: number;
  /** For a construct with an embedded output app (MKN, SubGraph): the index of that app node. */
  outputApp?: number;
  /**
   * Inside an ExclusiveForceNode (at any depth): the index of the outermost one in
   * LogicalGraph.exclusiveGroups. Its drops in one instance of that group share a node.
   */
  exclusive?: number;
  /** The node object this was made from (after fill). */
  raw: OjsNode;
  origin: Origin;
}

/**
 * An ExclusiveForceNode: not a construct (it multiplies nothing, its children sit in the
 * construct that encloses it) but a placement constraint: every drop made inside one of its
 * instances goes to the same partition.
 */
export interface ExclusiveGroup {
  id: string;
  name: string;
  /** the construct that encloses the group, -1 at top level; the group has one instance per instance of it */
  parent: number;
  origin: Origin;
}

export interface LgLink {
  index: number;
  from: number;
  to: number;
  fromPort?: string;
  toPort?: string;
  loopAware: boolean;
  closesLoop: boolean;
  /** links added by construct conversion or unrolling, not drawn by the user */
  artificial: boolean;
  origin: Origin;
}

export interface LogicalGraph {
  /** file the graph was read from, or '-' */
  file: string;
  /** schemaVersion found in the file, or the detected legacy version */
  version: string;
  modelData: Record<string, unknown>;
  nodes: LgNode[];
  links: LgLink[];
  byId: Map<string, number>;
  /** the graph-level reprodata object, if any */
  reprodata?: Record<string, unknown>;
  /** ExclusiveForceNodes that contain executable nodes (indexed by LgNode.exclusive) */
  exclusiveGroups: ExclusiveGroup[];
  /** the document this model was built from (after fill) */
  doc: OjsDocument;
}
