// TypeScript types of the documents described by the JSON Schemas in this folder that
// compiler/model.ts does not already declare. The schemas are the source of truth;
// test/validate/schema-drift.test.ts checks that the required and declared keys of these
// interfaces (and of OjsDocument/OjsNode/OjsField/OjsLink/GraphConfig in compiler/model.ts)
// match the schemas, so neither can change without the other.

/** An entry of a relationship list: an oid, or {oid: port name} (§3.8). */
export type RelationEntry = string | Record<string, string | null>;

export interface PortRecord {
  name?: string | null;
  oid: string;
  direction: 'input' | 'output';
}

/** One drop of a PGT/PG (§4.2). Field values appear as further keys. */
export interface DropSpec {
  oid: string;
  uid?: string;
  categoryType: string;
  dropclass?: string;
  name?: string;
  category?: string;
  storage?: string;
  iid?: string | number;
  rank?: number[];
  loop_ctx?: string | number | null;
  lg_key?: string | number;
  weight?: number;
  reprodata?: Record<string, unknown>;
  fields?: unknown[];
  applicationArgs?: Record<string, unknown>;
  componentParams?: Record<string, unknown>;
  constraintParams?: Record<string, unknown>;
  inputs?: RelationEntry[];
  outputs?: RelationEntry[];
  producers?: RelationEntry[];
  consumers?: RelationEntry[];
  streamingInputs?: RelationEntry[];
  streamingConsumers?: RelationEntry[];
  ports?: PortRecord[];
  port_map?: Record<string, string | null>;
  node?: string;
  island?: string;
  humanReadableKey?: string;
  proc_index?: number;
  mkn?: number[];
  subgraph?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The --params file: name → value (§2.2). */
export type ParamsFile = Record<string, unknown>;
