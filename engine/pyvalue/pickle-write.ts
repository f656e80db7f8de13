// pickle.dumps(value) with protocol 4, byte for byte as CPython 3.8-3.13 writes it for
// builtins (None, bool, int, float, str, bytes, list, tuple, dict): the same opcodes, the
// same memo (strings, bytes, lists, tuples and dicts are memoised), batches of 1000 items
// and 64 KiB frames. DALiuGE stores pydata this way, so data drops we initialise hold the
// reference's bytes without starting Python.

import { PyBytes, PyDict, PyList, PySet, PyTuple, type PyValue } from './value.ts';

const FRAME_SIZE_TARGET = 64 * 1024;
const FRAME_SIZE_MIN = 4;
const FRAME_HEADER = 9;
const BATCH = 1000;

const OP = {
  MARK: 0x28,
  STOP: 0x2e,
  NONE: 0x4e,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG1: 0x8a,
  LONG4: 0x8b,
  BINFLOAT: 0x47,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE: 0x58,
  BINUNICODE8: 0x8d,
  SHORT_BINBYTES: 0x43,
  BINBYTES: 0x42,
  BINBYTES8: 0x8e,
  BYTEARRAY8: 0x96,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  APPENDS: 0x65,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_DICT: 0x7d,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  PROTO: 0x80,
  FRAME: 0x95,
  MEMOIZE: 0x94,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
} as const;

export interface PickleOptions {
  /**
   * Strings used as dict keys are one object per distinct text, as json.loads makes them (its
   * key memo), so a repeated key is written as a memo reference. Set for values parsed from JSON.
   */
  sharedKeys?: boolean;
}

class Writer {
  private buf = Buffer.allocUnsafe(256);
  private len = 0;
  private frameStart = -1;
  private framing = false;
  private memoSize = 0;
  private readonly objMemo = new Map<object, number>();
  private readonly keyMemo = new Map<string, number>();

  constructor(private readonly sharedKeys: boolean) {}

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  /** Every write opens a frame when framing and none is open (CPython's _Pickler_Write). */
  private open(n: number): void {
    if (this.framing && this.frameStart === -1) {
      this.ensure(n + FRAME_HEADER);
      this.frameStart = this.len;
      this.len += FRAME_HEADER;
    } else this.ensure(n);
  }

  byte(b: number): void {
    this.open(1);
    this.buf[this.len++] = b;
  }

