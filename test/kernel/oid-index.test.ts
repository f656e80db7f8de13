// kernel/oid-index.ts stands in for Map<string, number> wherever managers index drops by oid:
// under any sequence of operations (colliding hashes, lone surrogates, growth from the
// smallest table, deletions inside probe runs, clearing) it must answer as a Map does.

import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { OidIndex } from '../../kernel/oid-index.ts';

const key = fc.oneof(fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 }), fc.constantFrom('', 'a', 'b', 'ab'));
const op = fc.oneof(
  fc.tuple(fc.constant('set' as const), key, fc.integer()),
  fc.tuple(fc.constant('add' as const), key, fc.integer()),
  fc.tuple(fc.constant('delete' as const), key, fc.constant(0)),
  fc.tuple(fc.constant('clear' as const), fc.constant(''), fc.constant(0)),
);

type Op = [what: 'set' | 'add' | 'delete' | 'clear', key: string, value: number];

/**
 * Plays `ops` on an index and on a Map side by side, checking every answer and then every key;
 * `valueOf` gives the value a set or add stores. Returns the Map.
 */
function replay(t: ExecutionContext, index: OidIndex, ops: Op[], valueOf: (key: string, value: number) => number): Map<string, number> {
  const map = new Map<string, number>();
  for (const [what, k, value] of ops) {
    if (what === 'set' || what === 'add') {
      const v = valueOf(k, value);
      if (what === 'set') {
        index.set(k, v);
        map.set(k, v);
      } else {
        const had = map.get(k);
        t.is(index.add(k, v), had ?? -1);
        if (had === undefined) map.set(k, v);
      }
    } else if (what === 'delete') t.is(index.delete(k), map.delete(k));
    else {
      index.clear();
      map.clear();
    }
    t.is(index.size, map.size);
  }
  for (const [, k] of ops) {
    t.is(index.get(k), map.get(k));
    t.is(index.has(k), map.has(k));
  }
  return map;
}

test('an oid index answers as a Map does, whatever the operations', (t) => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: 1, max: 40 }), (ops, capacity) => {
      const index = new OidIndex(capacity);
      const map = replay(t, index, ops, (_k, v) => v);
      t.deepEqual([...index], [...map], 'iterated in insertion order');
    }),
  );
});

test('10^5 oids of one shape go in, come out, and half of them go away', (t) => {
  const keys = Array.from({ length: 100_000 }, (_, i) => `c${i % 317}_${(i / 317) | 0}`);
  const index = new OidIndex();
  keys.forEach((k, i) => index.set(k, i));
  let wrong = 0;
  keys.forEach((k, i) => (wrong += index.get(k) === i ? 0 : 1));
  t.is(wrong, 0);
  keys.forEach((k, i) => i % 2 === 0 && index.delete(k));
  keys.forEach((k, i) => (wrong += index.get(k) === (i % 2 === 0 ? undefined : i) ? 0 : 1));
  t.is(wrong, 0);
  t.is(index.size, 50_000);
});

test('an oid index over outside keys (the island manager\'s) answers as a Map does too', (t) => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (ops, capacity) => {
      const store: string[] = [];
      // The value names its key, as a drop number names its oid.
      replay(t, new OidIndex(capacity, (v) => store[v]!), ops, (k) => store.push(k) - 1);
    }),
  );
});
