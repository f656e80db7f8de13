// graph/append is read as it arrives: a node manager parses a plain array of drops a batch at
// a time while the upload goes on (rest/body.ts parseJsonStream), and the client sends big
// graphs in slices (client.ts). Whatever the chunking, the result must be JSON.parse's, the
// size limit must hold without a Content-Length, and every refusal must be the whole-body one.

import test from 'ava';
import fc from 'fast-check';
import { request } from 'node:http';
import { parseJson, parseJsonStream } from '../../engine/managers/rest/body.ts';
import { ManagerClient, slices } from '../../engine/client/client.ts';
import { DEFAULT_SECURITY } from '../../engine/managers/rest/security.ts';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, type TestNode } from './helpers.ts';
import { startComposite, startLinkedNode, waitFor } from './hierarchy-helpers.ts';

/** POST a body as chunked transfer encoding, `piece` bytes per write, yielding to the event loop between writes. */
function postChunked(node: TestNode, path: string, body: Buffer, piece: number): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(node.url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(b) }));
    });
    req.on('error', reject);
    void (async () => {
      for (let i = 0; i < body.length && !req.destroyed; i += piece) {
        req.write(body.subarray(i, i + piece));
        await new Promise((r) => setImmediate(r));
      }
      req.end();
    })();
  });
}

const drop = (i: number, extra: Record<string, unknown> = {}) => ({ oid: `d${i}`, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', note: `drop ${i}: "quoted", [bracketed] {braced}`, ...extra });

async function session(node: TestNode, id: string): Promise<string> {
  await node.client.createSession(id);
  return `/api/sessions/${id}/graph/append`;
}

test('a graph uploaded in small chunks is parsed batch by batch into the same drops, in order', async (t) => {
  const node = await startNode(t);
  // ~3 MB: several of the parser's 1 MB batches, arriving 4 KB at a time.
  const graph = Array.from({ length: 20_000 }, (_, i) => drop(i, { extra: 'é'.repeat(i % 7) }));
  const r = await postChunked(node, await session(node, 's'), Buffer.from(JSON.stringify([...graph, { rmode: '1' }])), 4096);
  t.deepEqual(r.json, { Status: 'Success' });
  const got = await node.client.graph('s');
  t.deepEqual(Object.keys(got), graph.map((d) => d.oid));
  t.deepEqual(got.d19999, graph[19999], 'non-ASCII text decoded as UTF-8');
  t.deepEqual((await node.client.reproData('s')).reprodata, { rmode: '1' });
});

test('the size limit holds for a chunked upload without Content-Length, and nothing is kept', async (t) => {
  const node = await startNode(t, { maxBodyBytes: 64 * 1024 });
  const body = Buffer.from(JSON.stringify(Array.from({ length: 2000 }, (_, i) => drop(i))));
  t.true(body.length > 64 * 1024);
  const r = await postChunked(node, await session(node, 's'), body, 1000);
  t.is(r.status, 413);
  t.is(r.json.type, 'PayloadTooLarge');
  t.is(await node.client.graphSize('s'), 0);
});

test('refusals found in a late batch say what and where, and nothing is kept', async (t) => {
  const node = await startNode(t);
  const many = Array.from({ length: 15_000 }, (_, i) => drop(i));
  const at = (text: string) => Buffer.from(text);

  // A prototype key in the middle of ~2 MB.
  const polluted = JSON.stringify(many).replace('"oid":"d9000"', '"oid":"d9000","__proto__":{"x":1}');
  const a = await postChunked(node, await session(node, 'a'), at(polluted), 8192);
  t.is(a.status, 400);
  t.regex(a.json.args[0], /the key '__proto__' \(at \/9000\/__proto__\) is not allowed/);
  t.is(await node.client.graphSize('a'), 0);

  // Truncated after several batches.
  const b = await postChunked(node, await session(node, 'b'), at(JSON.stringify(many).slice(0, -30)), 8192);
  t.is(b.status, 400);
  t.is(b.json.type, 'BadRequest');
  t.regex(b.json.args[0], /Malformed JSON body/);

  // A repeated oid far apart.
  const c = await postChunked(node, await session(node, 'c'), at(JSON.stringify([...many, drop(3)])), 8192);
  t.is(c.status, 400);
  t.regex(c.json.args[0], /d3: a drop with this oid already exists/);
  t.is(await node.client.graphSize('c'), 0);

  // The legacy ["name", [specs]] form is not a plain array of drops: parsed whole, accepted.
  const d = await postChunked(node, await session(node, 'd'), at(JSON.stringify(['legacy', many.slice(0, 10)])), 100);
  t.deepEqual(d.json, { Status: 'Success' });
  t.is(await node.client.graphSize('d'), 10);
});

test('parseJsonStream answers as the whole-body parser does, however the body is chunked', async (t) => {
  const value = fc.jsonValue({ maxDepth: 3 });
  const body = fc.oneof(fc.array(fc.dictionary(fc.string(), value, { maxKeys: 4 }), { minLength: 1, maxLength: 20 }), value);
  await fc.assert(
    fc.asyncProperty(body, fc.array(fc.nat(), { maxLength: 8 }), async (v, cuts) => {
      const text = Buffer.from(JSON.stringify(v));
      const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((x, y) => x - y);
      const chunks: Buffer[] = [];
      let from = 0;
      for (const c of [...at, text.length]) chunks.push(text.subarray(from, (from = Math.max(from, c))));
      // The whole-body parser's answer: the value, or its error (prototype keys are refused).
      let expected: { value: unknown } | { error: string };
      try {
        expected = { value: parseJson(text) };
      } catch (err) {
        expected = { error: (err as Error).message };
      }
      try {
        t.deepEqual({ value: await parseJsonStream(chunks) }, expected);
      } catch (err) {
        t.deepEqual({ error: (err as Error).message }, expected);
      }
    }),
  );
  await t.throwsAsync(parseJsonStream([Buffer.from('[{"a":1},'), Buffer.from('{"b":')]), { message: /Malformed JSON body/ });
  await t.throwsAsync(parseJsonStream([]), { message: /needs a JSON body/ });
});

test('the client\'s slices of a big graph never split a character', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 9 }), (text, size) => {
      const parts = [...slices(text, size)];
      t.is(parts.join(''), text);
      for (const p of parts) t.is(Buffer.from(p).toString(), p, 'each slice encodes alone without a lone surrogate');
    }),
  );
});

