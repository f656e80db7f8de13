// The client against a manager shaped like DALiuGE's data island manager: nested statuses,
// no summary route (404 HTML), `{"Status": "Success"}` for unknown sessions, zlib uploads.

import test from 'ava';
import Fastify from 'fastify';
import { inflateSync } from 'node:zlib';
import { ManagerClient, ManagerError } from '../../engine/client/client.ts';
import { flattenStatus, overallStatus, submit, waitForSession, type Progress } from '../../engine/client/deploy.ts';
import { DropState, SessionState } from '../../kernel/states.ts';
import { fixture } from './helpers.ts';

test('statuses of composite managers are flattened; failure wins over cancellation', (t) => {
  t.deepEqual(flattenStatus(3), [3]);
  t.deepEqual(flattenStatus({ 'a:8000': 4, b: { 'c:8000': 6 } }), [4, 6]);
  t.is(overallStatus([4, 4]), SessionState.FINISHED);
  t.is(overallStatus([4, 5]), SessionState.CANCELLED);
  t.is(overallStatus([5, 6, 4]), SessionState.FAILED);
  t.is(overallStatus([4, 3, 2]), SessionState.DEPLOYING, 'the least advanced node');
});

test('submit and wait against a DALiuGE-like island manager', async (t) => {
  const app = Fastify();
  const seen: { appendEncoding?: string; appended?: unknown; completed?: string; polls: number } = { polls: 0 };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, b, done) => done(null, b));
  app.post('/api/sessions', async (req) => JSON.parse(String(req.body)));
  app.post('/api/sessions/:id/graph/append', async (req) => {
    seen.appendEncoding = req.headers['content-encoding'];
    const raw = req.body as Buffer;
    seen.appended = JSON.parse((seen.appendEncoding ? inflateSync(raw) : raw).toString());
    return { Status: 'Success' };
  });
  app.post('/api/sessions/:id/deploy', async (req) => {
    seen.completed = new URLSearchParams(String(req.body)).get('completed') ?? '';
    return { Status: 'Success' };
  });
  app.get('/api/sessions/:id/status', async (req) => {
    if ((req.params as { id: string }).id !== 'dim-1') return { Status: 'Success' };
    return ++seen.polls < 3 ? { 'node1:8000:5555:6666': 3, 'node2:8000:5555:6666': 4 } : { 'node1:8000:5555:6666': 4, 'node2:8000:5555:6666': 4 };
  });
  app.get('/api/sessions/:id/graph/summary', async (_req, reply) => reply.code(404).type('text/html').send('<html>Not found</html>'));
  app.get('/api/sessions/:id/graph/status', async () => ({ 'hello-app': { status: DropState.COMPLETED, execStatus: 2 }, 'hello-file': { status: seen.polls < 3 ? DropState.INITIALIZED : DropState.COMPLETED } }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const address = app.server.address();
  const client = new ManagerClient(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);

  const pg = fixture('hello-world.pg.json');
  const s = await submit(client, pg, { sessionId: 'dim-1', compress: true });
  t.deepEqual(s, { sessionId: 'dim-1', roots: ['hello-app'], drops: 2 });
  t.is(seen.appendEncoding, 'gzip', 'zlib data labelled gzip, as the Python client sends');
  t.deepEqual(seen.appended, pg);
  t.is(seen.completed, 'hello-app');

  const progress: Progress[] = [];
  t.is(await waitForSession(client, 'dim-1', { pollIntervalMs: 10, onProgress: (p) => progress.push(p) }), SessionState.FINISHED);
  t.is(progress.at(-1)!.counts[DropState.COMPLETED], 2, 'counted from graph/status when there is no summary');
  t.is(progress[0]!.status, SessionState.RUNNING);

  const err = await t.throwsAsync(waitForSession(client, 'unknown', { pollIntervalMs: 10 }), { instanceOf: ManagerError });
  t.regex(err!.message, /no status for session unknown/);
});
