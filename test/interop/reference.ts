// The reference DALiuGE 6.7.0 (../shared/daliuge-ref) for the compatibility tests: whether it
// can run here, a node manager of it on free loopback ports with its own DLG_ROOT (killed,
// with its whole process group, in teardown), its translator, and a by-value comparison of
// what two engines wrote.

import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext, TestFn } from 'ava';
import { daliugeRef } from '../shared.ts';
import { pythonFixtures } from '../python.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** The reference runs on Debian's interpreter with Debian's packages (its install-deps). */
export const refPython = '/usr/bin/python3';

/** The environment dlg-ref sets up, plus our test functions so both engines can import them. */
export function refEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const paths = [join(daliugeRef, 'stubs'), ...['daliuge-engine', 'daliuge-translator', 'daliuge-common'].map((p) => join(daliugeRef, 'src', p)), pythonFixtures];
  return {
    ...process.env,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONPATH: paths.join(delimiter),
    METIS_DLL: process.env.METIS_DLL ?? '/usr/lib/x86_64-linux-gnu/libmetis.so.5',
    ...extra,
  };
}

let usable: string | null | undefined;

/** Why the reference cannot run here, or null when it can (checked once: imports its dependencies). */
export function referenceProblem(): string | null {
  if (usable !== undefined) return usable;
  const r = spawnSync(refPython, ['-c', 'import bottle, zmq, dill, numpy, networkx, psutil, crc32c, gevent, dlg.manager.node_manager, dlg.dropmake.pg_generator'], {
    env: refEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) return (usable = `${refPython} cannot run: ${r.error.message}`);
  if (r.status !== 0) return (usable = `the reference's dependencies are missing (run ../shared/daliuge-ref/install-deps as root): ${r.stderr.trim().split('\n').pop()}`);
  return (usable = null);
}

/** True when the reference can run; else one skipped test (outside CI) or a failing one (CI). */
export function needsReference(test: TestFn): boolean {
  const why = referenceProblem();
  if (why === null) return true;
  if (process.env.CI) test('the reference DALiuGE must run under CI', (t) => t.fail(why));
  else test.skip(`skipped: the reference DALiuGE cannot start: ${why}`, () => {});
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ReferenceNm {
  url: string;
  port: number;
  root: string;
  stop(): Promise<void>;
}

/** `dlg-ref nm` on free loopback ports with its own DLG_ROOT; ready when GET /api/sessions answers. */
export async function startReferenceNm(): Promise<ReferenceNm> {
  const root = mkdtempSync(join(tmpdir(), 'dlg-ref-nm-'));
  mkdirSync(join(root, 'log'));
  const [port, eventPort, rpcPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    refPython,
    [join(daliugeRef, 'dlg_ref_tool.py'), 'nm', '-H', '127.0.0.1', '-P', String(port), '--event_port', String(eventPort), '--rpc_port', String(rpcPort), '-l', join(root, 'log'), '-t', '2'],
    { env: refEnv({ DLG_ROOT: root }), detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const until = Date.now() + 3000;
      while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    // DLG_KEEP_REFERENCE_ROOT=1 keeps its workspace and logs for a post-mortem.
    if (!process.env.DLG_KEEP_REFERENCE_ROOT) rmSync(root, { recursive: true, force: true });
    else process.stderr.write(`reference node manager files kept in ${root}\n`);
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`the reference node manager exited: ${stderr}`);
    }
    try {
      const r = await fetch(`${url}/api/sessions`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the reference node manager did not answer within 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, root, stop };
}

/** A reference NM for one test file: started once, stopped after all its tests. */
export function sharedReferenceNm(test: TestFn): () => Promise<ReferenceNm> {
  let started: Promise<ReferenceNm> | undefined;
  test.after.always(async () => {
    if (started) await (await started).stop();
  });
  return () => (started ??= startReferenceNm());
}

/** Run a Python script of this folder with the reference on its path; resolves with stdout. */
export function runRefPython(script: string, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = execFile(refPython, [join(here, script), ...args], { env: refEnv(env), maxBuffer: 256 << 20, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${script} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) p.stdin!.end(input);
  });
}

/** The reference translator's PG for each logical graph (one interpreter for all of them). */
export async function referenceTranslate(t: ExecutionContext, lgs: string[]): Promise<Map<string, unknown[] | string>> {
  const out = mkdtempSync(join(tmpdir(), 'dlg-ref-pg-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const lines = (await runRefPython('ref_translate.py', [out, ...lgs])).trim().split('\n');
  const result = new Map<string, unknown[] | string>();
  for (const l of lines) {
    const r = JSON.parse(l) as { lg: string; pg?: string; error?: string };
    result.set(r.lg, r.pg ? (JSON.parse(readFileSync(r.pg, 'utf8')) as unknown[]) : r.error!);
  }
  return result;
}

export interface Comparison {
  equal: boolean;
  a: string | null;
  b: string | null;
}

/** Compare files by value (compare.py): pickles unpickled, npy loaded, else bytes. */
export async function compareFiles(pairs: { key: string; a: string | null; b: string | null; mode?: 'value' | 'size' }[]): Promise<Record<string, Comparison>> {
  return JSON.parse(await runRefPython('compare.py', [], JSON.stringify(pairs))) as Record<string, Comparison>;
}
