// Splitting a graph upload without building it: a composite manager only needs, per drop, its
// oid, uid, category, node/island and the oids its relationship lists name; everything else is
// forwarded to the children byte for byte. One validating pass over the bytes finds each drop's
// byte range and those fields, so a 10^6-drop body is neither parsed into objects nor
// serialised again (JSON.parse and JSON.stringify were most of an island manager's work).
// Malformed JSON is refused as JSON.parse would (400), with the byte offset.

import { badRequest, invalidGraph } from '../../errors.ts';
import { RELATIONSHIP_KEYS } from '../../drops/spec.ts';

/** What a composite manager reads of a drop spec; relationship lists hold oids only. */
export interface LiteSpec {
  oid: string;
  uid?: string;
  categoryType?: unknown;
  node?: unknown;
  island?: unknown;
  inputs?: string[];
  streamingInputs?: string[];
  outputs?: string[];
  producers?: string[];
  consumers?: string[];
  streamingConsumers?: string[];
  [key: string]: unknown;
}

export interface RawGraph {
  specs: LiteSpec[];
  /** Byte range of drop i: [ranges[2i], ranges[2i+1]). */
  ranges: number[];
  /** Byte range of the trailing reprodata element, when there is one. */
  trailing?: [number, number];
}

const MAX_DEPTH = 512;
const Q = 34; // "
const BS = 92; // \
const SCALARS = new Set(['oid', 'uid', 'categoryType', 'node', 'island']);
const LISTS = new Set<string>(RELATIONSHIP_KEYS);
const KEY_LENGTHS = new Set([...SCALARS, ...LISTS].map((k) => k.length));

class Scanner {
  i = 0;
  constructor(readonly b: Buffer) {}

  fail(what: string): never {
    throw badRequest(`Malformed JSON body: ${what} at byte ${this.i}`);
  }

  ws(): void {
    const b = this.b;
    let i = this.i;
    for (;;) {
      const c = b[i];
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  expect(c: number, what: string): void {
    if (this.b[this.i] !== c) this.fail(`expected ${what}`);
    this.i++;
  }

  /** At a '"': skips the string; returns its content's range and whether it has escapes. */
  string(): [number, number, boolean] {
    const b = this.b;
    const start = ++this.i;
    let esc = false;
    let i = start;
    for (;;) {
      const c = b[i];
      if (c === Q) break;
      if (c === undefined) this.fail('unterminated string');
      if (c < 0x20) {
        this.i = i;
        this.fail('control character in a string');
      }
      if (c === BS) {
        esc = true;
        const n = b[i + 1];
        if (n === 117 /* u */) {
          for (let k = 2; k < 6; k++) {
            const h = b[i + k];
            if (h === undefined || !((h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102))) {
              this.i = i;
              this.fail('bad \\u escape');
            }
          }
          i += 6;
          continue;
        }
        if (n !== Q && n !== BS && n !== 47 && n !== 98 && n !== 102 && n !== 110 && n !== 114 && n !== 116) {
          this.i = i;
          this.fail('bad escape');
        }
        i += 2;
        continue;
      }
      i++;
    }
    this.i = i + 1;
    return [start, i, esc];
  }

  text([s, e, esc]: [number, number, boolean]): string {
    return esc ? (JSON.parse(this.b.toString('utf8', s - 1, e + 1)) as string) : this.b.toString('utf8', s, e);
  }

  /** -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?; returns its text. */
  number(): string {
    const b = this.b;
    const start = this.i;
    let i = start;
    const digits = () => {
      const from = i;
      while (b[i]! >= 48 && b[i]! <= 57) i++;
      if (i === from) {
        this.i = i;
        this.fail('bad number');
      }
    };
    if (b[i] === 45) i++;
    if (b[i] === 48) i++;
    else digits();
    if (b[i] === 46) {
      i++;
      digits();
    }
    if (b[i] === 101 || b[i] === 69) {
      i++;
      if (b[i] === 43 || b[i] === 45) i++;
      digits();
    }
    this.i = i;
    return b.toString('latin1', start, i);
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) this.fail(`expected ${word}`);
    this.i += word.length;
  }

  /** Any JSON value. */
  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const c = this.b[this.i];
    if (c === Q) this.string();
    else if (c === 123) this.object(depth, undefined);
    else if (c === 91) {
      this.i++;
      this.ws();
      if (this.b[this.i] === 93) {
        this.i++;
        return;
      }
      for (;;) {
        this.ws();
        this.value(depth + 1);
        this.ws();
        if (this.b[this.i] === 44) this.i++;
        else return this.expect(93, "',' or ']'");
      }
    } else if (c === 45 || (c !== undefined && c >= 48 && c <= 57)) this.number();
    else if (c === 116) this.literal('true');
    else if (c === 102) this.literal('false');
    else if (c === 110) this.literal('null');
    else this.fail(c === undefined ? 'unexpected end' : `unexpected '${String.fromCharCode(c)}'`);
  }

