// Python values as the engine sees them without a Python interpreter: what a pickle of
// builtins holds, what DALiuGE's pydata parses to, and how Python prints them. A JS number
// is always a Python float and a bigint always a Python int, so 1 and 1.0 stay distinct.

export class PyBytes {
  constructor(
    readonly data: Uint8Array,
    readonly mutable = false,
  ) {}
}

export class PyList {
  constructor(readonly items: PyValue[]) {}
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** Entries in insertion order, as a Python dict keeps them. */
export class PyDict {
  constructor(readonly entries: [PyValue, PyValue][]) {}
}

export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen = false,
  ) {}
}

export type PyValue = null | boolean | bigint | number | string | PyBytes | PyList | PyTuple | PyDict | PySet;

/** Python's truth value: empty containers, zero, '' and None are false. */
export function pyTruthy(v: PyValue): boolean {
  if (v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0; // NaN is true in Python, and NaN !== 0
    case 'string':
      return v.length > 0;
  }
  if (v instanceof PyBytes) return v.data.length > 0;
  if (v instanceof PyDict) return v.entries.length > 0;
  return (v as PyList | PyTuple | PySet).items.length > 0;
}

/** repr(float) of CPython: shortest round-trip digits; exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  const decpt = exp + 1;
  if (decpt <= -4 || decpt > 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Not printable for str.isprintable(): other (C*) and separator (Z*) categories, but the space. */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/**
 * repr(str): single quotes unless the text holds ' and no ". Non-printable characters are
 * escaped as CPython does; "printable" follows the JS engine's Unicode tables, which may be
 * a version apart from the interpreter's for characters added recently.
 */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      if (c < 0x100) out += `\\x${hex2(c)}`;
      else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
      else out += `\\U${c.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** repr(bytes). */
export function pyBytesRepr(b: Uint8Array, prefix = 'b'): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const c of b) {
    if (c === 0x27) hasSingle = true;
    else if (c === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  const q = quote.charCodeAt(0);
  let out = prefix + quote;
  for (const c of b) {
    if (c === q || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${hex2(c)}`;
    else out += String.fromCharCode(c);
  }
  return out + quote;
}

/** repr() of a value. */
export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return v.toString();
    case 'number':
      return pyFloatRepr(v);
    case 'string':
      return pyStrRepr(v);
  }
  if (v instanceof PyBytes) return v.mutable ? `bytearray(${pyBytesRepr(v.data)})` : pyBytesRepr(v.data);
  if (v instanceof PyList) return `[${v.items.map(pyRepr).join(', ')}]`;
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${pyRepr(v.items[0]!)},)` : `(${v.items.map(pyRepr).join(', ')})`;
  if (v instanceof PyDict) return `{${v.entries.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  const s = v as PySet;
  if (s.items.length === 0) return s.frozen ? 'frozenset()' : 'set()';
  const body = `{${s.items.map(pyRepr).join(', ')}}`;
  return s.frozen ? `frozenset(${body})` : body;
}

/** str(): the text itself for str, repr() for everything else (as Python's str() of builtins). */
export function pyStr(v: PyValue): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** A plain JSON value (from a drop spec) as the Python value json.loads would give, ints as int. */
export function fromJson(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      return Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? BigInt(v) : v;
  }
  if (Array.isArray(v)) return new PyList(v.map(fromJson));
  return new PyDict(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJson(x)]));
}
