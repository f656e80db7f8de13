// Graphs appended to a composite manager are parsed and forwarded in batches of whole drops
// (managers/rest/array-cutter.ts): the cut must agree with JSON.parse on every body, however
// its bytes arrive in chunks, each element's offsets must frame exactly its text, and a
// graph refused in a late batch must leave nothing behind, on the manager or its children.

import test from 'ava';
import fc from 'fast-check';
import { ArrayCutter, NotBatchable, type Batch, parseBatch } from '../../engine/managers/rest/array-cutter.ts';
import { startComposite, startLinkedNode } from './hierarchy-helpers.ts';
import type { TestNode } from './helpers.ts';

/** The body's bytes in chunks ending at the given cut points. */
function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, buf.length]) {
    out.push(buf.subarray(from, c));
    from = c;
  }
  return out;
}

/** The batches of a body fed in chunks, or NotBatchable. */
function batchesOf(text: string, batchBytes: number, cuts: number[] = []): Batch[] {
  const cutter = new ArrayCutter(batchBytes);
  const out: Batch[] = [];
  for (const chunk of chunked(Buffer.from(text), cuts)) out.push(...cutter.push(chunk));
  out.push(...cutter.end());
  return out;
}

/** The elements of every batch, or NotBatchable; every element's offsets checked against its parsed value. */
function viaBatches(text: string, batchBytes: number, cuts: number[] = []): unknown[] {
  const out: unknown[] = [];
  for (const b of batchesOf(text, batchBytes, cuts)) {
    const items = parseBatch(b);
    if (items.length !== b.starts.length) throw new Error(`${items.length} elements, ${b.starts.length} offsets`);
    items.forEach((x, k) => {
      const end = k + 1 < b.starts.length ? b.starts[k + 1]! - 1 : b.buf.length - 1;
      const own = JSON.parse(b.buf.toString('utf8', b.starts[k], end));
      if (JSON.stringify(own) !== JSON.stringify(x)) throw new Error(`element ${k}'s bytes are not its own`);
      if (!',['.includes(String.fromCharCode(b.buf[b.starts[k]! - 1]!))) throw new Error(`element ${k} does not follow "[" or ","`);
    });
    out.push(...items);
  }
  return out;
}

const key = fc.oneof(fc.string(), fc.constantFrom('oid', 'a,b', '}', '{"x":[', '\\', '"'));
const element = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });

test('batches of any array of objects, printed any way, hold exactly its elements, in order', (t) => {
  fc.assert(
    fc.property(fc.array(element, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 300 }), fc.constantFrom(undefined, 1, '\t'), fc.array(fc.nat(), { maxLength: 12 }), (list, batchBytes, indent, cuts) => {
      const text = JSON.stringify(list, null, indent);
      t.deepEqual(viaBatches(text, batchBytes, cuts), JSON.parse(text));
    }),
  );
});

test('a body the batches accept is valid JSON with the same elements; anything else is NotBatchable', (t) => {
  // Valid graphs with one byte removed, replaced or inserted: mostly broken JSON.
  const mutated = fc
    .tuple(fc.array(element, { minLength: 1, maxLength: 8 }), fc.nat(), fc.constantFrom('', ',', '[', ']', '{', '}', '"', '\\', ' ', 'x'), fc.boolean())
    .map(([list, at, ch, replace]) => {
      const s = JSON.stringify(list);
      const i = at % (s.length + 1);
      return s.slice(0, i) + ch + s.slice(replace ? i + 1 : i);
    });
  fc.assert(
    fc.property(mutated, fc.integer({ min: 1, max: 50 }), fc.array(fc.nat(), { maxLength: 6 }), (text, batchBytes, cuts) => {
      let got: unknown[] | undefined;
      try {
        got = viaBatches(text, batchBytes, cuts);
      } catch (err) {
        if (!(err instanceof NotBatchable)) throw err;
      }
      let whole: unknown;
      let valid = true;
      try {
        whole = JSON.parse(text);
      } catch {
        valid = false;
      }
      if (got !== undefined) t.deepEqual(got, whole, 'accepted only when JSON.parse agrees');
      else if (valid) t.true(!Array.isArray(whole) || (whole as unknown[]).length === 0 || typeof (whole as unknown[])[0] !== 'object' || Array.isArray((whole as unknown[])[0]) || (whole as unknown[])[0] === null, 'only non-object-first arrays and non-arrays are refused when valid');
    }),
  );
});

