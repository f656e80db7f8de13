// The node manager REST API, route by route: paths, bodies, status codes, integer enums,
// {"type", "args"} errors and CORS headers (reference §7.1-§7.5), plus the bad requests that
// must get a 4xx JSON answer and leave the server serving.

import test from 'ava';
import { request } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { AppState, DropState, LinkType, SessionState } from '../../engine/states.ts';
import { fixture, startNode, type TestNode } from './helpers.ts';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function call(node: TestNode, method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(node.url + path, { method, body: init.body, headers: init.headers });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const post = (node: TestNode, path: string, body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
  call(node, 'POST', path, { body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), headers });

function isErrorBody(t: any, a: Answer, status: number, type: string): void {
  t.is(a.status, status, a.text);
  t.is(a.json?.type, type, a.text);
  t.true(Array.isArray(a.json?.args), 'args is a list');
  t.regex(a.headers.get('content-type') ?? '', /application\/json/);
}

const SLEEPY = [
  { oid: 'sleep', categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: 'sleep 30', outputs: ['slept'] },
  { oid: 'slept', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
];

async function waitStatus(node: TestNode, id: string, want: number): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const s = (await call(node, 'GET', `/api/sessions/${id}/status`)).json;
    if (s === want) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  return (await call(node, 'GET', `/api/sessions/${id}/status`)).json;
}

test('session lifecycle: create, list, inspect, append, deploy, graph routes, delete', async (t) => {
  const node = await startNode(t);
  const created = await post(node, '/api/sessions', { sessionId: 's1' });
  t.is(created.status, 200);
  t.deepEqual(created.json, { sessionId: 's1' });
  isErrorBody(t, await post(node, '/api/sessions', { sessionId: 's1' }), 409, 'SessionAlreadyExistsException');

  t.deepEqual((await call(node, 'GET', '/api/sessions')).json, [{ sessionId: 's1', status: SessionState.PRISTINE, size: 0 }]);
  t.deepEqual((await call(node, 'GET', '/api')).json, { sessions: [{ sessionId: 's1', status: SessionState.PRISTINE, size: 0 }] });
  const info = (await call(node, 'GET', '/api/sessions/s1')).json;
  t.is(info.status, SessionState.PRISTINE);
  t.deepEqual(info.graph, {});
  t.is(typeof info.dir.dir, 'string');
  t.deepEqual((await call(node, 'GET', '/api/sessions/s1/dir')).json, info.dir);
  t.is((await call(node, 'GET', '/api/sessions/s1/status')).json, SessionState.PRISTINE);

  const pg = fixture('hello-world.pg.json');
  const appended = await post(node, '/api/sessions/s1/graph/append', pg);
  t.is(appended.status, 200);
  t.deepEqual(appended.json, { Status: 'Success' });
  t.is((await call(node, 'GET', '/api/sessions/s1/status')).json, SessionState.BUILDING);
  t.is((await call(node, 'GET', '/api/sessions/s1/graph/size')).json, 2);
  const graph = (await call(node, 'GET', '/api/sessions/s1/graph')).json;
  t.deepEqual(Object.keys(graph).sort(), ['hello-app', 'hello-file']);
  t.is(graph['hello-app'].greet, 'Everybody');
  isErrorBody(t, await call(node, 'GET', '/api/sessions/s1/graph/status'), 400, 'InvalidSessionState');

  const deployed = await post(node, '/api/sessions/s1/deploy', 'completed=hello-app', { 'content-type': 'application/x-www-form-urlencoded' });
  t.deepEqual(deployed.json, { Status: 'Success' });
  t.is(await waitStatus(node, 's1', SessionState.FINISHED), SessionState.FINISHED);
  t.deepEqual((await call(node, 'GET', '/api/sessions/s1/graph/status')).json, {
    'hello-app': { status: DropState.COMPLETED, execStatus: AppState.FINISHED },
    'hello-file': { status: DropState.COMPLETED },
  });
  const summary = (await call(node, 'GET', '/api/sessions/s1/graph/summary')).json;
  t.is(summary.total, 2);
  t.is(summary.counts[DropState.COMPLETED], 2);

  isErrorBody(t, await post(node, '/api/sessions/s1/deploy', ''), 400, 'InvalidSessionState');
  isErrorBody(t, await post(node, '/api/sessions/s1/graph/append', pg), 400, 'InvalidSessionState');
  isErrorBody(t, await post(node, '/api/sessions/s1/cancel', ''), 400, 'InvalidSessionState');

  t.is((await call(node, 'GET', '/api/sessions/s1/repro/status')).json, true);
  t.deepEqual((await call(node, 'GET', '/api/sessions/s1/repro/data')).json, { graph, reprodata: {} });

  const log = await call(node, 'GET', '/api/sessions/s1/logs');
  t.is(log.status, 200);
  t.regex(log.headers.get('content-disposition') ?? '', /filename="dlg_.*_s1\.log"/);
  t.regex(log.text, /session s1 is FINISHED/);

  const drop = (await call(node, 'GET', '/api/sessions/s1/graph/drop/hello-file')).json;
  t.deepEqual(Object.keys(drop).sort(), ['logs', 'oid', 'session', 'status']);
  t.is(drop.oid, 'hello-file');
  t.is(drop.session, 's1');
  t.is(drop.status, SessionState.FINISHED);
  t.deepEqual(drop.logs, []);
  t.deepEqual((await call(node, 'GET', '/api/sessions/s1/graph/drop/data/hello-file')).json, { filepath: `${info.dir.dir}/hello.txt` });
  t.deepEqual((await call(node, 'GET', '/api/sessions/s1/graph/drop/data/hello-app')).json, { filepath: '' });
  isErrorBody(t, await call(node, 'GET', '/api/sessions/s1/graph/drop/nope'), 404, 'NoDropException');

  t.deepEqual((await call(node, 'DELETE', '/api/sessions/s1')).json, { Status: 'Success' });
  isErrorBody(t, await call(node, 'GET', '/api/sessions/s1'), 404, 'NoSessionException');
  t.deepEqual((await call(node, 'GET', '/api/sessions')).json, []);
});

test('an unknown session is 404 NoSessionException on every session route', async (t) => {
  const node = await startNode(t);
  const routes: [string, string][] = [
    ['GET', ''],
    ['DELETE', ''],
    ['GET', '/status'],
    ['POST', '/deploy'],
    ['POST', '/cancel'],
    ['GET', '/graph'],
    ['GET', '/graph/size'],
    ['GET', '/graph/status'],
    ['GET', '/graph/summary'],
    ['POST', '/graph/append'],
    ['GET', '/repro/data'],
    ['GET', '/repro/status'],
    ['GET', '/logs'],
    ['GET', '/dir'],
    ['GET', '/graph/drop/x'],
    ['GET', '/graph/drop/data/x'],
    ['POST', '/graph/link'],
    ['POST', '/subscriptions'],
    ['POST', '/trigger'],
  ];
  for (const [method, suffix] of routes) {
    const a = await call(node, method, `/api/sessions/ghost${suffix}`, method === 'POST' ? { body: '[]', headers: JSON_HEADERS } : {});
    isErrorBody(t, a, 404, 'NoSessionException');
    t.is(a.json.args[0], 'ghost', `${method} ${suffix}`);
  }
});

test('bad session ids and bad create bodies are 400', async (t) => {
  const node = await startNode(t);
  isErrorBody(t, await post(node, '/api/sessions', { sessionId: '../escape' }), 400, 'InvalidSessionId');
  isErrorBody(t, await post(node, '/api/sessions', { sessionId: '' }), 400, 'InvalidSessionId');
  isErrorBody(t, await post(node, '/api/sessions', { session: 'x' }), 400, 'BadRequest');
  isErrorBody(t, await post(node, '/api/sessions', '{"sessionId": '), 400, 'BadRequest');
  isErrorBody(t, await post(node, '/api/sessions', ''), 400, 'BadRequest');
  t.is((await call(node, 'GET', '/api/sessions')).status, 200, 'still serving');
});

test('graph append: content types, encodings, chunked bodies and invalid graphs', async (t) => {
  const node = await startNode(t, { maxBodyBytes: 64 * 1024 });
  const pg = fixture('hello-world.pg.json');
  const body = JSON.stringify(pg);
  let n = 0;
  const fresh = async () => {
    const id = `g${++n}`;
    await post(node, '/api/sessions', { sessionId: id });
    return `/api/sessions/${id}/graph/append`;
  };

  const wrongType = await post(node, await fresh(), body, { 'content-type': 'text/html' });
  isErrorBody(t, wrongType, 415, 'UnsupportedMediaType');
  t.is((await post(node, await fresh(), body, { 'content-type': 'text/plain' })).status, 200, 'text/plain is accepted');
  isErrorBody(t, await post(node, await fresh(), '[{"oid": ', JSON_HEADERS), 400, 'BadRequest');
  isErrorBody(t, await post(node, await fresh(), '{"not": "a list"}', JSON_HEADERS), 400, 'InvalidGraphException');

  // DALiuGE's client: zlib data labelled gzip. Also real gzip, and deflate.
  const zlibbed = await post(node, await fresh(), deflateSync(body), { ...JSON_HEADERS, 'content-encoding': 'gzip' });
  t.deepEqual(zlibbed.json, { Status: 'Success' });
  t.is((await post(node, await fresh(), gzipSync(body), { ...JSON_HEADERS, 'content-encoding': 'gzip' })).status, 200);
  t.is((await post(node, await fresh(), deflateSync(body), { ...JSON_HEADERS, 'content-encoding': 'deflate' })).status, 200);
  isErrorBody(t, await post(node, await fresh(), Buffer.from('not compressed at all'), { ...JSON_HEADERS, 'content-encoding': 'gzip' }), 400, 'BadRequest');
  isErrorBody(t, await post(node, await fresh(), body, { ...JSON_HEADERS, 'content-encoding': 'br' }), 415, 'UnsupportedMediaType');

  // Chunked transfer encoding, as the Python client streams.
  const path = await fresh();
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(node.url + path, { method: 'POST', headers: { ...JSON_HEADERS, 'content-encoding': 'gzip', 'transfer-encoding': 'chunked' } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', reject);
    const z = deflateSync(body);
    for (let i = 0; i < z.length; i += 7) req.write(z.subarray(i, i + 7));
    req.end();
  });
  t.is(chunked.status, 200, chunked.body);
  t.is((await call(node, 'GET', path.replace('/graph/append', '/graph/size'))).json, 2);

  // Oversized: on the wire, and after decompression (a small "zip bomb").
  isErrorBody(t, await post(node, await fresh(), ' '.repeat(70 * 1024) + body, JSON_HEADERS), 413, 'PayloadTooLarge');
  isErrorBody(t, await post(node, await fresh(), deflateSync(' '.repeat(1024 * 1024) + body), { ...JSON_HEADERS, 'content-encoding': 'gzip' }), 413, 'PayloadTooLarge');

  // Duplicates, missing keys.
  const dup = await post(node, await fresh(), [...pg.slice(0, 2), pg[0]]);
  isErrorBody(t, dup, 400, 'InvalidGraphException');
  t.regex(dup.json.args[0], /hello-app: a drop with this oid already exists/);
  const p2 = await fresh();
  t.is((await post(node, p2, pg)).status, 200);
  isErrorBody(t, await post(node, p2, pg), 400, 'InvalidGraphException');
  isErrorBody(t, await post(node, await fresh(), [{ categoryType: 'Data' }, { oid: 'x' }]), 400, 'InvalidGraphException');
  isErrorBody(t, await post(node, await fresh(), [{ oid: 'x', categoryType: 'Service' }]), 400, 'InvalidGraphException');

  t.is((await call(node, 'GET', '/api/sessions')).status, 200, 'still serving after every bad request');
});

test('a graph with classes the engine does not implement is refused with 400 listing each drop', async (t) => {
  const node = await startNode(t);
  await post(node, '/api/sessions', { sessionId: 'py' });
  const pg = [
    ...fixture('hello-world.pg.json').slice(0, 2),
    { oid: 'f1', categoryType: 'Application', dropclass: 'dlg.apps.dynlib.DynlibApp' },
    { oid: 'f2', categoryType: 'Application', dropclass: 'dlg.apps.dynlib.DynlibApp' },
    { oid: 'dock', categoryType: 'Application', dropclass: 'dlg.apps.dockerapp.DockerApp' },
    { oid: 'ngas', categoryType: 'data', storage: 'NGAS' },
    {},
  ];
  const a = await post(node, '/api/sessions/py/graph/append', pg);
  isErrorBody(t, a, 400, 'InvalidGraphException');
  t.deepEqual(a.json.args[1], [
    { oid: 'f1', class: 'dlg.apps.dynlib.DynlibApp' },
    { oid: 'f2', class: 'dlg.apps.dynlib.DynlibApp' },
    { oid: 'dock', class: 'dlg.apps.dockerapp.DockerApp' },
    { oid: 'ngas', class: 'dlg.data.drops.ngas.NgasDROP' },
  ]);
  t.regex(a.json.args[0], /dlg\.apps\.dynlib\.DynlibApp \(f1, f2\)/);
  t.is((await call(node, 'GET', '/api/sessions/py/graph/size')).json, 0, 'nothing was added');
  t.is((await call(node, 'GET', '/api/sessions/py/status')).json, SessionState.PRISTINE);
});

test('deploy: empty sessions finish at once, completed lists are checked, the query form works too', async (t) => {
  const node = await startNode(t);
  await post(node, '/api/sessions', { sessionId: 'empty' });
  isErrorBody(t, await post(node, '/api/sessions/empty/deploy', 'completed=x', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'InvalidGraphException');
  t.is((await post(node, '/api/sessions/empty/deploy', '')).status, 200);
  t.is((await call(node, 'GET', '/api/sessions/empty/status')).json, SessionState.FINISHED);

  await post(node, '/api/sessions', { sessionId: 'q' });
  await post(node, '/api/sessions/q/graph/append', fixture('hello-world.pg.json'));
  isErrorBody(t, await post(node, '/api/sessions/q/deploy?completed=nope', ''), 400, 'InvalidGraphException');
  t.is((await post(node, '/api/sessions/q/deploy?completed=hello-app', '')).status, 200);
  t.is(await waitStatus(node, 'q', SessionState.FINISHED), SessionState.FINISHED);
});

test('cancel stops running apps; the session and its drops end CANCELLED', async (t) => {
  const node = await startNode(t);
  await post(node, '/api/sessions', { sessionId: 'c' });
  await post(node, '/api/sessions/c/graph/append', SLEEPY);
  isErrorBody(t, await post(node, '/api/sessions/c/cancel', ''), 400, 'InvalidSessionState');
  await post(node, '/api/sessions/c/deploy', 'completed=sleep', { 'content-type': 'application/x-www-form-urlencoded' });
  for (let i = 0; i < 100 && (await call(node, 'GET', '/api/sessions/c/graph/status')).json.sleep.execStatus !== AppState.RUNNING; i++)
    await new Promise((r) => setTimeout(r, 20));
  t.deepEqual((await post(node, '/api/sessions/c/cancel', '')).json, { Status: 'Success' });
  t.is((await call(node, 'GET', '/api/sessions/c/status')).json, SessionState.CANCELLED);
  t.deepEqual((await call(node, 'GET', '/api/sessions/c/graph/status')).json, {
    sleep: { status: DropState.CANCELLED, execStatus: AppState.CANCELLED },
    slept: { status: DropState.CANCELLED },
  });
  t.is((await post(node, '/api/sessions/c/cancel', '')).status, 200, 'cancelling again is allowed');
});

test('graph/link adds a relationship while BUILDING', async (t) => {
  const node = await startNode(t);
  await post(node, '/api/sessions', { sessionId: 'l' });
  await post(node, '/api/sessions/l/graph/append', [
    { oid: 'a', categoryType: 'Application', dropclass: 'dlg.apps.simple.HelloWorldApp' },
    { oid: 'd', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
  ]);
  const form = (lh: string, rh: string, type: string) => post(node, '/api/sessions/l/graph/link', `lhOID=${lh}&rhOID=${rh}&linkType=${type}`, { 'content-type': 'application/x-www-form-urlencoded' });
  t.deepEqual((await form('a', 'd', String(LinkType.OUTPUT))).json, { Status: 'Success' });
  isErrorBody(t, await form('a', 'd', String(LinkType.OUTPUT)), 409, 'InvalidRelationshipException');
  isErrorBody(t, await form('a', 'zz', String(LinkType.OUTPUT)), 400, 'InvalidGraphException');
  isErrorBody(t, await form('a', 'd', 'x'), 400, 'BadRequest');
  t.deepEqual((await call(node, 'GET', '/api/sessions/l/graph')).json.a.outputs, ['d']);
  await post(node, '/api/sessions/l/deploy', 'completed=a', { 'content-type': 'application/x-www-form-urlencoded' });
  t.is(await waitStatus(node, 'l', SessionState.FINISHED), SessionState.FINISHED);
  t.is((await call(node, 'GET', '/api/sessions/l/graph/status')).json.d.status, DropState.COMPLETED, 'the link was wired');
  isErrorBody(t, await form('a', 'd', String(LinkType.CONSUMER)), 400, 'InvalidSessionState');
});

test('trigger runs listed apps and completes listed data; subscriptions and events validate their bodies', async (t) => {
  const node = await startNode(t);
  await post(node, '/api/sessions', { sessionId: 'tr' });
  isErrorBody(t, await post(node, '/api/sessions/tr/subscriptions', '{}', { 'content-type': 'text/plain' }), 415, 'UnsupportedMediaType');
  isErrorBody(t, await post(node, '/api/sessions/tr/subscriptions', [1, 2]), 400, 'BadRequest');
  isErrorBody(t, await post(node, '/api/sessions/tr/subscriptions', { 'h:8000': [['a', 9, 'b']] }), 400, 'BadRequest');
  t.deepEqual((await post(node, '/api/sessions/tr/subscriptions', { 'h:8000': [['elsewhere', LinkType.CONSUMER, 'nowhere']] })).json, { Status: 'Success' });
  await post(node, '/api/sessions/tr/graph/append', fixture('hello-world.pg.json'));
  isErrorBody(t, await post(node, '/api/sessions/tr/trigger', ['hello-app']), 400, 'InvalidSessionState');
  await post(node, '/api/sessions/tr/deploy', '');
  t.is((await call(node, 'GET', '/api/sessions/tr/status')).json, SessionState.RUNNING, 'nothing was triggered yet');
  isErrorBody(t, await post(node, '/api/sessions/tr/trigger', '["hello-app"]', { 'content-type': 'text/plain' }), 415, 'UnsupportedMediaType');
  isErrorBody(t, await post(node, '/api/sessions/tr/trigger', { uids: [] }), 400, 'BadRequest');
  isErrorBody(t, await post(node, '/api/sessions/tr/trigger', ['unknown']), 400, 'InvalidGraphException');
  t.deepEqual((await post(node, '/api/sessions/tr/trigger', ['hello-app'])).json, { Status: 'Success' });
  t.is(await waitStatus(node, 'tr', SessionState.FINISHED), SessionState.FINISHED);
  isErrorBody(t, await post(node, '/api/sessions/tr/events', { type: 'x' }), 400, 'BadRequest');
});

test('CORS headers, OPTIONS, submission methods, unknown routes', async (t) => {
  const node = await startNode(t);
  // An allowed origin (EAGLE's, by default) gets the reference's CORS headers, naming it.
  const opt = await call(node, 'OPTIONS', '/api/sessions', { headers: { origin: 'http://localhost:8084' } });
  t.is(opt.status, 200);
  t.deepEqual(opt.json, {});
  t.is(opt.headers.get('access-control-allow-origin'), 'http://localhost:8084');
  t.is(opt.headers.get('access-control-allow-credentials'), 'true');
  t.is(opt.headers.get('access-control-allow-methods'), 'GET, POST, PUT, DELETE, OPTIONS, HEAD');
  t.is(opt.headers.get('access-control-allow-headers'), 'Origin, Accept, Content-Type, Content-Encoding, Authorization, X-Requested-With, X-CSRF-Token');
  t.deepEqual((await call(node, 'OPTIONS', '/api/sessions/x/graph/append')).json, {});
  // Unlike the reference, other origins are refused, never echoed (security.test.ts).
  const foreign = await call(node, 'GET', '/api/sessions', { headers: { origin: 'https://eagle.example.org' } });
  t.is(foreign.status, 403);
  t.is(foreign.headers.get('access-control-allow-origin'), null);
  t.deepEqual((await call(node, 'GET', '/api/submission_method')).json, { methods: ['BROWSER', 'SERVER'] });
  isErrorBody(t, await call(node, 'GET', '/api/nothing/here'), 404, 'NotFound');
  isErrorBody(t, await call(node, 'GET', '/api/sessions/%ZZ'), 400, 'BadRequest');
});

test('HTML views: dashboard, session page, drop log page and file download', async (t) => {
  const node = await startNode(t);
  await post(node, '/api/sessions', { sessionId: 'html<1>' });
  await post(node, `/api/sessions/${encodeURIComponent('html<1>')}/graph/append`, fixture('hello-world.pg.json'));
  await post(node, `/api/sessions/${encodeURIComponent('html<1>')}/deploy`, 'completed=hello-app', { 'content-type': 'application/x-www-form-urlencoded' });
  t.is(await waitStatus(node, encodeURIComponent('html<1>'), SessionState.FINISHED), SessionState.FINISHED);
  const home = await call(node, 'GET', '/');
  t.regex(home.headers.get('content-type') ?? '', /text\/html/);
  t.true(home.text.includes('html&#60;1&#62;'), 'session ids are escaped');
  // The session page is the dashboard (views/web/session.ts): a shell naming the session, whose
  // drops come from the progress route.
  const sessionHtml = (await call(node, 'GET', `/session?sessionId=${encodeURIComponent('html<1>')}`)).text;
  t.true(sessionHtml.includes('"sessionId":"html\\u003c1>"') && sessionHtml.includes('<script src="/static/views/session.js">'), sessionHtml);
  const expanded = (await call(node, 'GET', `/api/sessions/${encodeURIComponent('html<1>')}/graph/progress?expand=hello`)).json;
  t.deepEqual(expanded.expanded, { hello: [['hello-file', DropState.COMPLETED]] }, 'without lg_key, drops are grouped by name');
  t.is((await call(node, 'GET', `/sessions/${encodeURIComponent('html<1>')}/graph/drop/hello-app`)).status, 200);
  t.is((await call(node, 'GET', `/sessions/${encodeURIComponent('html<1>')}/graph/drop/data/hello-file`)).text, 'Hello Everybody');
});

test('POST /api/stop and POST /api/shutdown answer, then stop the manager', async (t) => {
  let stops = 0;
  const node = await startNode(t, { onStop: () => stops++ });
  t.deepEqual((await post(node, '/api/stop', '')).json, { Status: 'Success' });
  t.deepEqual((await post(node, '/api/shutdown', '')).json, { Status: 'Success' });
  isErrorBody(t, await call(node, 'GET', '/api/shutdown'), 405, 'MethodNotAllowed');
  await new Promise((r) => setImmediate(r));
  t.is(stops, 2);
});
