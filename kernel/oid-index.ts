// Drop numbers by oid for graphs of 10^6 drops: a managers' session looks every drop up by oid
// several times (admission, wiring, cycle check, events), and a Map of 10^6 string keys makes
// each insert an allocation and a probe into a table that keeps growing. Here the table is two
// typed arrays probed linearly (FNV-1a hashes kept beside the slots, so growing never hashes
// again), and the keys and values sit in two flat arrays. Map's semantics, for string keys and
// number values; deletion shifts the probe run back, so no tombstones.

/** FNV-1a over UTF-16 code units, as an int32 (what an Int32Array gives back). */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** What lookups need of an index: Map and OidIndex both are one. */
export interface OidLookup {
  get(key: string): number | undefined;
}

export class OidIndex implements Iterable<[string, number]> {
  /**
   * Slot i is table[2i] = entry + 1 (0: free) and table[2i + 1] = the key's hash, side by side
   * so that a probe touches one cache line.
   */
  private table: Int32Array;
  private mask: number;
  /** Entries in insertion order; a deleted one keeps its place with an undefined key. */
  private keys: (string | undefined)[] = [];
  private values: number[] = [];
  size = 0;

  /**
   * With `keyOf`, the index keeps no keys of its own: a value's key is `keyOf(value)` (for a
   * caller that holds the oids already, as the island manager does), values must be
   * non-negative, and the index cannot be iterated.
   */
  constructor(
    capacity = 16,
    private readonly keyOf?: (value: number) => string,
  ) {
    const n = 1 << Math.max(4, Math.ceil(Math.log2(capacity * 2)));
    this.table = new Int32Array(2 * n);
    this.mask = n - 1;
  }

  /** A slot's entry is e + 1: a place in keys/values, or (with keyOf) the value itself. */
  private keyAt(e: number): string | undefined {
    return this.keyOf ? this.keyOf(e) : this.keys[e];
  }

  private valueAt(e: number): number {
    return this.keyOf ? e : this.values[e]!;
  }

  /** The slot holding `key`, or -1 - (the free slot where it would go). */
  private find(key: string, h: number): number {
    const { table, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = table[2 * i]!;
      if (e === 0) return -1 - i;
      if (table[2 * i + 1] === h && this.keyAt(e - 1) === key) return i;
    }
  }

  get(key: string): number | undefined {
    const i = this.find(key, hashOf(key));
    return i < 0 ? undefined : this.valueAt(this.table[2 * i]! - 1);
  }

  has(key: string): boolean {
    return this.find(key, hashOf(key)) >= 0;
  }

  set(key: string, value: number): this {
    const h = hashOf(key);
    const i = this.find(key, h);
    if (i < 0) this.insert(-1 - i, key, value, h);
    else if (this.keyOf) this.table[2 * i] = value + 1;
    else this.values[this.table[2 * i]! - 1] = value;
    return this;
  }

  /** Adds key → value unless the key is there: then its value is returned and nothing changes; else -1. */
  add(key: string, value: number): number {
    const h = hashOf(key);
    const i = this.find(key, h);
    if (i >= 0) return this.valueAt(this.table[2 * i]! - 1);
    this.insert(-1 - i, key, value, h);
    return -1;
  }

  /** Puts a new key in `free`, the slot find() ended on, unless the table must grow first. */
  private insert(free: number, key: string, value: number, h: number): void {
    let i = free;
    if ((this.size + 1) * 2 > this.mask + 1) {
      this.grow();
      i = h & this.mask;
      while (this.table[2 * i] !== 0) i = (i + 1) & this.mask;
    }
    const table = this.table;
    if (this.keyOf) table[2 * i] = value + 1;
    else {
      this.keys.push(key);
      this.values.push(value);
      table[2 * i] = this.keys.length;
    }
    table[2 * i + 1] = h;
    this.size++;
  }

  delete(key: string): boolean {
    let i = this.find(key, hashOf(key));
    if (i < 0) return false;
    const { table, mask } = this;
    if (!this.keyOf) this.keys[table[2 * i]! - 1] = undefined;
    this.size--;
    // Backward shift: move later members of the probe run into the hole when their home allows.
    for (let j = (i + 1) & mask; table[2 * j] !== 0; j = (j + 1) & mask) {
      const home = table[2 * j + 1]! & mask;
      // j's entry may fill the hole at i only if i lies cyclically in [home, j).
      if (((j - home + mask + 1) & mask) >= ((j - i + mask + 1) & mask)) {
        table[2 * i] = table[2 * j]!;
        table[2 * i + 1] = table[2 * j + 1]!;
        i = j;
      }
    }
    table[2 * i] = 0;
    return true;
  }

  clear(): void {
    this.table.fill(0);
    this.keys = [];
    this.values = [];
    this.size = 0;
  }

  *[Symbol.iterator](): Iterator<[string, number]> {
    if (this.keyOf) throw new Error('an index over outside keys is not iterable');
    const { keys, values } = this;
    for (let e = 0; e < keys.length; e++) {
      const k = keys[e];
      if (k !== undefined) yield [k, values[e]!];
    }
  }

  private grow(): void {
    const old = this.table;
    const n = (this.mask + 1) * 2;
    const mask = n - 1;
    const table = new Int32Array(2 * n);
    for (let j = 0; j < old.length; j += 2) {
      const e = old[j]!;
      if (e === 0) continue;
      let i = old[j + 1]! & mask;
      while (table[2 * i] !== 0) i = (i + 1) & mask;
      table[2 * i] = e;
      table[2 * i + 1] = old[j + 1]!;
    }
    this.table = table;
    this.mask = mask;
  }
}
