// Drop numbers by oid (and uid) for a composite manager's session: a 10^6-drop graph arrives
// in one append, and a Map of 10^6 string keys is one of the dearest things an island manager
// does with it (every entry an allocation, every insert a probe into a table that keeps
// growing). Here the table is two typed arrays probed linearly; a key is not stored again but
// read back from the manager's own list of oids, so an entry costs 8 bytes and no allocation.

/** FNV-1a over UTF-16 code units. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0; // an int32, as the Int32Array gives it back (the empty key too)
}

export class OidTable {
  /** entry + 1 per slot; 0 marks a free slot. */
  private slots: Int32Array;
  private hashes: Int32Array;
  private mask: number;
  size = 0;

  /** `keyOf(entry)`: the key an entry was added under. Entries are non-negative integers. */
  constructor(private readonly keyOf: (entry: number) => string, capacity = 1024) {
    const n = 1 << Math.max(4, Math.ceil(Math.log2(capacity * 2)));
    this.slots = new Int32Array(n);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
  }

  get(key: string): number | undefined {
    const h = hashOf(key);
    const { slots, hashes, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = slots[i]!;
      if (e === 0) return undefined;
      if (hashes[i] === h && this.keyOf(e - 1) === key) return e - 1;
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Adds key → entry unless the key is there already: then the entry it has is returned (and nothing changes), else -1. */
  add(key: string, entry: number): number {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const h = hashOf(key);
    const { slots, hashes, mask } = this;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const e = slots[i]!;
      if (e === 0) break;
      if (hashes[i] === h && this.keyOf(e - 1) === key) return e - 1;
    }
    slots[i] = entry + 1;
    hashes[i] = h;
    this.size++;
    return -1;
  }

  /** Forgets every entry. */
  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const { slots, hashes } = this;
    const n = slots.length * 2;
    this.slots = new Int32Array(n);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
    for (let j = 0; j < slots.length; j++) {
      const e = slots[j]!;
      if (e === 0) continue;
      let i = hashes[j]! & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = e;
      this.hashes[i] = hashes[j]!;
    }
  }
}
