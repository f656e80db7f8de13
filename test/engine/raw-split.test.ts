// An island manager splits uploads as bytes (engine/managers/composite/raw-split.ts): what it
// reads of each drop, and the parts it forwards, must be exactly what JSON.parse would give,
// and it must refuse exactly the bodies JSON.parse refuses. Checked on random graphs.

import test from 'ava';
import fc from 'fast-check';
import { entryOid } from '../../compiler/relations.ts';
import { RELATIONSHIP_KEYS } from '../../engine/drops/spec.ts';
import { joinRanges, splitRaw } from '../../engine/managers/composite/raw-split.ts';

const oidText = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('a"b', 'c\\d', 'e\nf', 'ünï', '\u2028', '{x}', '[y]'));
const entry = fc.oneof(
  oidText,
  fc.integer({ min: -5, max: 1e6 }),
  oidText.map((o) => ({ [o]: 'port' })),
  fc.constant({ a: 1, b: 2 }),
  fc.constant(null),
  fc.constant({}),
);
const spec = fc.record(
  {
    oid: fc.oneof(oidText, fc.integer({ min: 0, max: 1e6 })),
    uid: oidText,
    categoryType: fc.constantFrom('Application', 'Data', 'Container'),
    node: fc.oneof(fc.constantFrom('127.0.0.1:8000', 'h:8001'), fc.integer()),
    dropclass: fc.string(),
    applicationArgs: fc.jsonValue({ maxDepth: 3 }),
    inputs: fc.array(entry, { maxLength: 4 }),
    outputs: fc.array(entry, { maxLength: 4 }),
    consumers: fc.oneof(fc.array(entry, { maxLength: 4 }), fc.constant('not a list')),
    streamingConsumers: fc.array(entry, { maxLength: 2 }),
  },
  { requiredKeys: ['oid', 'categoryType'] },
);
const graph = fc.record({ drops: fc.array(spec, { maxLength: 12 }), trailing: fc.option(fc.record({ rmode: fc.constantFrom('1', '2') }), { nil: undefined }), indent: fc.constantFrom(0, 1, 2, '\t') });

/** What a composite manager must read of a parsed drop. */
function expected(d: Record<string, unknown>) {
  const out: Record<string, unknown> = { oid: typeof d.oid === 'number' ? String(d.oid) : d.oid };
  for (const k of ['uid', 'categoryType', 'node']) if (k in d) out[k] = typeof d[k] === 'string' ? d[k] : null;
  for (const k of RELATIONSHIP_KEYS) {
    if (!(k in d)) continue;
    const v = d[k];
    out[k] = Array.isArray(v) ? v.map(entryOid).filter((o) => o !== undefined) : undefined;
  }
  return out;
}

function actual(d: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(d)) out[k] = d[k];
  return out;
}

test('splitting as bytes reads what JSON.parse reads, and each part is the same drops', (t) => {
  fc.assert(
    fc.property(graph, fc.array(fc.boolean(), { maxLength: 12 }), ({ drops, trailing, indent }, pick) => {
      const list: unknown[] = trailing ? [...drops, trailing] : drops;
      const bytes = Buffer.from(JSON.stringify(list, null, indent));
      const r = splitRaw(bytes)!;
      const parsed = JSON.parse(bytes.toString()) as Record<string, unknown>[];
      const specs = trailing ? parsed.slice(0, -1) : parsed;
      t.deepEqual(r.specs.map(actual), specs.map(expected));
      t.is(r.trailing !== undefined, trailing !== undefined);
      const chosen = specs.map((_, i) => i).filter((i) => pick[i]);
      const part = joinRanges(bytes, chosen.flatMap((i) => [r.ranges[2 * i]!, r.ranges[2 * i + 1]!]), r.trailing);
      t.deepEqual(JSON.parse(part.toString()), [...chosen.map((i) => specs[i]), ...(trailing ? [trailing] : [])]);
    }),
    { numRuns: 300 },
  );
});

test('a body is refused as malformed exactly when JSON.parse refuses it', (t) => {
  fc.assert(
    fc.property(graph, fc.nat(), fc.constantFrom('', ' ', '"', '\\', '{', '}', '[', ']', ',', ':', 'x', '1', '-', 'tru', '\u0001'), ({ drops }, at, insert) => {
      const good = JSON.stringify(drops);
      const pos = good.length ? at % good.length : 0;
      const text = good.slice(0, pos) + insert + good.slice(pos + (insert === '' ? 1 : 0));
      let parsedOk = true;
      try {
        JSON.parse(text);
      } catch {
        parsedOk = false;
      }
      let split: 'ok' | 'malformed' | 'other' | 'fallback' = 'ok';
      try {
        if (splitRaw(Buffer.from(text)) === undefined) split = 'fallback';
      } catch (err) {
        split = /Malformed JSON/.test((err as Error).message) ? 'malformed' : 'other';
      }
      // A fallback goes to JSON.parse; 'other' is a drop that is not an object (valid JSON).
      if (parsedOk) t.not(split, 'malformed', text);
      else t.true(split === 'malformed' || split === 'fallback', `${text}: ${split}`);
    }),
    { numRuns: 1000 },
  );
});

test('what is not a plain list of drops is left to JSON.parse', (t) => {
  t.is(splitRaw(Buffer.from('{"a": 1}')), undefined);
  t.is(splitRaw(Buffer.from('["name", [{"oid": "a", "categoryType": "Data"}]]')), undefined);
  t.throws(() => splitRaw(Buffer.from('[1]')), { message: /Drop #0 is not a JSON object/ });
  t.throws(() => splitRaw(Buffer.from('[{"oid": "a"}] x')), { message: /unexpected data after the graph/ });
  t.deepEqual(splitRaw(Buffer.from(' [ ] '))!.specs, []);
});
