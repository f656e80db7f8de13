// A JSON array of drop specs cut into batches of whole elements as its bytes arrive, so that a
// manager parses ~1 MB at a time while the rest of the body is still on the wire: the parsed
// specs of a batch die young instead of the whole graph (10^6 specs, ~0.5 GB of heap) being
// promoted, and a graph is parsed while it is uploaded instead of after.
//
// The cut needs no JSON parsing: one pass over the bytes follows strings (and their escapes)
// and bracket depth, and cuts at the commas between the top-level array's elements. Each batch
// is the bytes "[e1,…,ek]" with the offset of every element, so that JSON.parse checks it and
// a composite manager can forward any run of its elements byte for byte. Anything unusual (not
// an array of objects first, a truncated or trailing text, an empty element) throws
// NotBatchable, and the caller parses the whole body instead, so every malformed body gets the
// usual error.

import { isAscii } from 'node:buffer';
import { badRequest } from '../../errors.ts';
import { forbiddenKeyMessage, forbiddenKeyPointer, mayHaveForbiddenKey } from '../../../kernel/forbidden-keys.ts';

/** The body is not a plain `[{…}, …]`: parse it whole. */
export class NotBatchable extends Error {}

export interface Batch {
  /** "[" + the elements, commas between them + "]". */
  buf: Buffer;
  /** Where buf[1] was in the body. */
  offset: number;
  /** Offset in `buf` of each element's first byte; element k ends at starts[k+1] - 1 (a comma), the last at buf.length - 1. */
  starts: number[];
}

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

const enum Phase {
  BeforeArray,
  BeforeFirst,
  InArray,
  AfterArray,
}

/**
 * Feed it the body's chunks with push(); each call returns the batches completed by that chunk
 * (each about `batchBytes` long, cut at the first element boundary after that size); end()
 * returns the last one. Both throw NotBatchable when the body is not an array whose first
 * element is an object, or when its structure is broken at the top level. The elements are not
 * validated: JSON.parse of a batch does that (parseBatch).
 */
export class ArrayCutter {
  private phase = Phase.BeforeArray;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current element has a non-space byte. */
  private filled = false;
  /** The current batch: pieces of earlier chunks, and element offsets in its content. */
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private starts: number[] = [];
  private readonly done: Batch[] = [];
  /** Bytes of the chunks before the current one, and where the current batch began in the body. */
  private seen = 0;
  private batchOffset = 0;

  constructor(private readonly batchBytes = 1 << 20) {}

  push(chunk: Buffer): Batch[] {
    const n = chunk.length;
    if (n === 0) return [];
    try {
      return this.scan(chunk);
    } finally {
      this.seen += n;
    }
  }

  private scan(chunk: Buffer): Batch[] {
    const n = chunk.length;
    let i = 0;
    // Where the current batch's bytes begin in this chunk.
    let from = 0;
    if (this.inString) {
      i = this.skipString(chunk, 0);
      if (i < 0) return this.keep(chunk, 0);
      this.inString = false;
      i++;
    }
    for (; i < n; i++) {
      const b = chunk[i]!;
      if (this.phase !== Phase.InArray) {
        if (isSpace(b)) continue;
        if (this.phase === Phase.BeforeArray) {
          if (b !== OPEN_ARRAY) throw new NotBatchable('not an array');
          this.phase = Phase.BeforeFirst;
        } else if (this.phase === Phase.BeforeFirst) {
          if (b !== OPEN_OBJECT) throw new NotBatchable('the first element is not an object');
          this.phase = Phase.InArray;
          this.depth = 2;
          this.filled = true;
          this.starts.push(0);
          this.batchOffset = this.seen + i;
          from = i;
        } else throw new NotBatchable('text after the array');
        continue;
      }
      if (b === QUOTE) {
        this.filled = true;
        i = this.skipString(chunk, i + 1);
        if (i < 0) {
          this.inString = true;
          break;
        }
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        this.depth++;
        this.filled = true;
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        if (--this.depth === 0) {
          if (b !== CLOSE_ARRAY) throw new NotBatchable('mismatched bracket');
          if (!this.filled) throw new NotBatchable('empty element');
          this.cut(chunk, from, i);
          this.phase = Phase.AfterArray;
        }
      } else if (b === COMMA && this.depth === 1) {
        if (!this.filled) throw new NotBatchable('empty element');
        this.filled = false;
        const at = this.pieceBytes + (i - from);
        if (at >= this.batchBytes) {
          this.cut(chunk, from, i);
          from = i + 1;
          this.batchOffset = this.seen + from;
          this.starts.push(0);
        } else this.starts.push(at + 1);
      } else if (!isSpace(b)) this.filled = true;
    }
    return this.keep(chunk, from);
  }

  /** The last batch; throws NotBatchable unless the array was complete. */
  end(): Batch[] {
    if (this.phase !== Phase.AfterArray) throw new NotBatchable(this.inString ? 'unterminated string' : 'unterminated array');
    return this.take();
  }

