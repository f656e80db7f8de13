// How the translator service answers: FastAPI-shaped errors (`{"detail": ...}`, what EAGLE
// shows to its user) extended with our diagnostics, and the request fields of §7.11 read from
// a form body, a JSON body or the query string, each checked for its type.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { CODES, type Diagnostic } from '../compiler/diagnostics.ts';

/** A request the service refuses: the status, a one-line detail and the diagnostics behind it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly diagnostics: Diagnostic[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  body(): Record<string, unknown> {
    return { detail: this.detail, ...(this.diagnostics.length ? { diagnostics: this.diagnostics.map(plainDiagnostic) } : {}), ...this.extra };
  }
}

/** Only the keys a client needs, without the absent ones. */
export function plainDiagnostic(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['code', 'severity', 'message', 'nodeId', 'nodeName', 'field', 'port', 'pointer', 'line', 'column'] as const) {
    if (d[k] !== undefined) out[k] = d[k];
  }
  return out;
}

/** A usage error on one request field: 400 with a diagnostic naming the field. */
export function badField(field: string, message: string): HttpError {
  return new HttpError(400, `${field}: ${message}`, [{ code: CODES.USAGE, severity: 'error', message, field }]);
}

export const notFound = (detail: string) => new HttpError(404, detail);

export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
}

/** decodeURIComponent, with "+" as a space; a broken %-escape is the client's error. */
export function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.includes('+') ? s.replaceAll('+', ' ') : s);
  } catch {
    throw new HttpError(400, `malformed form body: bad %-escape near ${JSON.stringify(s.slice(0, 40))}`);
  }
}

/**
 * An application/x-www-form-urlencoded body as (name, still encoded value) pairs: finding the
 * separators is native indexOf work; decoding a 100 kB graph costs tens of milliseconds, so
 * values are decoded only when read, and big ones in the worker that needs them.
 */
export function* formPairs(text: string): Generator<[string, string]> {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const cut = eq < 0 || eq > end ? end : eq;
      yield [formDecode(text.slice(start, cut)), cut < end ? text.slice(cut + 1, end) : ''];
    }
    start = end + 1;
  }
}

/**
 * The fields of one request: a form or JSON body first, then the query string (FastAPI's
 * Form(...) routes read only the body and Query(...) routes only the query; accepting both
 * costs nothing and lets curl users pick).
 */
export class Fields {
  private readonly values = new Map<string, unknown>();
  /** form fields not decoded yet */
  private readonly encoded = new Map<string, string>();

  constructor(req: FastifyRequest, body: Buffer | undefined) {
    const ct = String(req.headers['content-type'] ?? '').toLowerCase();
    if (body && body.length > 0) {
      const text = body.toString('utf8');
      if (ct.includes('application/json')) {
        let v: unknown;
        try {
          v = JSON.parse(text);
        } catch (e) {
          throw new HttpError(400, `Malformed JSON body: ${(e as Error).message}`);
        }
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'The JSON body must be an object');
        for (const [k, x] of Object.entries(v)) this.values.set(k, x);
      } else if (ct.includes('multipart/form-data')) {
        throw new HttpError(415, 'multipart/form-data bodies are not accepted; send application/x-www-form-urlencoded or JSON');
      } else {
        for (const [k, x] of formPairs(text)) if (!this.encoded.has(k)) this.encoded.set(k, x);
      }
    }
    const q = req.query as Record<string, unknown> | undefined;
    if (q) for (const [k, x] of Object.entries(q)) if (!this.values.has(k) && !this.encoded.has(k) && typeof x === 'string') this.values.set(k, x);
  }

  private value(name: string): unknown {
    const e = this.encoded.get(name);
    if (e !== undefined) {
      this.encoded.delete(name);
      this.values.set(name, formDecode(e));
    }
    return this.values.get(name);
  }

  has(name: string): boolean {
    if (this.encoded.has(name)) return this.encoded.get(name) !== '';
    const v = this.values.get(name);
    return v !== undefined && v !== null && v !== '';
  }

  raw(name: string): unknown {
    return this.value(name);
  }

  /**
   * A text field for a worker: still form-encoded when it came in a form body (the worker
   * decodes it, off the event loop), else the plain text. Undefined when absent or empty.
   */
  text(name: string): { text: string } | { encoded: string } | undefined {
    const e = this.encoded.get(name);
    if (e !== undefined) return e === '' ? undefined : { encoded: e };
    const v = this.str(name);
    return v === undefined ? undefined : { text: v };
  }

  str(name: string): string | undefined;
  str(name: string, fallback: string): string;
  str(name: string, fallback?: string): string | undefined {
    const v = this.value(name);
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw badField(name, `expected a string, got ${JSON.stringify(v).slice(0, 80)}`);
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw badField(name, 'this field is required');
    return v;
  }

  /** An integer of at least `min` (FastAPI answers 422 for these; a 400 with the field says more). */
  int(name: string, fallback: number, min?: number): number;
  int(name: string, fallback: undefined, min?: number): number | undefined;
  int(name: string, fallback: number | undefined, min: number = Number.MIN_SAFE_INTEGER): number | undefined {
    const v = this.value(name);
    if (v === undefined || v === null || v === '') return fallback;
    const x = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(x)) throw badField(name, `expected an integer, got ${JSON.stringify(v)}`);
    if (x < min) throw badField(name, `must be at least ${min}, got ${x}`);
    return x;
  }

  /** true/false by meaning: true, 1, yes, on (any case) are true; false, 0, no, off are false. */
  bool(name: string, fallback: boolean): boolean {
    const v = this.value(name);
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(s)) return true;
    if (['false', '0', 'no', 'off'].includes(s)) return false;
    throw badField(name, `expected true or false, got ${JSON.stringify(v)}`);
  }

  /** A list: a JSON array in a JSON body, else comma-separated text. */
  list(name: string): string[] | undefined {
    const v = this.value(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (Array.isArray(v)) {
      if (!v.every((x) => typeof x === 'string')) throw badField(name, 'expected a list of strings');
      return v as string[];
    }
    if (typeof v !== 'string') throw badField(name, `expected a list, got ${JSON.stringify(v).slice(0, 80)}`);
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  }
}
