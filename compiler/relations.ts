// Relationship lists and entries of drop specs (§3.8). An entry is a plain oid string, or a
// one-key object `{"<oid>": "<port>"}`. One definition for the compiler, the validator, the
// scheduler and the engine.

/** Lists naming drops downstream of their owner, in the order DAG edges are read (§5.2). */
export const DOWNSTREAM_LISTS = ['streamingConsumers', 'consumers', 'outputs'] as const;
/** Lists naming drops upstream of their owner. */
export const UPSTREAM_LISTS = ['streamingInputs', 'producers', 'inputs'] as const;

export type RelationList = (typeof DOWNSTREAM_LISTS)[number] | (typeof UPSTREAM_LISTS)[number];

/** The list on the other drop that holds the same relationship: a.outputs ∋ b ⇔ b.producers ∋ a. */
export const MIRROR: Readonly<Record<RelationList, RelationList>> = {
  outputs: 'producers',
  producers: 'outputs',
  consumers: 'inputs',
  inputs: 'consumers',
  streamingConsumers: 'streamingInputs',
  streamingInputs: 'streamingConsumers',
};

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