test('bodies that are not a plain array of objects are left to the whole-body parser', (t) => {
  for (const text of ['{"a":1}', '["name", [{"oid":"a"}]]', '[]', '  [ 1, {"a":2}]', '[{"a":1}', '[{"a":1},]', '[{"a":1}] x', '[{"a":"\\"]}']) {
    t.throws(() => viaBatches(text, 1), { instanceOf: NotBatchable }, text);
  }
  t.deepEqual(viaBatches(' [ {"a":"],[{"} ,\n {"b":[1,{"c":"\\\\"}]} ] ', 1), [{ a: '],[{' }, { b: [1, { c: '\\' }] }]);
});

test('a chunk may end anywhere: inside a string, after a backslash, between brackets', (t) => {
  const text = ' [ {"a":"x\\\\\\"y"} , {"b":["\\\\",{"c":"],"}]} ]  ';
  const whole = JSON.parse(text);
  for (let i = 0; i <= text.length; i++)
    for (const batchBytes of [1, 8, 1000]) t.deepEqual(viaBatches(text, batchBytes, [i, i + 1, i + 3]), whole, `cut at ${i}, batches of ${batchBytes}`);
  const batches = batchesOf(JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ i }))), 50);
  t.true(batches.length > 10, 'cut into many batches');
  t.true(batches.slice(0, -1).every((b) => b.buf.length - 2 >= 50 && b.buf.length - 2 < 50 + 10), 'each at the first boundary after 50 bytes');
});

test('a batch longer than one parse piece (64 KB) is parsed in pieces: the same elements, its bytes left as they were', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat({ max: 30_000 }), fc.constantFrom('a', 'é', '☃', '"', ',', ']')), { minLength: 1, maxLength: 40 }), (shapes) => {
      // Elements from a few bytes to tens of KB, some non-ASCII: pieces end anywhere between them.
      const list = [{ oid: 'long', pad: 'x'.repeat(70_000) }, ...shapes.map(([n, ch], i) => ({ oid: `d${i}`, pad: ch.repeat(n) }))];
      const text = JSON.stringify(list);
      const [batch, ...more] = batchesOf(text, Buffer.byteLength(text) + 1);
      t.is(more.length, 0);
      const before = Buffer.from(batch!.buf);
      t.deepEqual(parseBatch(batch!), list);
      t.true(before.equals(batch!.buf), 'the brackets put in for each piece are taken out again');
    }),
    { numRuns: 30 },
  );
});

test('a syntax error in a late piece of a big batch names its byte in the body', (t) => {
  const list = Array.from({ length: 3000 }, (_, i) => ({ oid: `d${i}`, pad: 'x'.repeat(100) }));
  const good = JSON.stringify(list);
  const at = good.indexOf('"d2500"');
  const text = `${good.slice(0, at)}"d2500"x${good.slice(at + 7)}`; // a stray byte after a value
  const [batch] = batchesOf(` ${text}`, 10 * text.length);
  const err = t.throws(() => parseBatch(batch!), { instanceOf: NotBatchable });
  const byte = Number(/near byte (\d+) of the body/.exec(err!.message)?.[1]);
  t.true(Math.abs(byte - (1 + at + 7)) <= 1, `near byte ${byte}, the stray one is at ${1 + at + 7}`);
});

// ---- through an island manager cutting graphs into batches of ~150 bytes ----

