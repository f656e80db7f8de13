// What the translation workers can do: one function per kind of job, called with plain data
// (structured-cloned from the request) and an output for the response body. Failures are
// HttpErrors carrying our diagnostics; the route turns them into 4xx JSON answers.

import { CODES, hasErrors, type Diagnostic } from '../compiler/diagnostics.ts';
import { loadSource, readSource, type LoadedInput } from '../compiler/load/index.ts';
import { HttpError, formDecode } from './http.ts';
import { genPgt, lgFill, mapJob, partitionJob, unrollAndPartitionJob, unrollJob } from './translate-jobs.ts';
import { genPg, genPgSpec, ganttMatrix, scheduleMatrices, scheduleView } from './stored-jobs.ts';

export interface JobOutput {
  /** Appends to the response body; resolves when the consumer is ready for more. */
  write(chunk: string | Uint8Array): Promise<void>;
}

/** Where a job reads its input: text from the request, or a file of a repository. */
export interface Src {
  name: string;
  text?: string;
  /** the text still form-encoded (decoded here, in the worker) */
  encoded?: string;
  path?: string;
}

export type Job = (args: never, out: JobOutput) => Promise<unknown>;

export const JOBS: Record<string, Job> = {
  genPgt, unroll: unrollJob, partition: partitionJob, unrollAndPartition: unrollAndPartitionJob, lgFill, map: mapJob,
  genPg, genPgSpec, ganttMatrix, scheduleMatrices, scheduleView,
};

/** Errors first, so the detail line names the first real problem. */
export function failWith(diagnostics: Diagnostic[], status = 400): HttpError {
  const sorted = [...diagnostics].sort((a, b) => (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1));
  const first = sorted[0];
  const where = first?.nodeName !== undefined ? ` (node ${first.nodeId ?? '?'} '${first.nodeName}'${first.field ? `, field ${first.field}` : ''})` : first?.field ? ` (field ${first.field})` : '';
  const tooMany = diagnostics.find((d) => d.code === CODES.TOO_MANY_DROPS);
  if (tooMany) return new HttpError(413, tooMany.message, diagnostics, tooMany.count !== undefined ? { drops: tooMany.count } : {});
  return new HttpError(status, first ? `${first.code}: ${first.message}${where}` : 'the graph has errors', sorted);
}

export function load(src: Src): LoadedInput {
  const text = src.encoded !== undefined ? formDecode(src.encoded) : src.text ?? '';
  const source = src.path !== undefined ? readSource(src.path) : { value: { file: src.name, text }, diagnostics: [] };
  if (!source.value) throw failWith(source.diagnostics, 404);
  const r = loadSource({ file: src.name, text: source.value.text });
  if (!r.value || hasErrors(r.diagnostics)) throw failWith(r.diagnostics);
  return r.value;
}

export async function writeAll(out: JobOutput, chunks: Iterable<string | Uint8Array>): Promise<void> {
  for (const c of chunks) await out.write(c);
}

/**
 * A JSON string holding JSON text, written in chunks: what /gen_pg_spec, /pgt_jsonbody and the
 * schedule matrices answer (reference §9 Q42; EAGLE's client parses them twice). JSON text
 * has no raw control characters, so only quotes and backslashes need escaping.
 */
export async function writeEncodedString(out: JobOutput, chunks: Iterable<string | Uint8Array>): Promise<void> {
  const decoder = new TextDecoder();
  await out.write('"');
  for (const c of chunks) {
    const s = typeof c === 'string' ? c : decoder.decode(c, { stream: true });
    await out.write(s.replace(/["\\]/g, '\\$&'));
  }
  await out.write(decoder.decode().replace(/["\\]/g, '\\$&') + '"');
}
