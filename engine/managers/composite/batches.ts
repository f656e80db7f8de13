// A graph body cut into batches of whole drops, so that a composite manager parses, places and
// forwards ~1 MB at a time: the parsed specs of a batch die young instead of the whole graph
// (10^6 specs, ~0.5 GB of heap) being promoted and kept until every part is sent.
//
// The cut needs no JSON parsing: one pass over the bytes follows strings (and their escapes)
// and bracket depth, and cuts at the commas between the top-level array's elements. What
// lies between the cuts is checked by JSON.parse, batch by batch. Anything unusual (not an
// array of objects first, a truncated or trailing text, an empty element) makes the caller
// fall back to parsing the whole body, so every malformed body gets the usual error.

/** The body is not a plain `[{…}, …]`: parse it whole. */
export class NotBatchable extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Byte ranges [start, end) of consecutive top-level elements, "e1,e2,…,ek", each range ending
 * at the first element boundary after `batchBytes` bytes. Throws NotBatchable when the body is
 * not an array whose first element is an object, or when its structure is broken at the top
 * level. The elements themselves are not validated: JSON.parse('[' + range + ']') does that.
 */
export function* elementBatches(buf: Uint8Array, batchBytes = 1 << 20): Generator<[start: number, end: number]> {
  const n = buf.length;
  let i = 0;
  while (i < n && isSpace(buf[i]!)) i++;
  if (i >= n || buf[i] !== OPEN_ARRAY) throw new NotBatchable('not an array');
  i++;
  while (i < n && isSpace(buf[i]!)) i++;
  if (i >= n || buf[i] !== OPEN_OBJECT) throw new NotBatchable('the first element is not an object');
  let batchStart = i;
  let elementStart = i;
  let depth = 1;
  for (; i < n; i++) {
    const b = buf[i]!;
    if (b === QUOTE) {
      // Skip the string: only its closing quote matters, and an escape hides the next byte.
      for (i++; i < n; i++) {
        const c = buf[i]!;
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
      if (i >= n) throw new NotBatchable('unterminated string');
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
    else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) {
        if (b !== CLOSE_ARRAY) throw new NotBatchable('mismatched bracket');
        if (onlySpace(buf, elementStart, i)) throw new NotBatchable('empty element');
        for (let k = i + 1; k < n; k++) if (!isSpace(buf[k]!)) throw new NotBatchable('text after the array');
        yield [batchStart, i];
        return;
      }
    } else if (b === COMMA && depth === 1) {
      if (onlySpace(buf, elementStart, i)) throw new NotBatchable('empty element');
      elementStart = i + 1;
      if (i - batchStart >= batchBytes) {
        yield [batchStart, i];
        batchStart = i + 1;
      }
    }
  }
  throw new NotBatchable('unterminated array');
}

function onlySpace(buf: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isSpace(buf[k]!)) return false;
  return true;
}

/** The elements of one batch, parsed; a syntax error in them throws NotBatchable too. */
export function parseBatch(buf: Buffer, [start, end]: [number, number]): unknown[] {
  try {
    return JSON.parse(`[${buf.toString('utf8', start, end)}]`) as unknown[];
  } catch {
    throw new NotBatchable('malformed element');
  }
}