const spec = (oid: string, node: string, extra: Record<string, unknown> = {}) => ({ oid, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', node, ...extra });

async function post(url: string, path: string, body: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: await res.json() };
}

async function setup(t: import('ava').ExecutionContext) {
  const a = await startLinkedNode(t);
  const b = await startLinkedNode(t);
  const short = (n: TestNode) => `127.0.0.1:${n.port}`;
  const dim = await startComposite(t, 'island', [short(a), short(b)], { appendBatchBytes: 150 });
  return { a, b, dim, na: short(a), nb: short(b) };
}

test('a graph appended in many batches reaches each node manager whole, with its trailing reprodata', async (t) => {
  const { a, b, dim, na, nb } = await setup(t);
  await dim.client.createSession('s');
  const graph = Array.from({ length: 40 }, (_, i) => spec(`d${i}`, i % 3 === 0 ? nb : na, { consumers: [], note: `drop "${i}" with, commas ] and } brackets` }));
  const reprodata = { rmode: '1', meta: { merkleroot: 'x' } };
  t.deepEqual((await post(dim.url, '/api/sessions/s/graph/append', JSON.stringify([...graph, reprodata], null, 1))).json, { Status: 'Success' });
  const onA = await a.client.graph('s');
  const onB = await b.client.graph('s');
  t.deepEqual(Object.keys(onA), graph.filter((_, i) => i % 3 !== 0).map((s) => s.oid), 'in order, on their node');
  t.deepEqual(Object.keys(onB), graph.filter((_, i) => i % 3 === 0).map((s) => s.oid));
  t.deepEqual(onA.d1, graph[1]);
  t.deepEqual((await a.client.reproData('s')).reprodata, reprodata);
  t.deepEqual((await b.client.reproData('s')).reprodata, reprodata);
  t.is(await dim.client.graphSize('s'), 40);
});

test('a graph refused in a late batch leaves nothing on the manager or its children, and a good one goes through after', async (t) => {
  const { a, b, dim, na, nb } = await setup(t);
  await dim.client.createSession('s');
  const good = Array.from({ length: 30 }, (_, i) => spec(`d${i}`, i % 2 ? na : nb));
  const cases: [unknown[], RegExp][] = [
    [[...good, spec('d3', na)], /1 oid\(s\) appear more than once: d3/],
    [[...good, { oid: 'late', categoryType: 'Data' }], /Drop late doesn't specify a node attribute/],
    [[...good, spec('far', '10.9.9.9:8000')], /10\.9\.9\.9:8000 \(drops far\) does not belong to this DM/],
    [[...good.slice(0, 20), { rmode: '1' }, ...good.slice(20)], /Drop #20 is missing its 'oid' argument/],
  ];
  for (const [graph, message] of cases) {
    const r = await post(dim.url, '/api/sessions/s/graph/append', JSON.stringify(graph));
    t.is(r.status, 400);
    t.is(r.json.type, 'InvalidGraphException');
    t.regex(r.json.args[0], message);
    t.is(await dim.client.graphSize('s'), 0, 'the manager kept nothing');
    t.is(await a.client.graphSize('s'), 0, 'the node managers kept nothing');
    t.is(await b.client.graphSize('s'), 0);
  }
  const truncated = await post(dim.url, '/api/sessions/s/graph/append', JSON.stringify(good).slice(0, -40));
  t.is(truncated.status, 400);
  t.regex(truncated.json.args[0], /Malformed JSON body/);
  t.deepEqual((await post(dim.url, '/api/sessions/s/graph/append', JSON.stringify(good))).json, { Status: 'Success' });
  t.is(await dim.client.graphSize('s'), 30);
  // An oid of the first append, repeated in a late batch of the second.
  const again = await post(dim.url, '/api/sessions/s/graph/append', JSON.stringify([...Array.from({ length: 10 }, (_, i) => spec(`e${i}`, na)), spec('d7', nb)]));
  t.regex(again.json.args[0], /1 drop\(s\) already exist in session s: d7/);
  t.is(await dim.client.graphSize('s'), 30);
  t.is((await a.client.graphSize('s')) + (await b.client.graphSize('s')), 30);
});
