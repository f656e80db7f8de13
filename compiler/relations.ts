// Relationship entries of drop specs (§3.8): a plain oid string, or a one-key object
// `{"<oid>": "<port>"}`. One reader for the compiler, the validator, the scheduler and the engine.

/** The oid an entry names, or undefined when the entry is not one of the two forms. */
export function entryOid(e: unknown): string | undefined {
  if (typeof e === 'string') return e;
  if (typeof e === 'number') return String(e);
  if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
    let only: string | undefined;
    for (const k in e) {
      if (only !== undefined) return undefined; // more than one key: not an entry
      only = k;
    }
    return only;
  }
  return undefined;
}