  bytes(data: Uint8Array): void {
    this.open(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  commitFrame(): void {
    if (!this.framing || this.frameStart === -1) return;
    const frameLen = this.len - this.frameStart - FRAME_HEADER;
    if (frameLen >= FRAME_SIZE_MIN) {
      this.buf[this.frameStart] = OP.FRAME;
      this.buf.writeBigUInt64LE(BigInt(frameLen), this.frameStart + 1);
    } else {
      this.buf.copy(this.buf, this.frameStart, this.frameStart + FRAME_HEADER, this.len);
      this.len -= FRAME_HEADER;
    }
    this.frameStart = -1;
  }

  private opcodeBoundary(): void {
    if (!this.framing || this.frameStart === -1) return;
    if (this.len - this.frameStart - FRAME_HEADER >= FRAME_SIZE_TARGET) this.commitFrame();
  }

  /** Opcode and payload; payloads of 64 KiB or more go outside frames. */
  private sized(header: Uint8Array, data: Uint8Array): void {
    const bypass = data.length >= FRAME_SIZE_TARGET && this.framing;
    if (bypass) {
      this.commitFrame();
      this.framing = false;
    }
    this.bytes(header);
    this.bytes(data);
    if (bypass) this.framing = true;
  }

  private memoPut(obj: object | undefined): void {
    const idx = this.memoSize++;
    if (obj !== undefined) this.objMemo.set(obj, idx);
    this.byte(OP.MEMOIZE);
  }

  private memoGet(idx: number): void {
    if (idx < 256) this.bytes(Uint8Array.of(OP.BINGET, idx));
    else {
      const h = Buffer.alloc(5);
      h[0] = OP.LONG_BINGET;
      h.writeUInt32LE(idx, 1);
      this.bytes(h);
    }
  }

  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }

  /** PROTO goes before the first frame. */
  start(): void {
    this.bytes(Uint8Array.of(OP.PROTO, 4));
    this.framing = true;
  }

  save(v: PyValue, isKey = false): void {
    this.opcodeBoundary();
    if (v === null) return this.byte(OP.NONE);
    switch (typeof v) {
      case 'boolean':
        return this.byte(v ? OP.NEWTRUE : OP.NEWFALSE);
      case 'bigint':
        return this.int(v);
      case 'number': {
        const h = Buffer.alloc(9);
        h[0] = OP.BINFLOAT;
        h.writeDoubleBE(v, 1);
        return this.bytes(h);
      }
      case 'string':
        return this.str(v, isKey);
    }
    if (v instanceof PyBytes || v instanceof PyList || v instanceof PyTuple || v instanceof PyDict) {
      const seen = this.objMemo.get(v);
      if (seen !== undefined) return this.memoGet(seen);
    }
    if (v instanceof PyBytes) return this.bytesValue(v);
    if (v instanceof PyList) return this.list(v);
    if (v instanceof PyTuple) return this.tuple(v);
    if (v instanceof PyDict) return this.dict(v);
    if (v instanceof PySet) throw new TypeError('sets are not pickled here: their order is the interpreter’s hash order');
    throw new TypeError(`cannot pickle ${String(v)}`);
  }

  private int(v: bigint): void {
    if (v >= -0x80000000n && v <= 0x7fffffffn) {
      const n = Number(v);
      if (n >= 0 && n <= 0xff) return this.bytes(Uint8Array.of(OP.BININT1, n));
      if (n >= 0 && n <= 0xffff) return this.bytes(Uint8Array.of(OP.BININT2, n & 0xff, n >> 8));
      const h = Buffer.alloc(5);
      h[0] = OP.BININT;
      h.writeInt32LE(n, 1);
      return this.bytes(h);
    }
    const data = encodeLong(v);
    if (data.length < 256) {
      this.bytes(Uint8Array.of(OP.LONG1, data.length));
    } else {
      const h = Buffer.alloc(5);
      h[0] = OP.LONG4;
      h.writeInt32LE(data.length, 1);
      this.bytes(h);
    }
    this.bytes(data);
  }

  private str(s: string, isKey: boolean): void {
    // One object per text: dict keys from json.loads (its key memo), and the strings CPython
    // keeps as singletons ('' and one character below U+0100), which pickle writes once.
    const shared = (isKey && this.sharedKeys) || s.length === 0 || (s.length === 1 && s.charCodeAt(0) < 256);
    if (shared) {
      const seen = this.keyMemo.get(s);
      if (seen !== undefined) return this.memoGet(seen);
    }
    const data = Buffer.from(s, 'utf8');
    let header: Uint8Array;
    if (data.length <= 0xff) header = Uint8Array.of(OP.SHORT_BINUNICODE, data.length);
    else if (data.length <= 0xffffffff) {
      const h = Buffer.alloc(5);
      h[0] = OP.BINUNICODE;
      h.writeUInt32LE(data.length, 1);
      header = h;
    } else {
      const h = Buffer.alloc(9);
      h[0] = OP.BINUNICODE8;
      h.writeBigUInt64LE(BigInt(data.length), 1);
      header = h;
    }
    this.sized(header, data);
    if (shared) this.keyMemo.set(s, this.memoSize);
    this.memoPut(undefined);
  }

  private bytesValue(b: PyBytes): void {
    const n = b.data.length;
    let header: Uint8Array;
    if (b.mutable) {
      const h = Buffer.alloc(9);
      h[0] = OP.BYTEARRAY8;
      h.writeBigUInt64LE(BigInt(n), 1);
      header = h;
    } else if (n < 256) header = Uint8Array.of(OP.SHORT_BINBYTES, n);
    else if (n <= 0xffffffff) {
      const h = Buffer.alloc(5);
      h[0] = OP.BINBYTES;
      h.writeUInt32LE(n, 1);
      header = h;
    } else {
      const h = Buffer.alloc(9);
      h[0] = OP.BINBYTES8;
      h.writeBigUInt64LE(BigInt(n), 1);
      header = h;
    }
    this.sized(header, b.data);
    this.memoPut(b);
  }

  private list(l: PyList): void {
    this.byte(OP.EMPTY_LIST);
    this.memoPut(l);
    const items = l.items;
    if (items.length === 0) return;
    if (items.length === 1) {
      this.save(items[0]!);
      return this.byte(OP.APPEND);
    }
    let i = 0;
    do {
      this.byte(OP.MARK);
      const end = Math.min(items.length, i + BATCH);
      for (; i < end; i++) this.save(items[i]!);
      this.byte(OP.APPENDS);
    } while (i < items.length);
  }

  private tuple(t: PyTuple): void {
    const items = t.items;
    if (items.length === 0) return this.byte(OP.EMPTY_TUPLE);
    if (items.length <= 3) {
      for (const x of items) this.save(x);
      this.byte(items.length === 1 ? OP.TUPLE1 : items.length === 2 ? OP.TUPLE2 : OP.TUPLE3);
    } else {
      this.byte(OP.MARK);
      for (const x of items) this.save(x);
      this.byte(OP.TUPLE);
    }
    this.memoPut(t);
  }

  private dict(d: PyDict): void {
    this.byte(OP.EMPTY_DICT);
    this.memoPut(d);
    const entries = d.entries;
    if (entries.length === 0) return;
    if (entries.length === 1) {
      this.save(entries[0]![0], true);
      this.save(entries[0]![1]);
      return this.byte(OP.SETITEM);
    }
    // CPython loops while a batch was full, so an exact multiple of 1000 ends with an empty batch.
    let i = 0;
    let inBatch: number;
    do {
      this.byte(OP.MARK);
      inBatch = 0;
      while (i < entries.length) {
        this.save(entries[i]![0], true);
        this.save(entries[i]![1]);
        i++;
        if (++inBatch === BATCH) break;
      }
      this.byte(OP.SETITEMS);
    } while (inBatch === BATCH);
  }
}

/** Two's-complement little-endian, shortest form (CPython's encode_long). */
function encodeLong(v: bigint): Uint8Array {
  const abs = v < 0n ? -v : v;
  const nbits = abs.toString(2).length;
  let nbytes = (nbits >> 3) + 1;
  const out = new Uint8Array(nbytes);
  let x = v < 0n ? (1n << BigInt(nbytes * 8)) + v : v;
  for (let i = 0; i < nbytes; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (v < 0n && nbytes > 1 && out[nbytes - 1] === 0xff && (out[nbytes - 2]! & 0x80) !== 0) nbytes--;
  return out.subarray(0, nbytes);
}

/** Scalars, the usual pydata, without a Writer: one small buffer each. */
function scalar(v: PyValue): Buffer | undefined {
  if (v === null) return Buffer.from([OP.PROTO, 4, OP.NONE, OP.STOP]);
  if (typeof v === 'boolean') return Buffer.from([OP.PROTO, 4, v ? OP.NEWTRUE : OP.NEWFALSE, OP.STOP]);
  if (typeof v === 'bigint' && v >= 0n && v <= 0xffn) return Buffer.from([OP.PROTO, 4, OP.BININT1, Number(v), OP.STOP]);
  if (typeof v === 'number') {
    // PROTO, FRAME of 10 bytes: BINFLOAT + 8 bytes + STOP
    const b = Buffer.alloc(21);
    b[0] = OP.PROTO;
    b[1] = 4;
    b[2] = OP.FRAME;
    b[3] = 10;
    b[11] = OP.BINFLOAT;
    b.writeDoubleBE(v, 12);
    b[20] = OP.STOP;
    return b;
  }
  return undefined;
}

export function pickleDumps(v: PyValue, opts: PickleOptions = {}): Buffer {
  const fast = scalar(v);
  if (fast !== undefined) return fast;
  const w = new Writer(opts.sharedKeys ?? false);
  w.start();
  w.save(v);
  w.byte(OP.STOP);
  w.commitFrame();
  return w.result();
}
