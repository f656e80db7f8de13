// The island and master manager routes of reference §7.4, §7.6 and §7.7: shapes, status codes,
// the 555/556 error mapping of §7.1, and a restarted island manager serving its nodes' sessions.
// Managers run in this process on loopback ports.

import test, { type ExecutionContext } from 'ava';
import { gunzipSync } from 'node:zlib';
import { waitForSession } from '../../engine/client/deploy.ts';
import { AppState, DropState, SessionState } from '../../kernel/states.ts';
import type { TestNode } from './helpers.ts';
import { type TestComposite, startComposite, startLinkedNode, waitFor } from './hierarchy-helpers.ts';

interface Answer {
  status: number;
  json: any;
  text: string;
  type: string;
}

async function call(base: string, method: string, path: string, body?: unknown, type = 'application/json'): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': type },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, type: res.headers.get('content-type') ?? '' };
}

const full = (n: TestNode) => `127.0.0.1:${n.port}:5555:6666`;
const short = (n: TestNode) => `127.0.0.1:${n.port}`;

function isError(t: ExecutionContext, a: Answer, status: number, type: string): void {
  t.is(a.status, status, a.text);
  t.is(a.json?.type, type, a.text);
}

/** hello (A) → greeting (B) → copy (A) → copied (B, a file). */
function twoNodeGraph(a: string, b: string, extra: Record<string, unknown> = {}): unknown[] {
  return [
    { oid: 'hello', categoryType: 'Application', dropclass: 'dlg.apps.simple.HelloWorldApp', greet: 'islands', outputs: ['greeting'], node: a, ...extra },
    { oid: 'greeting', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', consumers: ['copy'], node: b, ...extra },
    { oid: 'copy', categoryType: 'Application', dropclass: 'dlg.apps.simple.CopyApp', inputs: ['greeting'], outputs: ['copied'], node: a, ...extra },
    { oid: 'copied', categoryType: 'Data', dropclass: 'dlg.data.drops.file.FileDROP', filepath: 'copied.txt', node: b, ...extra },
    {},
  ];
}

test('island manager: every route answers with the reference shape; unknown node and session codes; 555/556', async (t) => {
  const a = await startLinkedNode(t);
  const b = await startLinkedNode(t);
  const dim = await startComposite(t, 'island', [short(a), short(b)]);
  const d = dim.url;

  const api = (await call(d, 'GET', '/api')).json;
  t.deepEqual(api.hosts, [full(a), full(b)]);
  t.deepEqual(api.sessionIds, []);
  t.deepEqual((await call(d, 'GET', '/api/nodes')).json, [full(a), full(b)]);

  // Adding and removing a node; one that does not answer makes forwarded calls 556.
  t.deepEqual((await call(d, 'POST', '/api/node/127.0.0.1:9')).json, { Status: 'Success' });
  t.true((await call(d, 'GET', '/api/nodes')).json.includes('127.0.0.1:9:5555:6666'));
  isError(t, await call(d, 'GET', '/api/node/127.0.0.1:9/sessions'), 556, 'RestClientException');
  t.deepEqual((await call(d, 'DELETE', '/api/node/127.0.0.1:9')).json, { Status: 'Success' });
  t.deepEqual((await call(d, 'GET', '/api/nodes')).json, [full(a), full(b)]);
  isError(t, await call(d, 'GET', '/api/node/10.9.9.9:8000/sessions'), 404, 'NoNodeException');

  // Sessions are created on every node; a node refusing makes it 555, listing that node, and nothing is left behind.
  t.deepEqual((await call(d, 'POST', '/api/sessions', { sessionId: 's1' })).json, { sessionId: 's1' });
  isError(t, await call(d, 'POST', '/api/sessions', { sessionId: 's1' }), 409, 'SessionAlreadyExistsException');
  await a.client.createSession('taken');
  const clash = await call(d, 'POST', '/api/sessions', { sessionId: 'taken' });
  isError(t, clash, 555, 'SubManagerException');
  t.deepEqual(Object.keys(clash.json.args), [full(a)]);
  t.is(clash.json.args[full(a)].type, 'SessionAlreadyExistsException');
  t.true(Array.isArray(clash.json.args[full(a)].args));
  t.false((await b.client.sessions()).some((s) => s.sessionId === 'taken'), 'rolled back on the other node');
  t.deepEqual((await call(d, 'GET', '/api')).json.sessionIds, ['s1']);

  t.deepEqual((await call(d, 'GET', '/api/sessions')).json, [{ sessionId: 's1', status: { [full(a)]: 0, [full(b)]: 0 }, size: 0 }]);
  const info = (await call(d, 'GET', '/api/sessions/s1')).json;
  t.deepEqual(info.status, { [full(a)]: 0, [full(b)]: 0 });
  t.deepEqual(info.graph, {});
  t.deepEqual(Object.keys(info.dir), [full(a), full(b)]);
  t.is(typeof info.dir[full(a)].dir, 'string');

  // Append: every drop needs a node of this manager.
  const noNode = await call(d, 'POST', '/api/sessions/s1/graph/append', [{ oid: 'x', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' }]);
  isError(t, noNode, 400, 'InvalidGraphException');
  t.regex(noNode.json.args[0], /Drop x doesn't specify a node attribute/);
  const foreign = await call(d, 'POST', '/api/sessions/s1/graph/append', twoNodeGraph(short(a), '10.1.1.1:8000'));
  isError(t, foreign, 400, 'InvalidGraphException');
  t.regex(foreign.json.args[0], /10\.1\.1\.1:8000 \(drops greeting, copied\) does not belong to this DM/);
  t.regex(foreign.json.args[0], new RegExp(`this manager's node managers: ${full(a)}, ${full(b)}`));
  t.is((await call(d, 'GET', '/api/sessions/s1/graph/size')).json, 0, 'nothing was appended');
  t.deepEqual((await call(d, 'POST', '/api/sessions/s1/graph/append', twoNodeGraph(short(a), short(b)))).json, { Status: 'Success' });
  t.is((await call(d, 'GET', '/api/sessions/s1/graph/size')).json, 4);
  t.deepEqual(Object.keys((await call(d, 'GET', '/api/sessions/s1/graph')).json).sort(), ['copied', 'copy', 'greeting', 'hello']);
  t.deepEqual((await call(d, 'GET', '/api/sessions/s1/status')).json, { [full(a)]: SessionState.BUILDING, [full(b)]: SessionState.BUILDING });
  t.is((await a.client.graphSize('s1')) + (await b.client.graphSize('s1')), 4, 'each node got its part');

  // Deploy: unknown completed drops are the reference's 555; then subscriptions, deploy everywhere, trigger.
  isError(t, await call(d, 'POST', '/api/sessions/s1/deploy', 'completed=nope', 'application/x-www-form-urlencoded'), 555, 'DaliugeException');
  t.deepEqual((await call(d, 'POST', '/api/sessions/s1/deploy', 'completed=hello', 'application/x-www-form-urlencoded')).json, { Status: 'Success' });
  t.is(await waitForSession(dim.client, 's1', { pollIntervalMs: 25 }), SessionState.FINISHED);
  t.deepEqual((await call(d, 'GET', '/api/sessions/s1/graph/status')).json, {
    hello: { status: DropState.COMPLETED, execStatus: AppState.FINISHED },
    greeting: { status: DropState.EXPIRED },
    copy: { status: DropState.COMPLETED, execStatus: AppState.FINISHED },
    copied: { status: DropState.COMPLETED },
  });
  t.deepEqual((await call(d, 'GET', '/api/sessions')).json, [{ sessionId: 's1', status: { [full(a)]: 4, [full(b)]: 4 }, size: 4 }]);
  const summary = (await call(d, 'GET', '/api/sessions/s1/graph/summary')).json;
  t.is(summary.total, 4);
  t.is(summary.status, SessionState.FINISHED);
  // The session dashboard's routes: the nodes' outlines and progress, merged.
  const outline = (await call(d, 'GET', '/api/sessions/s1/graph/outline')).json;
  t.is(outline.total, 4);
  t.is(outline.groups.reduce((n: number, g: { count: number }) => n + g.count, 0), 4);
  const progress = (await call(d, 'GET', '/api/sessions/s1/graph/progress')).json;
  t.is(progress.status, SessionState.FINISHED);
  t.is(progress.counts[DropState.COMPLETED] + progress.counts[DropState.EXPIRED], 4);

  // Forwarded node routes (§9 Q29: status works).
  const viaNode = (suffix: string) => call(d, 'GET', `/api/node/${full(a)}/sessions${suffix}`);
  t.deepEqual((await viaNode('')).json.map((s: any) => s.sessionId).sort(), ['s1', 'taken']);
  t.is((await viaNode('/s1/status')).json, SessionState.FINISHED);
  t.deepEqual(Object.keys((await viaNode('/s1/graph')).json).sort(), ['copy', 'hello']);
  t.deepEqual(Object.keys((await viaNode('/s1/graph/status')).json).sort(), ['copy', 'hello']);
  t.is((await viaNode('/s1')).json.status, SessionState.FINISHED);
  isError(t, await viaNode('/ghost/status'), 404, 'NoSessionException');

  // Drop logs and data come from the node holding the drop; logs are a tarball of every node's log.
  const dropInfo = (await call(d, 'GET', '/api/sessions/s1/graph/drop/copy')).json;
  t.deepEqual(Object.keys(dropInfo).sort(), ['logs', 'oid', 'session', 'status']);
  t.regex((await call(d, 'GET', '/api/sessions/s1/graph/drop/data/copied')).json.filepath, /copied\.txt$/);
  isError(t, await call(d, 'GET', '/api/sessions/s1/graph/drop/nope'), 404, 'NoDropException');
  const logs = await fetch(`${d}/api/sessions/s1/logs`);
  t.is(logs.headers.get('content-type'), 'application/x-tar');
  t.regex(logs.headers.get('content-disposition') ?? '', /filename="dlg_s1\.tar"/);
  const tar = gunzipSync(Buffer.from(await logs.arrayBuffer())).toString('latin1');
  t.is(tar.match(/dlg_127\.0\.0\.1_s1\.log/g)?.length, 2, 'one log per node');
  t.regex(tar, /session s1 is FINISHED/);
  isError(t, await call(d, 'GET', '/api/sessions/s1/repro/data'), 501, 'NotImplementedError');
  isError(t, await call(d, 'GET', '/api/sessions/s1/repro/status'), 501, 'NotImplementedError');

  // Unknown sessions: 404 everywhere (§9 Q27).
  for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['GET', '/status'], ['POST', '/deploy'], ['POST', '/cancel'], ['GET', '/graph'], ['GET', '/graph/size'], ['GET', '/graph/status'], ['GET', '/graph/summary'], ['POST', '/graph/append'], ['GET', '/logs'], ['GET', '/dir'], ['GET', '/graph/drop/x'], ['POST', '/subscriptions'], ['POST', '/trigger']] as const) {
    const r = await call(d, method, `/api/sessions/ghost${suffix}`, method === 'POST' ? '[]' : undefined);
    isError(t, r, 404, 'NoSessionException');
  }

  // Past sessions: directories with a dumped graph, once the session is gone.
  t.deepEqual((await call(d, 'GET', '/api/past_sessions')).json, []);
  t.deepEqual((await call(d, 'DELETE', '/api/sessions/s1')).json, { Status: 'Success' });
  t.deepEqual((await call(d, 'GET', '/api/past_sessions')).json, [{ sessionId: 's1' }]);
  t.deepEqual((await a.client.sessions()).map((s) => s.sessionId), ['taken'], 'deleted on the nodes');

  const page = await call(d, 'GET', '/');
  t.regex(page.type, /text\/html/);
  t.true(page.text.includes(full(a)) && page.text.includes('up'));
});

async function masterOverTwoIslands(t: ExecutionContext): Promise<{ nodes: TestNode[]; dims: TestComposite[]; mm: TestComposite }> {
  const nodes = [await startLinkedNode(t), await startLinkedNode(t), await startLinkedNode(t)];
  const dims = [await startComposite(t, 'island', [short(nodes[0]!), short(nodes[1]!)]), await startComposite(t, 'island', [short(nodes[2]!)])];
  const mm = await startComposite(t, 'master', dims.map((x) => x.address), { probeIntervalMs: 200 });
  // The master learns its islands' nodes from its probes.
  await waitFor('the master to know its nodes', async () => ((await mm.client.nodes()).length === 3 ? true : undefined));
  return { nodes, dims, mm };
}

test('master manager: islands, nodes as an object (§9 Q28), nested status, cross-island graphs, placement errors', async (t) => {
  const { nodes, dims, mm } = await masterOverTwoIslands(t);
  const m = mm.url;
  const dimFull = dims.map((x) => `${x.address}:5555:6666`);
  t.deepEqual((await call(m, 'GET', '/api/islands')).json, { islands: dimFull });
  t.deepEqual((await call(m, 'GET', '/api/nodes')).json, { nodes: nodes.map(full) });
  t.deepEqual((await call(m, 'POST', '/api/island/127.0.0.1:9')).json, { Status: 'Success' });
  t.deepEqual((await call(m, 'GET', '/api/islands')).json.islands, [...dimFull, '127.0.0.1:9:5555:6666']);
  t.deepEqual((await call(m, 'DELETE', '/api/island/127.0.0.1:9')).json, { Status: 'Success' });
  t.deepEqual((await call(m, 'GET', '/api/islands')).json, { islands: dimFull });
  t.deepEqual(Object.keys((await call(m, 'GET', '/api')).json).slice(0, 2), ['hosts', 'sessionIds']);

  // A graph across both islands: node 0 (island 0) and node 2 (island 1).
  const pg = twoNodeGraph(short(nodes[0]!), short(nodes[2]!)).map((s: any) =>
    s.oid ? { ...s, island: s.node === short(nodes[0]!) ? dims[0]!.address : dims[1]!.address } : s,
  );
  await mm.client.createSession('x');
  // Drops whose island is not the master's, or whose node is not in their island: 400, both lists named.
  const wrongIsland = await call(m, 'POST', '/api/sessions/x/graph/append', pg.map((s: any) => (s.oid === 'hello' ? { ...s, island: '10.0.0.7' } : s)));
  isError(t, wrongIsland, 400, 'InvalidGraphException');
  t.regex(wrongIsland.json.args[0], /island 10\.0\.0\.7 \(drops hello\) does not belong to this DM\. The graph's islands: 10\.0\.0\.7, .*; this manager's island managers: /);
  const wrongNode = await call(m, 'POST', '/api/sessions/x/graph/append', pg.map((s: any) => (s.oid === 'hello' ? { ...s, node: short(nodes[2]!) } : s)));
  isError(t, wrongNode, 400, 'InvalidGraphException');
  t.regex(wrongNode.json.args[0], /drop hello's node .* is not a node of island/);
  await mm.client.append('x', pg);
  await mm.client.deploy('x', ['hello']);
  t.is(await waitForSession(mm.client, 'x', { pollIntervalMs: 25 }), SessionState.FINISHED);
  t.deepEqual(await mm.client.sessionStatus('x'), {
    [dimFull[0]!]: { [full(nodes[0]!)]: 4, [full(nodes[1]!)]: 4 },
    [dimFull[1]!]: { [full(nodes[2]!)]: 4 },
  });
  t.is(await mm.client.graphSize('x'), 4);
  t.deepEqual(Object.keys(await mm.client.graphStatus('x')).sort(), ['copied', 'copy', 'greeting', 'hello']);
  t.is((await mm.client.graphStatus('x')).copied!.status, DropState.COMPLETED);
  t.is((await call(m, 'GET', `/api/node/${full(nodes[2]!)}/sessions/x/status`)).json, SessionState.FINISHED);
  const page = await call(m, 'GET', '/');
  t.true(page.text.includes(`/session?sessionId=x`), 'links to the node managers\' session pages');

  // Node managers of an island manager, through the master (§7.7).
  t.deepEqual((await call(m, 'POST', `/api/managers/${dims[1]!.address}/node/127.0.0.1:9`)).json, { Status: 'Success' });
  t.true((await dims[1]!.client.nodes()).includes('127.0.0.1:9:5555:6666'));
  t.deepEqual((await call(m, 'DELETE', `/api/managers/${dims[1]!.address}/node/127.0.0.1:9`)).json, { Status: 'Success' });
  t.deepEqual(await dims[1]!.client.nodes(), [full(nodes[2]!)]);
  isError(t, await call(m, 'GET', '/api/managers/127.0.0.1:9/node'), 556, 'RestClientException');
});

test('a restarted island manager serves the sessions its node managers hold', async (t) => {
  const a = await startLinkedNode(t);
  const b = await startLinkedNode(t);
  const first = await startComposite(t, 'island', [short(a), short(b)]);
  await first.client.createSession('r1');
  await first.client.append('r1', twoNodeGraph(short(a), short(b)));
  await first.client.deploy('r1', ['hello']);
  t.is(await waitForSession(first.client, 'r1', { pollIntervalMs: 25 }), SessionState.FINISHED);
  await first.close();

  const again = await startComposite(t, 'island', [short(a), short(b)], { probeIntervalMs: 100 });
  const listed = await waitFor('the sessions to be found', async () => {
    const l = await again.client.sessions();
    return l.length === 1 && Object.keys(l[0]!.status).length === 2 ? l : undefined;
  });
  t.deepEqual(listed, [{ sessionId: 'r1', status: { [full(a)]: 4, [full(b)]: 4 }, size: 4 }]);
  t.is(await waitForSession(again.client, 'r1'), SessionState.FINISHED);
  t.is(Object.keys(await again.client.graphStatus('r1')).length, 4);
  t.is((await again.client.graphStatus('r1')).copied!.status, DropState.COMPLETED);
  isError(t, await call(again.url, 'POST', '/api/sessions/r1/deploy', ''), 400, 'InvalidSessionState');
  // A session created on a node manager by someone else later is not this manager's.
  await a.client.createSession('not-ours');
  await new Promise((r) => setTimeout(r, 500));
  t.deepEqual((await again.client.sessions()).map((x) => x.sessionId), ['r1']);
  await again.client.deleteSession('r1');
  t.deepEqual((await a.client.sessions()).map((x) => x.sessionId), ['not-ours'], 'r1 deleted on the node, the other left alone');
});

const SLEEPER = (oid: string, node: string, island: string) => [
  { oid, categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: 'exec sleep 120', outputs: [`${oid}-out`], node, island },
  { oid: `${oid}-out`, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', node, island },
];

test('a master that loses an island manager fails the session and cancels that island\'s nodes itself', async (t) => {
  const nodes = [await startLinkedNode(t), await startLinkedNode(t)];
  const dims = [await startComposite(t, 'island', [short(nodes[0]!)]), await startComposite(t, 'island', [short(nodes[1]!)])];
  const mm = await startComposite(t, 'master', dims.map((x) => x.address), { probeIntervalMs: 200, probeDeadlineMs: 10_000 });
  // The closed island is found by its refused port within a probe or two; the long deadline only
  // keeps a slow answer from the other island, on a loaded machine, from counting as a loss.
  await waitFor('the master to know its nodes', async () => ((await mm.client.nodes()).length === 2 ? true : undefined));
  await mm.client.createSession('gone');
  await mm.client.append('gone', [...SLEEPER('s0', short(nodes[0]!), dims[0]!.address), ...SLEEPER('s1', short(nodes[1]!), dims[1]!.address), {}]);
  await mm.client.deploy('gone', ['s0', 's1']);
  await waitFor('both sleepers to run', async () => ((await nodes[0]!.client.sessionStatus('gone')) === SessionState.RUNNING && (await nodes[1]!.client.sessionStatus('gone')) === SessionState.RUNNING ? true : undefined));
  await dims[0]!.close();
  t.is(await waitForSession(mm.client, 'gone', { pollIntervalMs: 50 }), SessionState.FAILED);
  const status = (await mm.client.sessionStatus('gone')) as Record<string, unknown>;
  t.is(status[`${dims[0]!.address}:5555:6666`], SessionState.FAILED);
  t.deepEqual(status[`${dims[1]!.address}:5555:6666`], { [full(nodes[1]!)]: SessionState.CANCELLED });
  t.is(await waitFor('the orphaned node to be cancelled', async () => ((await nodes[0]!.client.sessionStatus('gone')) === SessionState.CANCELLED ? true : undefined)), true);
  const drops = await mm.client.graphStatus('gone');
  t.is(drops.s0!.status, DropState.ERROR, 'the lost island\'s drops are ERROR');
  t.is(drops.s1!.status, DropState.CANCELLED);
  t.deepEqual((await mm.client.graphSummary('gone') as { lost?: string[] }).lost, [`${dims[0]!.address}:5555:6666`]);
});

test('a node manager that lost the session (it restarted) makes the session fail', async (t) => {
  const a = await startLinkedNode(t);
  const b = await startLinkedNode(t);
  const dim = await startComposite(t, 'island', [short(a), short(b)]);
  await dim.client.createSession('amnesia');
  await dim.client.append('amnesia', [...SLEEPER('s0', short(a), ''), ...SLEEPER('s1', short(b), ''), {}]);
  await dim.client.deploy('amnesia', ['s0', 's1']);
  await a.client.deleteSession('amnesia');
  t.is(await waitForSession(dim.client, 'amnesia', { pollIntervalMs: 50 }), SessionState.FAILED);
  t.deepEqual(await dim.client.sessionStatus('amnesia'), { [full(a)]: SessionState.FAILED, [full(b)]: SessionState.CANCELLED });
});
