// Shared test scaffolding: temporary DLG roots, node managers on random local ports, and
// running a graph through the REST API to its end. Everything registers its own teardown.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { NodeManager, type NodeManagerOptions } from '../../engine/managers/node/node-manager.ts';
import { createNodeServer } from '../../engine/managers/node/rest.ts';
import type { RestOptions } from '../../engine/managers/rest/server.ts';
import { ManagerClient } from '../../engine/client/client.ts';
import { submit, waitForSession } from '../../engine/client/deploy.ts';
import { referenceFixtures } from '../shared.ts';

export { referenceFixtures };

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const engineFixtures = join(repoRoot, 'fixtures/engine');

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function referenceGraph(name: string): unknown[] {
  return readJson<unknown[]>(join(referenceFixtures, 'engine/graphs', name));
}

export function fixture<T = unknown[]>(name: string): T {
  return readJson<T>(join(engineFixtures, name));
}

export function tempRoot(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlg-engine-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestNode {
  nm: NodeManager;
  url: string;
  client: ManagerClient;
  root: string;
  port: number;
}

export async function startNode(t: ExecutionContext, opts: NodeManagerOptions & RestOptions = {}): Promise<TestNode> {
  const root = opts.dlgRoot ?? tempRoot(t);
  const nm = new NodeManager({ maxWorkers: 2, ...opts, dlgRoot: root });
  const app = createNodeServer(nm, opts);
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await nm.shutdown();
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return { nm, url, client: new ManagerClient(url), root, port };
}

export interface RunResult {
  sessionId: string;
  status: number;
  dir: string;
  drops: Record<string, { status: number; execStatus?: number }>;
}

/** Create, append, deploy with the roots, and wait: the dlg-deploy sequence, through REST. */
export async function runThroughRest(node: TestNode, pg: unknown, sessionId?: string): Promise<RunResult> {
  const s = await submit(node.client, pg, { sessionId });
  const status = await waitForSession(node.client, s.sessionId, { pollIntervalMs: 25 });
  const dir = (await node.client.sessionDir(s.sessionId)).dir;
  const drops = await node.client.graphStatus(s.sessionId);
  return { sessionId: s.sessionId, status, dir, drops };
}

/** A deep copy with some specs changed: `edits[oid]` is merged into that spec. */
export function withEdits(pg: unknown[], edits: Record<string, Record<string, unknown>>): unknown[] {
  return (structuredClone(pg) as Record<string, unknown>[]).map((s) => (typeof s.oid === 'string' && edits[s.oid] ? { ...s, ...edits[s.oid] } : s));
}
