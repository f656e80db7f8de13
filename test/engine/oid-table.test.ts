// The island manager's oid table (managers/composite/oid-table.ts) must answer as a Map would,
// for any keys (colliding hashes, lone surrogates, growth from a tiny start, clearing).

import test from 'ava';
import fc from 'fast-check';
import { OidTable } from '../../engine/managers/composite/oid-table.ts';

test('an oid table answers as a Map of first entries, whatever the keys', (t) => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('', 'a', 'b', 'ab')), { maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (keys, capacity) => {
      const table = new OidTable((e) => keys[e]!, capacity);
      const map = new Map<string, number>();
      keys.forEach((k, i) => {
        const had = map.get(k);
        t.is(table.add(k, i), had ?? -1);
        if (had === undefined) map.set(k, i);
      });
      t.is(table.size, map.size);
      for (const k of [...keys, 'never added', 'zz']) t.is(table.get(k), map.get(k));
      table.clear();
      t.is(table.size, 0);
      for (const k of keys) t.false(table.has(k));
    }),
  );
});

test('10^5 oids of one shape go in and come out', (t) => {
  const keys = Array.from({ length: 100_000 }, (_, i) => `c${i % 317}_${(i / 317) | 0}`);
  const table = new OidTable((e) => keys[e]!);
  keys.forEach((k, i) => t.is(table.add(k, i), -1) || undefined);
  let wrong = 0;
  keys.forEach((k, i) => (wrong += table.get(k) === i ? 0 : 1));
  t.is(wrong, 0);
  t.is(table.add(keys[500]!, 7), 500, 'a repeat gets the first entry back');
});
