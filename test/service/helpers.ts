// Scaffolding for the translator service tests: an in-process server on a free port with its
// own PGT directory and LG repository, torn down (workers included) after the test.

import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { createTranslatorServer, type ServeOptions, type TranslatorServer } from '../../service/server.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ourGraphs = join(repoRoot, 'fixtures/graphs');

export function tempDir(t: ExecutionContext, tag = 'dlg-serve-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), tag));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestTranslator {
  base: string;
  server: TranslatorServer;
  pgtDir: string;
  lgDir: string;
}

/** A translator whose --lg-dir holds fixtures/graphs as the sub-directory "ours". */
export async function startTranslator(t: ExecutionContext, opts: ServeOptions = {}): Promise<TestTranslator> {
  const root = tempDir(t);
  const lgDir = join(root, 'lgs');
  const pgtDir = join(root, 'pgts');
  mkdirSync(join(lgDir, 'ours'), { recursive: true });
  cpSync(ourGraphs, join(lgDir, 'ours'), { recursive: true });
  const server = createTranslatorServer({ lgDir, pgtDir, workers: 1, ...opts });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close());
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { base: `http://127.0.0.1:${port}`, server, pgtDir, lgDir };
}

export function form(base: string, path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(base + path, { method: 'POST', body: new URLSearchParams(fields) });
}

export function postJson(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The pgt_id a /gen_pgt page embeds. */
export function pgtIdOfPage(html: string): string {
  const m = /"pgtId":"([^"]+)"/.exec(html);
  if (!m) throw new Error(`no pgt_id in the page: ${html.slice(0, 300)}`);
  return m[1]!;
}

/** Drops of a drop list (the trailing reprodata element left out). */
export function dropsOf(list: Record<string, unknown>[]): Record<string, unknown>[] {
  return list.filter((d) => typeof d.oid === 'string');
}
