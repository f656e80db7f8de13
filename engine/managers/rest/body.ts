// Request bodies. Every body arrives as raw bytes (one catch-all content-type parser), so
// each route decides how to read it, and failures become 4xx JSON errors, never 5xx.
// DALiuGE's Python client sends zlib (RFC 1950) data labelled `Content-Encoding: gzip`
// (reference §7.1), so the framing is detected from the bytes, not trusted from the header.

import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { readBatches } from './array-cutter.ts';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../../errors.ts';
import { forbiddenKeyMessage, forbiddenKeyPointer, mayHaveForbiddenKey } from '../../../kernel/forbidden-keys.ts';

function bodyBytes(req: FastifyRequest): Buffer {
  const b = req.body;
  if (b === undefined || b === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(b)) return b;
  return Buffer.from(typeof b === 'string' ? b : JSON.stringify(b));
}

function inflate(data: Buffer, limit: number): Buffer {
  const opts = { maxOutputLength: limit };
  try {
    if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) return gunzipSync(data, opts);
    // zlib header: CMF 0x?8 with (CMF*256 + FLG) divisible by 31.
    if (data.length >= 2 && (data[0]! & 0x0f) === 8 && ((data[0]! << 8) | data[1]!) % 31 === 0) return inflateSync(data, opts);
    return inflateRawSync(data, opts);
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw payloadTooLarge(limit);
    throw badRequest(`The body is not valid compressed data: ${(err as Error).message}`);
  }
}

function contentEncoding(req: FastifyRequest): string {
  return String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
}

/** The body comes as it was sent: no Content-Encoding to undo. */
export function isIdentityEncoded(req: FastifyRequest): boolean {
  const enc = contentEncoding(req);
  return enc === '' || enc === 'identity';
}

/** The body bytes with any Content-Encoding undone; the decompressed size is limited too. */
export function decodedBody(req: FastifyRequest, limit: number): Buffer {
  return decode(req, bodyBytes(req), limit);
}

function decode(req: FastifyRequest, raw: Buffer, limit: number): Buffer {
  const enc = contentEncoding(req);
  if (isIdentityEncoded(req) || raw.length === 0) return raw;
  if (enc === 'gzip' || enc === 'x-gzip' || enc === 'deflate') return inflate(raw, limit);
  throw unsupportedMediaType(`Unsupported Content-Encoding '${enc}'`);
}

/**
 * The chunks of a body its route reads as it arrives (graph/append: see streamedBodyParser),
 * at most `limit` bytes; a longer body is a 413 when the limit is passed.
 */
export async function* bodyChunks(req: FastifyRequest, limit: number): AsyncGenerator<Buffer> {
  const b = req.body;
  if (b === undefined || b === null) return;
  if (Buffer.isBuffer(b)) return yield b;
  if (Number(req.headers['content-length']) > limit) throw payloadTooLarge(limit);
  let total = 0;
  const chunks = (b as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    let r: IteratorResult<Buffer>;
    try {
      r = await chunks.next();
    } catch (err) {
      // The sender went away mid-body (a parent manager aborting a refused graph's parts).
      throw badRequest(`The request body was cut off: ${(err as Error).message}`);
    }
    if (r.done) return;
    total += r.value.length;
    if (total > limit) {
      await chunks.return?.();
      throw payloadTooLarge(limit);
    }
    yield r.value;
  }
}

/** A streamed body read whole, with any Content-Encoding undone. */
export async function decodedStreamedBody(req: FastifyRequest, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of bodyChunks(req, limit)) chunks.push(c);
  return decode(req, Buffer.concat(chunks), limit);
}

export function jsonBody(req: FastifyRequest, limit: number): unknown {
  return parseJson(decodedBody(req, limit));
}

/** parseJsonStream's answer when every element went to `onBatch`. */
export const STREAMED = Symbol('streamed');

/**
 * A JSON body read as it arrives: a plain array of objects (a graph) is parsed a batch of
 * elements at a time while the rest is uploaded (array-cutter.ts), and each batch is given to
 * `onBatch` (which may throw to refuse the body) or, without one, gathered into the array
 * returned. Any other body is parsed whole, with parseJson's answers.
 */
export async function parseJsonStream(body: Iterable<Buffer> | AsyncIterable<Buffer>, onBatch?: (items: unknown[]) => void): Promise<unknown> {
  const items: unknown[] = [];
  const whole = await readBatches(body, (batch) => {
    if (onBatch) onBatch(batch);
    else for (const x of batch) items.push(x);
  });
  if (whole !== undefined) return parseJson(whole);
  return onBatch ? STREAMED : items;
}

/** A decoded body as JSON; an empty or malformed one is a 400. */
export function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw badRequest('The request needs a JSON body');
  return parseBody(bytes);
}

/** JSON.parse with 400s for malformed text and for prototype keys (__proto__ & co.). */
function parseBody(bytes: Buffer): unknown {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw badRequest(`Malformed JSON body: ${(err as Error).message}`);
  }
  // The walk only when the raw bytes could hold such a key: graphs of 10^6 drops rarely do.
  if (mayHaveForbiddenKey(bytes)) {
    const bad = forbiddenKeyPointer(v);
    if (bad !== undefined) throw badRequest(forbiddenKeyMessage('The JSON body', bad));
  }
  return v;
}

export function requireContentType(req: FastifyRequest, accepted: string[]): void {
  const ct = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!accepted.some((a) => ct.includes(a)))
    throw unsupportedMediaType(`Content-Type must be ${accepted.join(' or ')}, not '${ct || 'none'}'`);
}

/**
 * Parameters sent as a form body (what DALiuGE's client does), a JSON object, or the query
 * string (what DALiuGE's OpenAPI file documents). Later sources do not override earlier ones.
 */
export function formParams(req: FastifyRequest, limit: number): Map<string, string> {
  const out = new Map<string, string>();
  const bytes = decodedBody(req, limit);
  const ct = String(req.headers['content-type'] ?? '').toLowerCase();
  if (bytes.length > 0) {
    if (ct.includes('application/json')) {
      const v = parseBody(bytes);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest('The JSON body must be an object');
      for (const [k, x] of Object.entries(v)) out.set(k, Array.isArray(x) ? x.join(',') : String(x));
    } else {
      for (const [k, x] of new URLSearchParams(bytes.toString('utf8'))) if (!out.has(k)) out.set(k, x);
    }
  }
  const q = req.query as Record<string, unknown> | undefined;
  if (q) for (const [k, x] of Object.entries(q)) if (!out.has(k) && typeof x === 'string') out.set(k, x);
  return out;
}
