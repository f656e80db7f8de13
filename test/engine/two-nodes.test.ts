// Two node managers sharing one graph, wired as a data island manager would do it
// (reference §7.9): split by node, subscriptions, deploy everywhere, then trigger the roots.
// Events cross between the nodes over our JSON event route.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpEventSink } from '../../engine/managers/node/event-sink.ts';
import { LinkType, SessionState, DropState } from '../../kernel/states.ts';
import { startNode } from './helpers.ts';
import { waitForSession } from '../../engine/client/deploy.ts';

test('a graph split over two node managers runs end to end through subscriptions and trigger', async (t) => {
  const a = await startNode(t, { remote: new HttpEventSink(() => {}) });
  const b = await startNode(t, { remote: new HttpEventSink(() => {}) });
  const nodeA = `127.0.0.1:${a.port}`;
  const nodeB = `127.0.0.1:${b.port}`;
  // hello (A) → greeting (A) → copy (B) → copied (B, a file)
  const partA = [
    { oid: 'hello', categoryType: 'Application', dropclass: 'dlg.apps.simple.HelloWorldApp', greet: 'islands', outputs: ['greeting'], node: nodeA },
    { oid: 'greeting', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', persist: true, consumers: ['copy'], node: nodeA },
    {},
  ];
  const partB = [
    { oid: 'copy', categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: 'echo remote > {out}', inputs: ['greeting'], outputs: [{ copied: 'out' }], applicationArgs: { out: { value: '', encoding: 'path', usage: 'OutputPort' } }, node: nodeB },
    { oid: 'copied', categoryType: 'Data', dropclass: 'dlg.data.drops.file.FileDROP', filepath: 'copied.txt', node: nodeB },
    {},
  ];
  const id = 'split';
  for (const n of [a, b]) await n.client.createSession(id);
  await a.client.append(id, partA);
  await b.client.append(id, partB);
  // (missing oid, relation of the list it was found in, local oid), indexed under both nodes.
  const rel: [string, number, string] = ['copy', LinkType.CONSUMER, 'greeting'];
  await a.client.subscriptions(id, { [nodeB]: [rel] });
  await b.client.subscriptions(id, { [nodeA]: [rel] });
  await a.client.deploy(id);
  await b.client.deploy(id);
  await a.client.trigger(id, ['hello']);

  t.is(await waitForSession(b.client, id, { pollIntervalMs: 25 }), SessionState.FINISHED);
  t.is(await waitForSession(a.client, id, { pollIntervalMs: 25 }), SessionState.FINISHED);
  const dir = (await b.client.sessionDir(id)).dir;
  t.is(readFileSync(join(dir, 'copied.txt'), 'utf8'), 'remote\n');
  const statusB = await b.client.graphStatus(id);
  t.deepEqual(Object.keys(statusB).sort(), ['copied', 'copy'], 'proxies are not part of the graph');
  t.is(statusB.copied!.status, DropState.COMPLETED);
});
