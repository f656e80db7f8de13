// The same graphs give the same files (byte for byte) and the same final graph/status on the
// embedded engine, on one node manager, on an island manager over 3 node managers and on a
// master manager over 2 island managers of 2 node managers each, with every kind of data and
// relation crossing nodes. The managers are real processes (dlg-engine cluster and dim), all
// started with one token, which they pass on to each other (children, peers, remote data).

import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagerClient } from '../../engine/client/client.ts';
import { submit, waitForSession } from '../../engine/client/deploy.ts';
import { translateForDeploy } from '../../engine/client/translate.ts';
import { NodeManager } from '../../engine/managers/node/node-manager.ts';
import { SessionState } from '../../engine/states.ts';
import { repoRoot, tempRoot } from './helpers.ts';
import { type Slot, alternatingChain, placed, scatterGather, streaming } from './hierarchy-graphs.ts';
import { type ClusterInfo, dirsOf, sessionFiles, startCluster, startDimProcess } from './hierarchy-helpers.ts';

// One hierarchy for the whole file, stopped after the last test.
const cleanups: (() => unknown)[] = [];
const hooks = { teardown: (f: () => unknown) => cleanups.push(f) } as unknown as ExecutionContext;
test.after.always(async () => {
  for (const f of cleanups.reverse()) await f();
});

const TOKEN = 'hierarchy-secret';

interface Env {
  cluster: ClusterInfo;
  dim: string;
  dimSlots: Slot[];
  mmSlots: Slot[];
}
let envPromise: Promise<Env> | undefined;
const env = () =>
  (envPromise ??= (async () => {
    const cluster = await startCluster(hooks, 4, 2, ['--token', TOKEN]);
    const dim = await startDimProcess(hooks, cluster.nms.slice(0, 3).map((n) => n.url), ['--token', TOKEN]);
    const host = (u: string) => u.replace('http://', '');
    const dimSlots = cluster.nms.slice(0, 3).map((n) => ({ node: host(n.url), island: host(dim.url) }));
    const mmSlots = cluster.dims.flatMap((d) => d.nodes.map((n) => ({ node: host(n), island: host(d.url) })));
    return { cluster, dim: dim.url, dimSlots, mmSlots };
  })());

interface Outcome {
  status: number;
  graphStatus: Record<string, unknown>;
  files: Map<string, Buffer>;
}

async function embedded(t: ExecutionContext, pg: unknown[]): Promise<Outcome> {
  const nm = new NodeManager({ dlgRoot: tempRoot(t), maxWorkers: 4 });
  t.teardown(() => nm.shutdown());
  const s = nm.openSession('embedded');
  s.addGraphSpec(pg);
  s.deploy('roots');
  const status = await s.whenFinished();
  return { status, graphStatus: s.graphStatus(), files: sessionFiles([s.sessionDir]) };
}

let counter = 0;
async function viaManager(url: string, pg: unknown[], label: string): Promise<Outcome> {
  const client = new ManagerClient(url, { token: TOKEN });
  const { sessionId } = await submit(client, pg, { sessionId: `${label}-${++counter}` });
  const status = await waitForSession(client, sessionId, { pollIntervalMs: 50 });
  const graphStatus = await client.graphStatus(sessionId);
  return { status, graphStatus, files: sessionFiles(dirsOf(await client.sessionDir(sessionId))) };
}

type Build = (topology: 'embedded' | 'nm' | 'dim' | 'mm', e: Env) => Promise<unknown[]>;

/** Runs a graph on the four topologies; returns the embedded outcome after checking the others equal it. */
async function sameEverywhere(t: ExecutionContext, build: Build): Promise<Outcome> {
  t.timeout(240_000);
  const e = await env();
  const base = await embedded(t, await build('embedded', e));
  t.is(base.status, SessionState.FINISHED);
  const runs: [string, string][] = [
    ['nm', e.cluster.nms[3]!.url],
    ['dim', e.dim],
    ['mm', e.cluster.mm],
  ];
  for (const [topology, url] of runs) {
    const o = await viaManager(url, await build(topology as 'nm', e), topology);
    t.is(o.status, SessionState.FINISHED, topology);
    t.deepEqual(o.graphStatus, base.graphStatus, `${topology}: final graph/status`);
    t.deepEqual([...o.files.keys()].sort(), [...base.files.keys()].sort(), `${topology}: the same files`);
    for (const [name, bytes] of base.files) t.true(bytes.equals(o.files.get(name) ?? Buffer.alloc(0)), `${topology}: ${name} has the same bytes`);
  }
  return base;
}

const slotted = (graph: Parameters<typeof placed>[0]): Build => async (topology, e) =>
  placed(graph, topology === 'dim' ? e.dimSlots : topology === 'mm' ? e.mmSlots : []);

