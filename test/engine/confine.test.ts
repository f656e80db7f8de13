// Paths the engine opens are confined to the session directory and the --data-dir
// directories (issue 8, item 4): refused at append with a 400 naming drop and path, never
// written, never served, symlinks included.

import test from 'ava';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DropState, SessionState } from '../../engine/states.ts';
import { EngineError } from '../../engine/errors.ts';
import { app, bash, deploy, file, nodeManager, run, statusOf } from './session-harness.ts';
import { startNode, tempRoot } from './helpers.ts';
import { rawCall } from './http-raw.ts';

const hello = (oid: string, out: string) => app(oid, 'HelloWorldApp', { greet: 'x', outputs: [out] });

test('FileDROPs outside the session directory are refused at append with 400 naming drop and path', async (t) => {
  const node = await startNode(t);
  const outside = join(tempRoot(t), 'x');
  await node.client.createSession('s');
  const graph = [
    hello('a', 'abs'),
    file('abs', outside, { producers: ['a'] }),
    hello('b', 'up'),
    file('up', '../../escaped.txt', { producers: ['b'] }),
    file('byuid', '{uid}.txt', { uid: '../../../by-uid' }),
    file('fine', 'sub/fine.txt'),
  ];
  const r = await rawCall(node.port, 'POST', '/api/sessions/s/graph/append', { 'content-type': 'application/json' }, JSON.stringify(graph));
  t.is(r.status, 400, r.text);
  t.is(r.json.type, 'InvalidGraphException');
  const problems: string[] = r.json.args[1];
  t.is(problems.length, 3, JSON.stringify(problems));
  t.regex(problems.find((p) => p.startsWith('abs '))!, new RegExp(`path ${outside} is outside the session directory`));
  t.regex(problems.find((p) => p.startsWith('up '))!, /escaped\.txt is outside/);
  t.regex(problems.find((p) => p.startsWith('byuid '))!, /by-uid\.txt is outside/);
  t.is(await node.client.graphSize('s'), 0, 'nothing of the graph was kept');
  t.is(await node.client.sessionStatus('s'), SessionState.PRISTINE);
  t.false(existsSync(outside));
  t.false(existsSync(join(node.root, 'escaped.txt')));
});

test('--data-dir directories may be read and written; a FileDROP named by /etc/passwd may not', async (t) => {
  const data = tempRoot(t);
  writeFileSync(join(data, 'input.txt'), 'measurement set');
  const nm = nodeManager(t, 2, [data]);
  const { session, status } = await run(nm, [
    file('in', join(data, 'input.txt')),
    app('copy', 'CopyApp', { inputs: ['in'], outputs: ['out'] }),
    file('out', join(data, 'results/out.txt')),
  ]);
  t.is(status, SessionState.FINISHED);
  t.is(readFileSync(join(data, 'results/out.txt'), 'utf8'), 'measurement set');
  t.is(session.dropFilepath('out'), join(data, 'results/out.txt'));

  const err = t.throws(() => deploy(nm, [file('passwd', '/etc/passwd')]), { instanceOf: EngineError });
  t.regex(JSON.stringify(err!.args), /passwd \(dlg\.data\.drops\.file\.FileDROP\): path \/etc\/passwd is outside/);
});

test('a path named through a producer is checked at deploy: the drop fails, nothing is written', async (t) => {
  const nm = nodeManager(t);
  const target = join(tempRoot(t), 'via-producer.txt');
  const s = deploy(nm, [
    app('p', 'HelloWorldApp', { greet: 'x', outputs: ['f'], outname: target }),
    file('f', '', { producers: ['p'], port_map: { filepath: 'outname' } }),
  ]);
  t.is(s.status, SessionState.FAILED);
  t.is(statusOf(s, 'f'), DropState.ERROR);
  t.regex(s.dropLogs('f').map((l) => l.Message).join(), new RegExp(`${target} is outside`));
  t.false(existsSync(target));
});

test('symbolic links: no write through a linked directory, no download of a linked file', async (t) => {
  const node = await startNode(t);
  const elsewhere = tempRoot(t);
  // A bash app links a file to /etc/passwd; the FileDROP naming the link completes, but the
  // download route refuses it.
  await node.client.createSession('links');
  await node.client.append('links', [
    bash('ln', 'ln -s /etc/passwd {link}', { outputs: ['link'], applicationArgs: { link: { value: '', encoding: 'path' } } }),
    file('link', 'link.txt', { producers: ['ln'] }),
  ]);
  await node.client.deploy('links', ['ln']);
  for (let i = 0; i < 200 && (await node.client.sessionStatus('links')) === SessionState.RUNNING; i++) await new Promise((r) => setTimeout(r, 25));
  const served = await rawCall(node.port, 'GET', '/sessions/links/graph/drop/data/link');
  t.is(served.status, 403, served.text);
  t.false(served.text.includes('root:'), 'not one byte of /etc/passwd');
  t.regex(served.json.args[0], /link: .*link\.txt.*outside the session directory/);

  // A directory in the session directory that links elsewhere: CopyApp's write is refused.
  const nm = nodeManager(t);
  const s = nm.openSession('linked-dir');
  mkdirSync(s.sessionDir, { recursive: true });
  symlinkSync(elsewhere, join(s.sessionDir, 'sub'));
  s.addGraphSpec([hello('h', 'f'), file('f', 'sub/out.txt', { producers: ['h'] })]);
  s.deploy('roots');
  t.is(await s.whenFinished(), SessionState.FAILED);
  t.is(statusOf(s, 'h'), DropState.ERROR);
  t.regex(s.dropLogs('h').map((l) => l.Message).join(), /through a symbolic link/);
  t.false(existsSync(join(elsewhere, 'out.txt')));
});

test('the download route serves confined files and 404s drops without one', async (t) => {
  const node = await startNode(t);
  await node.client.createSession('dl');
  await node.client.append('dl', [hello('h', 'f'), file('f', 'hello.txt', { producers: ['h'] })]);
  await node.client.deploy('dl', ['h']);
  for (let i = 0; i < 200 && (await node.client.sessionStatus('dl')) === SessionState.RUNNING; i++) await new Promise((r) => setTimeout(r, 25));
  const ok = await rawCall(node.port, 'GET', '/sessions/dl/graph/drop/data/f');
  t.is(ok.status, 200);
  t.is(ok.text, 'Hello x');
  const none = await rawCall(node.port, 'GET', '/sessions/dl/graph/drop/data/h');
  t.is(none.status, 404);
  t.is(none.json.type, 'NoData');
});
