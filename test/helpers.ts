// Shared test helpers: where the reference fixtures live and a one-call translation. Only
// paths here: a test reads the reference fixtures inside its `needsShared(test)` block.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLogicalGraph, loadFile, loadValue } from '../compiler/load/index.ts';
import type { LogicalGraph } from '../compiler/model.ts';
import { unroll, type DropTable, type UnrollOptions } from '../compiler/unroll/index.ts';
import { pgtChunks } from '../compiler/emit/pgt.ts';
import { referenceFixtures } from './shared.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const shared = referenceFixtures;
export const lgDir = join(shared, 'translator/logical_graphs');

export function lgOf(file: string): LogicalGraph {
  const r = loadFile(file);
  if (!r.value || r.value.kind !== 'lg') throw new Error(`not an LG: ${file}: ${JSON.stringify(r.diagnostics)}`);
  return buildLogicalGraph(r.value.doc, file, r.value.version);
}

/** Loads an LG from a JSON object (after edits made by a test). */
export function lgOfValue(doc: unknown, file = 'test.graph'): LogicalGraph {
  const r = loadValue(doc, file);
  if (!r.value || r.value.kind !== 'lg') throw new Error(`not an LG: ${JSON.stringify(r.diagnostics)}`);
  return buildLogicalGraph(r.value.doc, file, r.value.version);
}

export function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function tableOf(lg: LogicalGraph, opts: UnrollOptions = {}): DropTable {
  const u = unroll(lg, opts);
  if (!u.value) throw new Error(`unroll failed: ${u.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return u.value;
}

/** The emitted PGT parsed back: drop specs (without the trailing element) and the trailing element. */
export function pgtOf(t: DropTable, oidPrefix = '1'): { drops: any[]; trailing: any } {
  // A chunk's memory is reused once the next is pulled: copy each as it comes.
  const parts: Buffer[] = [];
  for (const c of pgtChunks(t, { oidPrefix })) parts.push(Buffer.from(c));
  const list = JSON.parse(Buffer.concat(parts).toString());
  const trailing = list.pop();
  return { drops: list, trailing };
}

export function entryOid(e: unknown): string {
  return typeof e === 'string' ? e : Object.keys(e as object)[0];
}

/** Distinct (producer → consumer) drop pairs read from both ends of every relationship list. */
export function edgesOf(drops: any[]): { edges: Set<string>; oneSided: string[] } {
  const oids = new Set(drops.map((d) => d.oid));
  const fromSource = new Set<string>();
  const fromTarget = new Set<string>();
  for (const d of drops) {
    for (const list of ['outputs', 'consumers']) for (const e of d[list] ?? []) fromSource.add(`${d.oid}>${entryOid(e)}`);
    for (const list of ['producers', 'inputs']) for (const e of d[list] ?? []) fromTarget.add(`${entryOid(e)}>${d.oid}`);
  }
  const oneSided = [...fromSource].filter((p) => !fromTarget.has(p)).concat([...fromTarget].filter((p) => !fromSource.has(p)));
  for (const p of fromSource) for (const o of p.split('>')) if (!oids.has(o)) oneSided.push(`unknown ${o}`);
  return { edges: new Set([...fromSource, ...fromTarget]), oneSided };
}

/** Why a tiny tmpfs (a full disk, for tests) cannot be mounted here, or undefined when it can: root only. */
export function canMountTmpfs(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root';
  const probe = mkdtempSync(join(tmpdir(), 'dlg-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'mount -t tmpfs is not permitted here';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