test('the hello pipeline, translated and mapped onto each manager (dlg-deploy LG --url)', async (t) => {
  const lg = JSON.parse(readFileSync(join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), 'utf8'));
  const params = ['Greetings.num_of_copies=6', 'Collect.num_of_inputs=6'];
  const base = await sameEverywhere(t, async (topology, e) => {
    const url = topology === 'embedded' ? undefined : topology === 'nm' ? e.cluster.nms[3]!.url : topology === 'dim' ? e.dim : e.cluster.mm;
    const { drops } = await translateForDeploy(lg, { url, params, token: TOKEN });
    if (topology === 'mm') {
      const islands = new Set((drops as { island?: string }[]).flatMap((d) => (d.island ? [d.island] : [])));
      const hostPort = (a: string) => a.split(':').slice(0, 2).join(':');
      t.true(islands.size >= 1 && [...islands].every((i) => e.mmSlots.some((s) => s.island === hostPort(i))), "islands are the master's island managers");
    }
    return drops;
  });
  t.is(base.files.get('greetings.txt')?.toString(), 'Hello Everybody\n'.repeat(6));
  t.is(base.files.get('count.txt')?.toString().trim(), '12');
});

test('a 2,000-drop scatter/gather with memory and file data crossing nodes', async (t) => {
  const g = scatterGather();
  t.is(g.length, 2002);
  const base = await sameEverywhere(t, slotted(g));
  const gathered = base.files.get('gathered.txt')!.toString();
  t.is(gathered, Array.from({ length: 333 }, (_, i) => `Hello, Hello branch ${i}`).join(''));
  t.is(base.files.get('count.txt')!.toString().trim(), String(Buffer.byteLength(gathered)));
  t.is(base.files.get('parts/part_7.txt')!.toString(), 'Hello branch 7');
});

test('a chain whose every step is on the next node', async (t) => {
  const base = await sameEverywhere(t, slotted(alternatingChain()));
  t.is(base.files.get('step_43.txt')!.toString(), 'Hello chain');
  t.is(base.files.get('step_81.txt')!.toString(), 'HELLO CHAIN (shouted)\n');
});

test('streaming consumers on other nodes get every chunk, in order', async (t) => {
  const base = await sameEverywhere(t, slotted(streaming()));
  t.is(base.files.get('streamed1.txt')!.toString(), 'Hello stream 0\nHello stream 1\nHello stream 2\n');
  t.is(base.files.get('streamed2.txt')!.toString(), 'Hello stream 0\nHello stream 1\nHello stream 2\n');
});

test('every manager of the hierarchy wants the token', async (t) => {
  const e = await env();
  for (const url of [e.cluster.mm, e.dim, ...e.cluster.dims.map((d) => d.url), ...e.cluster.nms.map((n) => n.url)]) {
    t.is((await fetch(`${url}/api/sessions`)).status, 401, url);
    t.is((await fetch(`${url}/api/sessions`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200, url);
  }
});

function run(tool: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, tool), ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', DLG_TOKEN: TOKEN } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a PG from dlg-translate --emit pg -N 4 -i 2 --nodes <islands, nodes> runs unchanged through the master; a mismatched one is refused naming both', async (t) => {
  t.timeout(240_000);
  const e = await env();
  const host = (u: string) => u.replace('http://', '');
  const dir = tempRoot(t);
  const translate = async (nodes: string[], out: string) => {
    const r = await run('compiler/cli/dlg-translate.ts', [join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), '--emit', 'pg', '-N', '4', '-i', '2', '--nodes', nodes.join(','),
      '-p', 'Greetings.num_of_copies=12', '-p', 'Collect.num_of_inputs=12', '-o', join(dir, out)]);
    t.is(r.code, 0, r.stderr);
    return join(dir, out);
  };
  const dims = e.cluster.dims.map((d) => host(d.url));
  const nms = e.cluster.dims.flatMap((d) => d.nodes.map(host));
  const good = await translate([...dims, ...nms], 'pg.json');
  const ok = await run('engine/cli/dlg-deploy.ts', [good, '--url', e.cluster.mm, '--wait', '--poll-interval', '0.1', '--session-id', 'from-translate']);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stderr, /session FINISHED .* 28 completed/);
  const files = sessionFiles(dirsOf(await new ManagerClient(e.cluster.mm, { token: TOKEN }).sessionDir('from-translate')));
  t.is(files.get('count.txt')?.toString().trim(), '24');

  // Islands swapped: every drop's node is in the other island.
  const swapped = await translate([dims[1]!, dims[0]!, ...nms], 'swapped.json');
  const bad = await run('engine/cli/dlg-deploy.ts', [swapped, '--url', e.cluster.mm, '--session-id', 'swapped']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /is not a node of island .* \(its nodes: /);
  // Hosts of another deployment altogether: the graph's islands and the master's, side by side.
  const foreign = await translate(['10.0.0.1:8001', '10.0.0.2:8001', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'], 'foreign.json');
  const refused = await run('engine/cli/dlg-deploy.ts', [foreign, '--url', e.cluster.mm, '--session-id', 'foreign']);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /The graph's islands: 10\.0\.0\.1:8001, 10\.0\.0\.2:8001; this manager's island managers: /);
  t.true(dims.every((d) => refused.stderr.includes(d)), refused.stderr);
});