  /** An object; with `spec`, a drop whose interesting keys are read. Returns its key count and first key. */
  object(depth: number, spec: LiteSpec | undefined): { keys: number; first?: string } {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.i++;
    this.ws();
    if (this.b[this.i] === 125) {
      this.i++;
      return { keys: 0 };
    }
    let keys = 0;
    let first: string | undefined;
    for (;;) {
      this.ws();
      if (this.b[this.i] !== Q) this.fail('expected a key');
      const k = this.string();
      // A key is decoded only when it could matter: the first one of any object (a relationship
      // entry's oid), and those of a drop whose length is one of the keys read.
      const name = keys === 0 || (spec !== undefined && KEY_LENGTHS.has(k[1] - k[0])) ? this.text(k) : '';
      if (keys === 0) first = name;
      keys++;
      this.ws();
      this.expect(58, "':'");
      this.ws();
      if (spec !== undefined && SCALARS.has(name)) this.scalar(spec, name, depth);
      else if (spec !== undefined && LISTS.has(name)) spec[name] = this.list(depth);
      else this.value(depth + 1);
      this.ws();
      if (this.b[this.i] === 44) this.i++;
      else {
        this.expect(125, "',' or '}'");
        return { keys, first };
      }
    }
  }

  private scalar(spec: LiteSpec, name: string, depth: number): void {
    const c = this.b[this.i];
    if (c === Q) spec[name] = this.text(this.string());
    else if (name === 'oid' && (c === 45 || (c !== undefined && c >= 48 && c <= 57))) spec.oid = String(Number(this.number()));
    else {
      // Present but not a string: kept as a marker, the checks say what is wrong with it.
      spec[name] = null;
      this.value(depth + 1);
    }
  }

  /** A relationship list: the oid of each entry (a string, a number, or a one-key object). */
  private list(depth: number): string[] | undefined {
    if (this.b[this.i] !== 91) {
      this.value(depth + 1);
      return undefined;
    }
    const out: string[] = [];
    this.i++;
    this.ws();
    if (this.b[this.i] === 93) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      const c = this.b[this.i];
      if (c === Q) out.push(this.text(this.string()));
      else if (c === 123) {
        const o = this.object(depth + 2, undefined);
        if (o.keys === 1) out.push(o.first!);
      } else if (c === 45 || (c !== undefined && c >= 48 && c <= 57)) out.push(String(Number(this.number())));
      else this.value(depth + 2);
      this.ws();
      if (this.b[this.i] === 44) this.i++;
      else {
        this.expect(93, "',' or ']'");
        return out;
      }
    }
  }
}

/** The checks readGraphInput makes, on split drops: an oid and a category each. */
export function checkLiteSpecs(specs: readonly LiteSpec[]): void {
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    if (typeof s.oid !== 'string' || s.oid === '') throw invalidGraph(`Drop #${i} is missing its 'oid' argument`);
    if (typeof s.categoryType !== 'string' || s.categoryType === '') throw invalidGraph(`Drop #${i} (${s.oid}) is missing its 'categoryType' argument`);
    if (s.uid === null) delete s.uid;
  }
}

/**
 * The drops of a graph upload (`[spec, …]`, optionally ending with a reprodata object) and
 * their byte ranges, or undefined for the legacy `["name", [spec, …]]` form (left to JSON.parse).
 */
export function splitRaw(b: Buffer): RawGraph | undefined {
  const s = new Scanner(b);
  s.ws();
  if (b[s.i] !== 91) {
    // Not a list: JSON.parse gives the same answer as for any other body.
    return undefined;
  }
  s.i++;
  s.ws();
  if (b[s.i] === Q) return undefined;
  const specs: LiteSpec[] = [];
  const ranges: number[] = [];
  let notObject: number | undefined;
  if (b[s.i] === 93) s.i++;
  else
    for (;;) {
      s.ws();
      const start = s.i;
      const spec = {} as LiteSpec;
      if (b[s.i] === 123) s.object(1, spec);
      else {
        // Said once the whole body is known to be JSON (a malformed one is said so first).
        notObject ??= specs.length;
        s.value(1);
      }
      specs.push(spec);
      ranges.push(start, s.i);
      s.ws();
      if (b[s.i] === 44) s.i++;
      else {
        s.expect(93, "',' or ']'");
        break;
      }
    }
  s.ws();
  if (s.i !== b.length) s.fail('unexpected data after the graph');
  if (notObject !== undefined) throw invalidGraph(`Drop #${notObject} is not a JSON object`);
  // The trailing element is recognised as readGraphInput does: neither oid nor categoryType.
  let trailing: [number, number] | undefined;
  const last = specs[specs.length - 1];
  if (last && !('oid' in last) && !('categoryType' in last)) {
    specs.pop();
    trailing = [ranges[ranges.length - 2]!, ranges[ranges.length - 1]!];
    ranges.length -= 2;
  }
  return { specs, ranges, trailing };
}

/** `[` + the byte ranges, joined by commas + `]`: one allocation, copies only. */
export function joinRanges(b: Buffer, ranges: readonly number[], extra?: [number, number]): Buffer {
  const all = extra ? [...ranges, ...extra] : ranges;
  let size = 2 + Math.max(0, all.length / 2 - 1);
  for (let k = 0; k < all.length; k += 2) size += all[k + 1]! - all[k]!;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  out[at++] = 91;
  for (let k = 0; k < all.length; k += 2) {
    if (k > 0) out[at++] = 44;
    at += b.copy(out, at, all[k]!, all[k + 1]!);
  }
  out[at++] = 93;
  return out;
}
