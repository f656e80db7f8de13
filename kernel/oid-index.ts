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
  /** Entry number + 1 per slot; 0 marks a free slot. */
  private slots: Int32Array;
  private hashes: Int32Array;
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
    this.slots = new Int32Array(n);
    this.hashes = new Int32Array(n);
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
    const { slots, hashes, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = slots[i]!;
      if (e === 0) return -1 - i;
      if (hashes[i] === h && this.keyAt(e - 1) === key) return i;
    }
  }

  get(key: string): number | undefined {
    const i = this.find(key, hashOf(key));
    return i < 0 ? undefined : this.valueAt(this.slots[i]! - 1);
  }

  has(key: string): boolean {
    return this.find(key, hashOf(key)) >= 0;
  }

  set(key: string, value: number): this {
    const h = hashOf(key);
    const i = this.find(key, h);
    if (i < 0) this.insert(key, value, h);
    else if (this.keyOf) this.slots[i] = value + 1;
    else this.values[this.slots[i]! - 1] = value;
    return this;
  }

  /** Adds key → value unless the key is there: then its value is returned and nothing changes; else -1. */
  add(key: string, value: number): number {
    const h = hashOf(key);
    const i = this.find(key, h);
    if (i >= 0) return this.valueAt(this.slots[i]! - 1);
    this.insert(key, value, h);
    return -1;
  }

  private insert(key: string, value: number, h: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    let i = h & this.mask;
    while (this.slots[i] !== 0) i = (i + 1) & this.mask;
    if (this.keyOf) this.slots[i] = value + 1;
    else {
      this.keys.push(key);
      this.values.push(value);
      this.slots[i] = this.keys.length;
    }
    this.hashes[i] = h;
    this.size++;
  }

  delete(key: string): boolean {
    let i = this.find(key, hashOf(key));
    if (i < 0) return false;
    const { slots, hashes, mask } = this;
    if (!this.keyOf) this.keys[slots[i]! - 1] = undefined;
    this.size--;
    // Backward shift: move later members of the probe run into the hole when their home allows.
    for (let j = (i + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = hashes[j]! & mask;
      // j's entry may fill the hole at i only if i lies cyclically in [home, j).
      if (((j - home + mask + 1) & mask) >= ((j - i + mask + 1) & mask)) {
        slots[i] = slots[j]!;
        hashes[i] = hashes[j]!;
        i = j;
      }
    }
    slots[i] = 0;
    return true;
  }

  clear(): void {
    this.slots.fill(0);
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
    const { slots, hashes } = this;
    const n = slots.length * 2;
    const mask = n - 1;
    const s = new Int32Array(n);
    const hs = new Int32Array(n);
    for (let j = 0; j < slots.length; j++) {
      const e = slots[j]!;
      if (e === 0) continue;
      let i = hashes[j]! & mask;
      while (s[i] !== 0) i = (i + 1) & mask;
      s[i] = e;
      hs[i] = hashes[j]!;
    }
    this.slots = s;
    this.hashes = hs;
    this.mask = mask;
  }
}
