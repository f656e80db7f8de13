// Between node managers: events are batched, sent in order, retried (same batch number) after
// transient failures and applied once by the receiver; the island manager's record of the
// relations that cross nodes (reference §7.9, with §9 Q32's mixed lists handled).

import test from 'ava';
import Fastify from 'fastify';
import { GraphIndex } from '../../engine/managers/composite/graph-index.ts';
import { HttpPeerLink } from '../../engine/managers/node/event-sink.ts';
import { LinkType, DropState, SessionState } from '../../engine/states.ts';
import { startLinkedNode, waitFor } from './hierarchy-helpers.ts';

test('events are batched per peer, ordered, and retried with the same batch number after 5xx', async (t) => {
  const got: { sender: string; seq: number; uids: string[]; answered: number }[] = [];
  let failures = 2;
  const app = Fastify();
  app.post('/api/sessions/:id/events', async (req, reply) => {
    const answered = failures-- > 0 ? 503 : 200;
    got.push({ sender: String(req.headers['x-dlg-sender']), seq: Number(req.headers['x-dlg-seq']), uids: (req.body as { uid: string }[]).map((e) => e.uid), answered });
    return reply.code(answered).send({});
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const peer = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const errors: string[] = [];
  const link = new HttpPeerLink((m) => errors.push(m));
  for (const uid of ['a', 'b', 'c']) link.send(peer, 's', { type: 'dropCompleted', uid, status: DropState.COMPLETED });
  await link.drained('s');
  link.send(peer, 's', { type: 'dropCompleted', uid: 'd', status: DropState.COMPLETED });
  link.send(peer, 's', { type: 'dropCompleted', uid: 'e', status: DropState.COMPLETED });
  await link.drained('s');
  t.deepEqual(
    got.map((g) => [g.seq, g.uids.join(''), g.answered]),
    [
      [1, 'abc', 503],
      [1, 'abc', 503],
      [1, 'abc', 200],
      [2, 'de', 200],
    ],
  );
  t.is(new Set(got.map((g) => g.sender)).size, 1);
  t.is(link.stats.retries, 2);
  t.is(link.stats.eventsSent, 5);
  t.deepEqual(errors, []);
});

test('a refused batch (4xx) is reported and not retried; forget stops a session\'s queue', async (t) => {
  let calls = 0;
  const app = Fastify();
  app.post('/api/sessions/:id/events', async (_req, reply) => {
    calls++;
    return reply.code(404).send({ type: 'NoSessionException', args: ['s'] });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const errors: string[] = [];
  const link = new HttpPeerLink((m) => errors.push(m));
  link.send(`127.0.0.1:${(app.server.address() as { port: number }).port}`, 's', { type: 'dropCompleted', uid: 'a', status: 2 });
  await link.drained('s');
  t.is(calls, 1);
  t.regex(errors[0]!, /1 event\(s\) refused .* HTTP 404/);
  // Nothing listens on port 9: retries go on until the session is forgotten.
  link.send('127.0.0.1:9', 'gone', { type: 'dropCompleted', uid: 'a', status: 2 });
  const drained = link.drained('gone');
  await waitFor('a retry', () => (link.stats.retries > 0 ? true : undefined));
  link.forget('gone');
  await drained;
  t.pass();
});

test('a node applies a batch once, and repeated events change nothing', async (t) => {
  const node = await startLinkedNode(t);
  const id = 'dup';
  await node.client.createSession(id);
  // d is written and completed by p, an app on another node; c copies d here.
  await node.client.append(id, [
    { oid: 'd', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', producers: ['p'], consumers: ['c'], expireAfterUse: false },
    { oid: 'c', categoryType: 'Application', dropclass: 'dlg.apps.simple.CopyApp', inputs: ['d'], outputs: ['out'] },
    { oid: 'out', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
  ]);
  await node.client.subscriptions(id, { '127.0.0.1:9': [['p', LinkType.PRODUCER, 'd']] });
  await node.client.deploy(id);
  const batch = JSON.stringify([
    { type: 'write', uid: 'd', status: 0, data: Buffer.from('abc').toString('base64') },
    { type: 'producerFinished', uid: 'p', status: DropState.COMPLETED, execStatus: 2 },
  ]);
  const post = (seq: number) =>
    fetch(`${node.url}/api/sessions/${id}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dlg-sender': 'peer-1', 'x-dlg-seq': String(seq) }, body: batch });
  t.is((await post(1)).status, 200);
  t.is((await post(1)).status, 200, 'a retried batch is acknowledged');
  t.is((await post(2)).status, 200, 'the same events in a new batch');
  await waitFor('the session to finish', async () => ((await node.client.sessionStatus(id)) === SessionState.FINISHED ? true : undefined));
  const data = await fetch(`${node.url}/api/sessions/${id}/drops/d/data`);
  t.is(await data.text(), 'abc', 'written once');
  t.is(data.headers.get('x-dlg-kind'), 'memory');
  const out = await fetch(`${node.url}/api/sessions/${id}/drops/out/data`);
  t.is(await out.text(), 'abc');
  const logs = (await node.client.dropLogs(id, 'd')).logs.map((l) => l.Message).join('\n');
  t.notRegex(logs, /more producers reported/, 'the producer counted once');
  t.deepEqual(await node.client.graphStatus(id), { d: { status: DropState.COMPLETED }, c: { status: DropState.COMPLETED, execStatus: 2 }, out: { status: DropState.COMPLETED } });
  // Data of a drop that does not exist, or is not complete yet, is refused with the usual codes.
  t.is((await fetch(`${node.url}/api/sessions/${id}/drops/nope/data`)).status, 404);
});

test('the relations crossing nodes are recorded once each, by uid, whatever the list forms (§9 Q32)', (t) => {
  const index = new GraphIndex();
  const specs = [
    { oid: 'a', categoryType: 'Application', outputs: [{ d: 'port' }, 'e'] },
    { oid: 'd', uid: 'D', categoryType: 'Data', producers: ['a'], consumers: [{ c: 'x' }, 'c2'] },
    { oid: 'e', categoryType: 'Data', producers: [{ a: 'port' }] },
    { oid: 'c', categoryType: 'Application', inputs: ['d'] },
  ];
  index.add(specs, ['n1', 'n2', 'n1', 'n1'], ['n1', 'n2', 'n1', 'n1']);
  // c2 arrives in a later append, on a third node.
  index.add([{ oid: 'c2', categoryType: 'Application', inputs: [{ d: 'in' }] }], ['n3'], ['n3']);
  index.resolvePending();
  t.deepEqual(index.subscriptionsFor('n1'), { n2: [['D', LinkType.OUTPUT, 'a'], ['c', LinkType.CONSUMER, 'D']] });
  t.deepEqual(index.subscriptionsFor('n2'), {
    n1: [['D', LinkType.OUTPUT, 'a'], ['c', LinkType.CONSUMER, 'D']],
    n3: [['D', LinkType.INPUT, 'c2']],
  });
  t.deepEqual(index.subscriptionsFor('n3'), { n2: [['D', LinkType.INPUT, 'c2']] });
  t.is(index.childOfDrop('D'), 'n2');
  t.is(index.childOfDrop('d'), 'n2');
  t.is(index.countOn('n1'), 3);
  t.deepEqual([...index.dropsOn('n1')], [['a', true], ['e', false], ['c', true]]);
});
