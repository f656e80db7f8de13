// Paths and readers shared by the front-end tests. The reference fixtures are read where
// they are (../shared beside the clone), never copied, and only inside a test file's
// `needsShared(test)` block.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFile, type LgInput } from '../../compiler/load/index.ts';
import type { OjsDocument, OjsField, OjsNode } from '../../compiler/model.ts';
import { referenceFixtures } from '../shared.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const shared = referenceFixtures;
export const logicalGraphs = join(shared, 'translator/logical_graphs');
export const graphConfigs = join(shared, 'translator/graph_config');
export const invalidDir = join(repoRoot, 'fixtures/invalid');
export const paramsDir = join(repoRoot, 'fixtures/params');

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Files under dir (recursively) whose name matches re, sorted. Throws if dir is missing. */
export function listFiles(dir: string, re: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, re));
    else if (re.test(name)) out.push(p);
  }
  return out;
}

export function loadLg(file: string): LgInput {
  const r = loadFile(file);
  if (!r.value || r.value.kind !== 'lg') throw new Error(`${file} did not load as a logical graph: ${JSON.stringify(r.diagnostics)}`);
  return r.value;
}

export function nodeByName(doc: OjsDocument, name: string): OjsNode {
  const n = doc.nodeDataArray.find((x) => x.name === name);
  if (!n) throw new Error(`no node named ${name}`);
  return n;
}

export function nodeById(doc: OjsDocument, id: string): OjsNode {
  const n = doc.nodeDataArray.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
}

export function fieldOf(node: OjsNode, name: string): OjsField {
  const f = [...(node.fields ?? []), ...(node.inputAppFields ?? [])].find((x) => x.name === name);
  if (!f) throw new Error(`node ${node.name} has no field ${name}`);
  return f;
}

export function fieldById(node: OjsNode, id: string): OjsField {
  const f = [...(node.fields ?? []), ...(node.inputAppFields ?? [])].find((x) => x.id === id);
  if (!f) throw new Error(`node ${node.name} has no field ${id}`);
  return f;
}

export const codes = (diags: readonly { code: string }[]) => diags.map((d) => d.code);
export const errorsOf = <T extends { severity: string }>(diags: readonly T[]) => diags.filter((d) => d.severity === 'error');
