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

/**
 * The fields of one request: a form or JSON body first, then the query string (FastAPI's
 * Form(...) routes read only the body and Query(...) routes only the query; accepting both
 * costs nothing and lets curl users pick).
 */
export class Fields {
  private readonly values = new Map<string, unknown>();

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
        for (const [k, x] of new URLSearchParams(text)) if (!this.values.has(k)) this.values.set(k, x);
      }
    }
    const q = req.query as Record<string, unknown> | undefined;
    if (q) for (const [k, x] of Object.entries(q)) if (!this.values.has(k) && typeof x === 'string') this.values.set(k, x);
  }

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v !== null && v !== '';
  }

  raw(name: string): unknown {
    return this.values.get(name);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  str(name: string): string | undefined;
  str(name: string, fallback: string): string;
  str(name: string, fallback?: string): string | undefined {
    const v = this.values.get(name);
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
    const v = this.values.get(name);
    if (v === undefined || v === null || v === '') return fallback;
    const x = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(x)) throw badField(name, `expected an integer, got ${JSON.stringify(v)}`);
    if (x < min) throw badField(name, `must be at least ${min}, got ${x}`);
    return x;
  }

  /** true/false by meaning: true, 1, yes, on (any case) are true; false, 0, no, off are false. */
  bool(name: string, fallback: boolean): boolean {
    const v = this.values.get(name);
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(s)) return true;
    if (['false', '0', 'no', 'off'].includes(s)) return false;
    throw badField(name, `expected true or false, got ${JSON.stringify(v)}`);
  }

  /** A list: a JSON array in a JSON body, else comma-separated text. */
  list(name: string): string[] | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (Array.isArray(v)) {
      if (!v.every((x) => typeof x === 'string')) throw badField(name, 'expected a list of strings');
      return v as string[];
    }
    if (typeof v !== 'string') throw badField(name, `expected a list, got ${JSON.stringify(v).slice(0, 80)}`);
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  }
}
