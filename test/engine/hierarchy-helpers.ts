// Manager hierarchies for tests: `dlg-engine cluster` and `dlg-engine dim` as real processes
// (killed by PID in teardown), in-process island and master managers over in-process node
// managers (real HTTP on loopback, cheaper to start), and reading back a session's files.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ExecutionContext } from 'ava';
import { CompositeManager, type CompositeRole } from '../../engine/managers/composite/composite-manager.ts';
import { createCompositeServer } from '../../engine/managers/composite/rest.ts';
import { HttpPeerLink } from '../../engine/managers/node/event-sink.ts';
import { ManagerClient } from '../../engine/client/client.ts';
import { repoRoot, startNode, tempRoot, type TestNode } from './helpers.ts';

const ENGINE = join(repoRoot, 'engine/cli/dlg-engine.ts');

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor<T>(what: string, f: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function engineProcess(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENGINE, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface ClusterInfo {
  child: ChildProcess;
  pid: number;
  root: string;
  mm: string;
  dims: { url: string; pid: number; nodes: string[] }[];
  nms: { url: string; pid: number; root: string }[];
  stderr: () => string;
  /** Every process of the cluster, itself first. */
  pids: () => number[];
}

/** `dlg-engine cluster --base-port 0`; teardown stops it and kills anything left, by PID. */
export async function startCluster(t: ExecutionContext, nodes: number, islands: number, extra: string[] = []): Promise<ClusterInfo> {
  const root = tempRoot(t);
  const child = engineProcess(['cluster', '--nodes', String(nodes), '--islands', String(islands), '--base-port', '0', '--dlg-root', root, '--max-workers', '4', ...extra]);
  let out = '';
  let err = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (err += b));
  const info: ClusterInfo = { child, pid: child.pid!, root, mm: '', dims: [], nms: [], stderr: () => err, pids: () => [info.pid, ...info.dims.map((d) => d.pid), ...info.nms.map((n) => n.pid), mmPid] };
  let mmPid = 0;
  t.teardown(async () => {
    if (alive(info.pid)) {
      child.kill('SIGTERM');
      await waitFor('the cluster to stop', () => !alive(info.pid) || undefined, 20_000).catch(() => undefined);
    }
    for (const pid of info.pids()) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  });
  await waitFor('the cluster to be ready', () => (/cluster ready/.test(err) ? true : child.exitCode !== null ? Promise.reject(new Error(err)) : undefined), 120_000, 100);
  for (const line of out.trim().split('\n')) {
    const [kind, , url, , pid, , ...rest] = line.split(/\s+/);
    if (kind === 'master') [info.mm, mmPid] = [url!, Number(pid)];
    else if (kind === 'island') info.dims.push({ url: url!, pid: Number(pid), nodes: rest });
    else if (kind === 'node') info.nms.push({ url: url!, pid: Number(pid), root: rest[0]! });
  }
  return info;
}

/** `dlg-engine dim` over running node managers, its own process. */
export async function startDimProcess(t: ExecutionContext, nodeUrls: string[], extra: string[] = []): Promise<{ url: string; pid: number }> {
  const child = engineProcess(['dim', '--port', '0', '--dlg-root', tempRoot(t), '--nodes', nodeUrls.map((u) => u.replace('http://', '')).join(','), ...extra]);
  t.teardown(() => {
    if (alive(child.pid!)) child.kill('SIGKILL');
  });
  let err = '';
  child.stderr!.on('data', (b) => (err += b));
  const url = await waitFor('the island manager to listen', () => /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1], 60_000);
  return { url, pid: child.pid! };
}

export interface TestComposite {
  m: CompositeManager;
  url: string;
  address: string;
  client: ManagerClient;
  close: () => Promise<void>;
}

/** An island or master manager in this process. */
export async function startComposite(t: ExecutionContext, role: CompositeRole, children: string[], opts: { probeIntervalMs?: number; probeDeadlineMs?: number; appendBatchBytes?: number } = {}): Promise<TestComposite> {
  const m = new CompositeManager({ role, children, dlgRoot: tempRoot(t), log: () => {}, ...opts });
  m.start();
  const app = createCompositeServer(m);
  await app.listen({ host: '127.0.0.1', port: 0 });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await m.shutdown();
  };
  t.teardown(close);
  const port = (app.server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  return { m, url, address: `127.0.0.1:${port}`, client: new ManagerClient(url), close };
}

/** A node manager in this process that can reach its peers. */
export function startLinkedNode(t: ExecutionContext): Promise<TestNode> {
  return startNode(t, { remote: new HttpPeerLink(() => {}), maxWorkers: 4 });
}

/** Every `dir` in a (nested) session directory answer. */
export function dirsOf(answer: unknown): string[] {
  if (typeof answer !== 'object' || answer === null) return [];
  const o = answer as Record<string, unknown>;
  if (typeof o.dir === 'string') return [o.dir];
  return Object.values(o).flatMap(dirsOf);
}

/**
 * The files a session wrote, by path relative to its session directory, over all the nodes
 * that ran parts of it. Logs and hidden engine files (local copies of remote data) are left out.
 */
export function sessionFiles(dirs: string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (base: string, dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.') || /^dlg_.*\.log$/.test(name)) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(base, p);
      else {
        const rel = relative(base, p);
        if (out.has(rel)) throw new Error(`${rel} was written on two nodes`);
        out.set(rel, readFileSync(p));
      }
    }
  };
  for (const d of dirs) walk(d, d);
  return out;
}
