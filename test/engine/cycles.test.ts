// A graph with a cycle is refused at append with a 400 naming the drops on it, even when an
// unrelated leaf would have let the old "there are leaves" check through (issue 8, item 7).

import test from 'ava';
import { findCycle } from '../../engine/session/cycles.ts';
import { SessionState, LinkType } from '../../engine/states.ts';
import { app, mem } from './session-harness.ts';
import { startNode } from './helpers.ts';
import { rawCall } from './http-raw.ts';

/** a → d1 → b → d2 → a, plus an unrelated app with a leaf output. */
const cyclicWithLeaf = () => [
  app('a', 'CopyApp', { inputs: ['d2'], outputs: ['d1'] }),
  mem('d1', { producers: ['a'], consumers: ['b'] }),
  app('b', 'CopyApp', { inputs: ['d1'], outputs: ['d2'] }),
  mem('d2', { producers: ['b'], consumers: ['a'] }),
  app('lonely', 'HelloWorldApp', { outputs: ['leaf'] }),
  mem('leaf', { producers: ['lonely'] }),
];

test('a cycle beside an unrelated leaf is refused at append with 400 naming the drops on it', async (t) => {
  const node = await startNode(t);
  await node.client.createSession('c');
  const r = await rawCall(node.port, 'POST', '/api/sessions/c/graph/append', { 'content-type': 'application/json' }, JSON.stringify(cyclicWithLeaf()));
  t.is(r.status, 400, r.text);
  t.is(r.json.type, 'InvalidGraphException');
  t.regex(r.json.args[0], /The drops form a cycle, so the graph could never finish: /);
  t.deepEqual([...r.json.args[1]].sort(), ['a', 'b', 'd1', 'd2']);
  t.is(await node.client.graphSize('c'), 0, 'nothing was kept');
  t.is(await node.client.sessionStatus('c'), SessionState.PRISTINE);
  // The session still takes a good graph afterwards.
  await node.client.append('c', cyclicWithLeaf().slice(4));
  t.is(await node.client.graphSize('c'), 2);
});

test('a cycle closed across two appends, or by graph/link, is refused too', async (t) => {
  const node = await startNode(t);
  await node.client.createSession('parts');
  await node.client.append('parts', [app('a', 'CopyApp', { outputs: ['d1'] }), mem('d1', { consumers: ['b'] }), app('b', 'CopyApp', { outputs: ['d2'] })]);
  const closing = rawCall(node.port, 'POST', '/api/sessions/parts/graph/append', { 'content-type': 'application/json' }, JSON.stringify([mem('d2', { consumers: ['a'] })]));
  t.is((await closing).status, 400);
  t.is(await node.client.graphSize('parts'), 3);

  await node.client.append('parts', [mem('d2')]);
  await node.client.link('parts', 'd2', 'a', LinkType.CONSUMER);
  const deploy = await rawCall(node.port, 'POST', '/api/sessions/parts/deploy');
  t.is(deploy.status, 400, deploy.text);
  t.regex(deploy.json.args[0], /cycle/);
  t.is(await node.client.sessionStatus('parts'), SessionState.BUILDING, 'nothing was started');
});

test('findCycle is linear: a 200 000-drop chain closed at its end is found, an open one passes', (t) => {
  const n = 200_000;
  const specs = Array.from({ length: n }, (_, i) => ({ oid: `d${i}`, categoryType: 'Data', consumers: i + 1 < n ? [`d${i + 1}`] : [] }));
  const index = new Map(specs.map((s, i) => [s.oid, i]));
  t.is(findCycle(specs, index), undefined);
  specs[n - 1]!.consumers = ['d0'];
  const found = findCycle(specs, index)!;
  t.is(found.cycle.length, n);
  t.is(found.involved, n);
  // A link to a drop this node does not hold (another node's) is not followed.
  t.is(findCycle([{ oid: 'x', categoryType: 'Data', consumers: ['elsewhere'] }], new Map([['x', 0]])), undefined);
});
