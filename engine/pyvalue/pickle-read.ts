// pickle.loads for pickles of builtins (protocols 0-5): enough for the engine's native apps
// and bash command lines to read what DALiuGE's data drops hold (pydata, results of Python
// apps). Anything that needs a class (numpy arrays, user objects) raises NotBuiltinPickle:
// only a Python interpreter can rebuild it.

import { PyBytes, PyDict, PyList, PySet, PyTuple, type PyValue } from './value.ts';

export class NotBuiltinPickle extends Error {}
export class BadPickle extends Error {}

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** True when the bytes start like a pickle of protocol 2 or later (what Python 3 writes by default). */
export function looksLikePickle(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5 && b[b.length - 1] === 0x2e;
}

export function pickleLoads(data: Uint8Array): PyValue {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const stack: Slot[] = [];
  const memo: PyValue[] = [];
  let pos = 0;

  const need = (n: number): void => {
    if (pos + n > buf.length) throw new BadPickle('pickle data was truncated');
  };
  const line = (): string => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) throw new BadPickle('pickle data was truncated');
    const s = buf.toString('latin1', pos, end);
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new BadPickle('unpickling stack underflow');
    return v;
  };
  const popMark = (): PyValue[] => {
    let i = stack.length - 1;
    while (i >= 0 && stack[i] !== MARK) i--;
    if (i < 0) throw new BadPickle('could not find MARK');
    const items = stack.slice(i + 1) as PyValue[];
    stack.length = i;
    return items;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new BadPickle('unpickling stack underflow');
    return v;
  };
  const text = (n: number): string => {
    need(n);
    const s = buf.toString('utf8', pos, pos + n);
    pos += n;
    return s;
  };
  const raw = (n: number): Uint8Array => {
    need(n);
    const b = new Uint8Array(buf.subarray(pos, pos + n));
    pos += n;
    return b;
  };
  const u64 = (): number => {
    need(8);
    const n = Number(buf.readBigUInt64LE(pos));
    pos += 8;
    return n;
  };
  const setItems = (d: PyValue, items: PyValue[]): void => {
    if (!(d instanceof PyDict)) throw new BadPickle('SETITEMS on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2) dictSet(d, items[i]!, items[i + 1]!);
  };

  for (;;) {
    need(1);
    const op = buf[pos++]!;
    switch (op) {
      case 0x80: // PROTO
        need(1);
        pos++;
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x30: // POP
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x49: {
        // INT (protocol 0): I01/I00 are booleans
        const s = line().trim();
        stack.push(s === '01' ? true : s === '00' ? false : BigInt(s));
        break;
      }
      case 0x4c: // LONG (protocol 0)
        stack.push(BigInt(line().trim().replace(/L$/, '')));
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(BigInt(buf.readInt32LE(pos)));
        pos += 4;
        break;
      case 0x4b: // BININT1
        need(1);
        stack.push(BigInt(buf[pos++]!));
        break;
      case 0x4d: // BININT2
        need(2);
        stack.push(BigInt(buf.readUInt16LE(pos)));
        pos += 2;
        break;
      case 0x8a: {
        // LONG1
        need(1);
        const n = buf[pos++]!;
        stack.push(decodeLong(raw(n)));
        break;
      }
      case 0x8b: {
        need(4);
        const n = buf.readInt32LE(pos);
        pos += 4;
        if (n < 0) throw new BadPickle('LONG4 with a negative length');
        stack.push(decodeLong(raw(n)));
        break;
      }
      case 0x46: // FLOAT (protocol 0)
        stack.push(Number(line()));
        break;
      case 0x47: // BINFLOAT
        need(8);
        stack.push(buf.readDoubleBE(pos));
        pos += 8;
        break;
      case 0x8c: // SHORT_BINUNICODE
        need(1);
        stack.push(text(buf[pos++]!));
        break;
      case 0x58: // BINUNICODE
        need(4);
        pos += 4;
        stack.push(text(buf.readUInt32LE(pos - 4)));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x56: // UNICODE (raw-unicode-escape line)
        stack.push(line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a?: string, b?: string) => String.fromCodePoint(parseInt(a ?? b!, 16))));
        break;
      case 0x43: // SHORT_BINBYTES
        need(1);
        stack.push(new PyBytes(raw(buf[pos++]!)));
        break;
      case 0x42: // BINBYTES
        need(4);
        pos += 4;
        stack.push(new PyBytes(raw(buf.readUInt32LE(pos - 4))));
        break;
      case 0x8e: // BINBYTES8
        stack.push(new PyBytes(raw(u64())));
        break;
      case 0x96: // BYTEARRAY8
        stack.push(new PyBytes(raw(u64()), true));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push(new PyList([]));
        break;
      case 0x6c: // LIST
        stack.push(new PyList(popMark()));
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const l = top();
        if (!(l instanceof PyList)) throw new BadPickle('APPEND to a non-list');
        l.items.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = top();
        if (!(l instanceof PyList)) throw new BadPickle('APPENDS to a non-list');
        for (const v of items) l.items.push(v);
        break;
      }
      case 0x29:
        stack.push(new PyTuple([]));
        break;
      case 0x74:
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85:
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict([]));
        break;
      case 0x64: {
        // DICT
        const d = new PyDict([]);
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet([]));
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof PySet)) throw new BadPickle('ADDITEMS to a non-set');
        s.items.push(...items);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(new PySet(popMark(), true));
        break;
      case 0x70: // PUT
        memo[Number(line())] = top();
        break;
      case 0x71: // BINPUT
        need(1);
        memo[buf[pos++]!] = top();
        break;
      case 0x72: // LONG_BINPUT
        need(4);
        memo[buf.readUInt32LE(pos)] = top();
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memo.push(top());
        break;
      case 0x67: // GET
        stack.push(memoAt(memo, Number(line())));
        break;
      case 0x68: // BINGET
        need(1);
        stack.push(memoAt(memo, buf[pos++]!));
        break;
      case 0x6a: // LONG_BINGET
        need(4);
        stack.push(memoAt(memo, buf.readUInt32LE(pos)));
        pos += 4;
        break;
      default:
        throw new NotBuiltinPickle(`the pickle holds an object that needs Python to rebuild (opcode 0x${op.toString(16)})`);
    }
  }
}

function memoAt(memo: PyValue[], i: number): PyValue {
  if (i < 0 || i >= memo.length || !(i in memo)) throw new BadPickle(`memo entry ${i} is missing`);
  return memo[i]!;
}

/** d[k] = v with Python's key equality for the hashable builtins. */
function dictSet(d: PyDict, k: PyValue, v: PyValue): void {
  for (const e of d.entries) {
    if (sameKey(e[0], k)) {
      e[1] = v;
      return;
    }
  }
  d.entries.push([k, v]);
}

function sameKey(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  const num = (x: PyValue): number | undefined =>
    typeof x === 'bigint' ? Number(x) : typeof x === 'number' ? x : typeof x === 'boolean' ? Number(x) : undefined;
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (a instanceof PyBytes && b instanceof PyBytes) return Buffer.compare(a.data, b.data) === 0;
  if (a instanceof PyTuple && b instanceof PyTuple)
    return a.items.length === b.items.length && a.items.every((x, i) => sameKey(x, b.items[i]!));
  return false;
}

function decodeLong(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) x -= 1n << BigInt(b.length * 8);
  return x;
}