  /** Index of the string's closing quote from `i` on, or -1 at the chunk's end (escape state kept). */
  private skipString(chunk: Buffer, i: number): number {
    const n = chunk.length;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (c === BACKSLASH) {
        if (i + 1 >= n) {
          this.escaped = true;
          return -1;
        }
        i++;
      } else if (c === QUOTE) return i;
    }
    return -1;
  }

  /** The rest of the chunk from `from` belongs to the current batch. */
  private keep(chunk: Buffer, from: number): Batch[] {
    if (this.phase === Phase.InArray && from < chunk.length) {
      this.pieces.push(chunk.subarray(from));
      this.pieceBytes += chunk.length - from;
    }
    return this.take();
  }

  private take(): Batch[] {
    if (this.done.length === 0) return [];
    return this.done.splice(0);
  }

  /** Closes the current batch at chunk[to] (exclusive). */
  private cut(chunk: Buffer, from: number, to: number): void {
    const buf = Buffer.allocUnsafe(this.pieceBytes + (to - from) + 2);
    buf[0] = OPEN_ARRAY;
    let at = 1;
    for (const p of this.pieces) at += p.copy(buf, at);
    at += chunk.copy(buf, at, from, to);
    buf[at] = CLOSE_ARRAY;
    const starts = this.starts;
    for (let k = 0; k < starts.length; k++) starts[k]! += 1;
    this.done.push({ buf, starts, offset: this.batchOffset });
    this.pieces = [];
    this.pieceBytes = 0;
    this.starts = [];
  }
}

/**
 * A batch is parsed a piece of at most PIECE_BYTES at a time: a longer string goes to V8's
 * large-object space, which maps fresh pages for every batch, and a page fault costs
 * microseconds on virtual machines; short strings are young and their memory is reused.
 */
const PIECE_BYTES = 64 << 10;

/** The elements of one batch, parsed; a syntax error in them throws NotBatchable too, saying where. */
export function parseBatch(batch: Batch): unknown[] {
  const { buf, starts } = batch;
  // Pure ASCII (graphs nearly always are) is decoded as Latin-1: a copy, not a UTF-8 decode.
  const ascii = isAscii(buf);
  if (buf.length <= PIECE_BYTES) return parsePiece(batch, 0, buf.length - 1, ascii);
  const out: unknown[] = [];
  for (let k = 0; k < starts.length; ) {
    const first = starts[k]!;
    let j = k + 1;
    while (j < starts.length && starts[j]! - first <= PIECE_BYTES) j++;
    // Elements k..j-1, between the byte before the first (the batch's "[" or a comma) and the
    // byte after the last (a comma or the batch's "]"), bracketed in place while parsed.
    const open = first - 1;
    const close = j < starts.length ? starts[j]! - 1 : buf.length - 1;
    const [before, after] = [buf[open]!, buf[close]!];
    buf[open] = OPEN_ARRAY;
    buf[close] = CLOSE_ARRAY;
    try {
      const items = parsePiece(batch, open, close, ascii);
      for (let i = 0; i < items.length; i++) out.push(items[i]);
    } finally {
      buf[open] = before;
      buf[close] = after;
    }
    k = j;
  }
  return out;
}

/** JSON.parse of buf[open..close], a bracketed run of the batch's elements. */
function parsePiece(batch: Batch, open: number, close: number, ascii: boolean): unknown[] {
  const { buf } = batch;
  try {
    return JSON.parse(buf.toString(ascii ? 'latin1' : 'utf8', open, close + 1)) as unknown[];
  } catch (err) {
    const message = (err as Error).message.replace(/at position (\d+)(?: \(line \d+ column \d+\))?/, (_, p: string) => `near byte ${batch.offset + open + Math.max(0, Number(p) - 1)} of the body`);
    throw new NotBatchable(message);
  }
}

export interface BatchReading {
  /** Bytes per batch (default 1 MiB). */
  batchBytes?: number;
  /** Sees every chunk of the body as it arrives. */
  onChunk?: (chunk: Buffer) => void;
}

/**
 * Reads a JSON body as it arrives and gives each batch of a plain drop array, parsed, to
 * `onBatch` (awaited: a slow consumer holds the upload back). Resolves to undefined when the
 * whole body went that way, or to the whole body when it is not a plain array of objects (the
 * caller parses it as usual). Once a batch has been given, the body is not kept: anything wrong
 * later (malformed, truncated, a prototype key) is a 400 saying what and where.
 */
export async function readBatches(
  body: Iterable<Buffer> | AsyncIterable<Buffer>,
  onBatch: (items: unknown[], batch: Batch) => void | Promise<void>,
  opts: BatchReading = {},
): Promise<Buffer | undefined> {
  const cutter = new ArrayCutter(opts.batchBytes);
  // The body until its first batch: what the caller parses if it turns out not to be plain.
  let early: Buffer[] | undefined = [];
  let plain = true;
  let count = 0;
  const take = async (batches: Batch[]) => {
    for (const b of batches) {
      const items = parseBatch(b);
      early = undefined;
      refusePrototypeKeys(b, items, count);
      count += items.length;
      await onBatch(items, b);
    }
  };
  const notPlain = (err: unknown) => {
    if (!(err instanceof NotBatchable)) throw err;
    if (early === undefined) throw badRequest(`Malformed JSON body: ${err.message}`);
    plain = false;
  };
  for await (const chunk of body) {
    opts.onChunk?.(chunk);
    early?.push(chunk);
    if (!plain) continue;
    try {
      await take(cutter.push(chunk));
    } catch (err) {
      notPlain(err);
    }
  }
  if (plain) {
    try {
      await take(cutter.end());
      return undefined;
    } catch (err) {
      notPlain(err);
    }
  }
  return Buffer.concat(early ?? []);
}

/** Batches hold whole elements, so a key cannot straddle two: the whole-body parser's answer, with the element's number. */
function refusePrototypeKeys(b: Batch, items: unknown[], count: number): void {
  if (!mayHaveForbiddenKey(b.buf)) return;
  for (let k = 0; k < items.length; k++) {
    const p = forbiddenKeyPointer(items[k]);
    if (p !== undefined) throw badRequest(forbiddenKeyMessage('The JSON body', `/${count + k}${p}`));
  }
}
