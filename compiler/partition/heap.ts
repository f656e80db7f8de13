// Indexed binary max-heaps over vertex ids with float keys (gains), all in typed arrays.
// Several heaps may share one position array when a vertex is in at most one of them.
// insert/update/remove/pop: O(log size).

export class GainHeap {
  private readonly items: Int32Array;
  private readonly keys: Float64Array;
  private readonly pos: Int32Array;
  size = 0;

  /** `pos` is shared storage of length n, initialised to -1. */
  constructor(capacity: number, pos: Int32Array) {
    this.items = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.pos = pos;
  }

  has(v: number): boolean {
    const p = this.pos[v]!;
    return p >= 0 && p < this.size && this.items[p] === v;
  }

  topItem(): number {
    return this.items[0]!;
  }

  topKey(): number {
    return this.keys[0]!;
  }

  insert(v: number, key: number): void {
    const i = this.size++;
    this.items[i] = v;
    this.keys[i] = key;
    this.pos[v] = i;
    this.up(i);
  }

  update(v: number, key: number): void {
    const i = this.pos[v]!;
    const old = this.keys[i]!;
    this.keys[i] = key;
    if (key > old) this.up(i); else this.down(i);
  }

  remove(v: number): void {
    const i = this.pos[v]!;
    this.pos[v] = -1;
    const last = --this.size;
    if (i === last) return;
    const key = this.keys[last]!;
    const old = this.keys[i]!;
    this.items[i] = this.items[last]!;
    this.keys[i] = key;
    this.pos[this.items[i]!] = i;
    if (key > old) this.up(i); else this.down(i);
  }

  pop(): number {
    const v = this.items[0]!;
    this.remove(v);
    return v;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.items[i]!] = -1;
    this.size = 0;
  }

  private up(i: number): void {
    const { items, keys, pos } = this;
    const v = items[i]!;
    const k = keys[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! >= k) break;
      items[i] = items[p]!;
      keys[i] = keys[p]!;
      pos[items[i]!] = i;
      i = p;
    }
    items[i] = v;
    keys[i] = k;
    pos[v] = i;
  }

  private down(i: number): void {
    const { items, keys, pos } = this;
    const n = this.size;
    const v = items[i]!;
    const k = keys[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1]! > keys[c]!) c++;
      if (keys[c]! <= k) break;
      items[i] = items[c]!;
      keys[i] = keys[c]!;
      pos[items[i]!] = i;
      i = c;
    }
    items[i] = v;
    keys[i] = k;
    pos[v] = i;
  }
}
