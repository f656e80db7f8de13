// Relationship lists and entries of drop specs (§3.8). An entry is a plain oid string, or a
// one-key object `{"<oid>": "<port>"}`. One definition for the compiler, the validator, the
// scheduler, the engine and the managers.

import { LinkType } from './states.ts';

/** Lists naming drops downstream of their owner, in the order DAG edges are read (§5.2). */
export const DOWNSTREAM_LISTS = ['streamingConsumers', 'consumers', 'outputs'] as const;
/** Lists naming drops upstream of their owner. */
export const UPSTREAM_LISTS = ['streamingInputs', 'producers', 'inputs'] as const;

export type RelationList = (typeof DOWNSTREAM_LISTS)[number] | (typeof UPSTREAM_LISTS)[number];

/** Every relationship list, in the order diagnostics and relation indexes visit them. */
export const RELATION_LISTS: readonly RelationList[] = ['inputs', 'outputs', 'producers', 'consumers', 'streamingInputs', 'streamingConsumers'];

/** The list on the other drop that holds the same relationship: a.outputs ∋ b ⇔ b.producers ∋ a. */
export const MIRROR: Readonly<Record<RelationList, RelationList>> = {
  outputs: 'producers',
  producers: 'outputs',
  consumers: 'inputs',
  inputs: 'consumers',
  streamingConsumers: 'streamingInputs',
  streamingInputs: 'streamingConsumers',
};

/** "entry is <link type> of owner" (graph/link, subscriptions): an owner's `consumers` hold its CONSUMERs. */
export const LINK_TYPE_OF_LIST: Readonly<Record<RelationList, LinkType>> = {
  inputs: LinkType.INPUT,
  streamingInputs: LinkType.STREAMING_INPUT,
  outputs: LinkType.OUTPUT,
  producers: LinkType.PRODUCER,
  consumers: LinkType.CONSUMER,
  streamingConsumers: LinkType.STREAMING_CONSUMER,
};

/** The list a link type is written to (PARENT and CHILD name no relationship list). */
export function listOfLinkType(rel: number): RelationList | undefined {
  return LIST_OF_LINK_TYPE[rel];
}

const LIST_OF_LINK_TYPE: (RelationList | undefined)[] = [];
for (const list of RELATION_LISTS) LIST_OF_LINK_TYPE[LINK_TYPE_OF_LIST[list]] = list;

/** Whether the owner of the list is the application end (its entries are data drops). */
export function ownerIsApp(list: RelationList): boolean {
  return list === 'inputs' || list === 'streamingInputs' || list === 'outputs';
}

/** How the app and the data drop of a relationship meet: read when complete, streamed, or written. */
export type LinkKind = 'consume' | 'stream' | 'produce';

export function linkKind(list: RelationList): LinkKind {
  return list === 'inputs' || list === 'consumers' ? 'consume' : list === 'outputs' || list === 'producers' ? 'produce' : 'stream';
}

/**
 * The oid an entry names, or undefined when the entry is not one of the two forms.
 * Reflect.ownKeys, not for-in or Object.keys: every `{oid: port}` object parsed from JSON has
 * a hidden class of its own, and those two build an enumeration cache for each one, which
 * cost more than parsing the file did.
 */
export function entryOid(e: unknown): string | undefined {
  if (typeof e === 'string') return e;
  if (typeof e === 'number') return String(e);
  if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
    const keys = Reflect.ownKeys(e);
    return keys.length === 1 && typeof keys[0] === 'string' ? keys[0] : undefined;
  }
  return undefined;
}

/** The port name of an entry, when it has a non-empty one. */
export function entryPort(e: unknown): string | undefined {
  const oid = typeof e === 'object' ? entryOid(e) : undefined;
  if (oid === undefined) return undefined;
  const v = (e as Record<string, unknown>)[oid];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The elements of a drop list: the legacy `["name", [spec, …]]` form (§1.11) unwrapped, the
 * graph name kept. Anything else is returned as it is.
 */
export function unwrapDropList(list: readonly unknown[]): { items: readonly unknown[]; graphName?: string } {
  if (list.length === 2 && typeof list[0] === 'string' && Array.isArray(list[1])) return { items: list[1] as unknown[], graphName: list[0] };
  return { items: list };
}