// ---- through an island manager, which keeps a copy of each accepted graph on disk, not in memory ----

test('an island manager writes each accepted graph to its session directory as it arrives, and nothing of a refused one', async (t) => {
  const a = await startLinkedNode(t);
  const b = await startLinkedNode(t);
  const nodes = [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`];
  const dim = await startComposite(t, 'island', nodes, { appendBatchBytes: 2000 });
  await dim.client.createSession('s');
  const graph = Array.from({ length: 300 }, (_, i) => drop(i, { node: nodes[i % 2] }));
  const body = Buffer.from(JSON.stringify(graph, null, 1));
  t.deepEqual((await postChunked(dim as unknown as TestNode, '/api/sessions/s/graph/append', body, 777)).json, { Status: 'Success' });
  const dir = join(dim.m.dlgRoot, 'workspace', 's');
  await waitFor('the copy', () => (existsSync(join(dir, 's.graph')) ? true : undefined));
  t.deepEqual(readFileSync(join(dir, 's.graph')), body, 'the body, byte for byte');
  t.is(await a.client.graphSize('s'), 150);

  // Refused in a late batch: a prototype key, a malformed drop, a truncated body.
  const more = Array.from({ length: 300 }, (_, i) => drop(1000 + i, { node: nodes[i % 2] }));
  const text = JSON.stringify(more);
  const late = [
    [text.replace('"oid":"d1250"', '"oid":"d1250","constructor":{"x":1}'), /the key 'constructor' \(at \/250\/constructor\) is not allowed/],
    [text.replace('"oid":"d1250"', '"oid":"d1250",,'), /Malformed JSON body: .*near byte \d+ of the body/],
    [text.slice(0, -50), /Malformed JSON body: unterminated/],
  ] as const;
  for (const [bad, message] of late) {
    const r = await postChunked(dim as unknown as TestNode, '/api/sessions/s/graph/append', Buffer.from(bad), 500);
    t.is(r.status, 400, bad.slice(-80));
    t.regex(r.json.args[0], message);
    t.is(await dim.client.graphSize('s'), 300, 'nothing more kept');
  }
  await new Promise((r) => setTimeout(r, 100));
  t.deepEqual(readdirSync(dir).filter((f) => f !== 's.graph' && !f.endsWith('.log')), [], 'no copy of a refused graph, not even a partial one');
});

test('ManagerClient.append sends a graph over a megabyte in slices, with the token, and it arrives whole', async (t) => {
  const node = await startNode(t, { security: { ...DEFAULT_SECURITY, token: 'sesame' } });
  const client = new ManagerClient(node.url, { token: 'sesame' });
  await client.createSession('big');
  // Non-ASCII text across the 1 MB slice boundaries: each slice is encoded on its own.
  const graph = Array.from({ length: 20_000 }, (_, i) => drop(i, { label: `𝄞 ${i} é` }));
  t.true(JSON.stringify(graph).length > 2 ** 21, 'several slices');
  await client.append('big', graph);
  const got = await client.graph('big');
  t.is(Object.keys(got).length, 20_000);
  t.deepEqual(got.d19999, graph[19999]);
  await t.throwsAsync(new ManagerClient(node.url).append('big', graph), { message: /401|token|Unauthorized/i }, 'no token, no append');
});
