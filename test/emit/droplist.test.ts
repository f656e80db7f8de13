// Normalising a drop list read from a file: the result equals a plain model of the rules
// (every relationship on both ends, each (oid, port) once per list, unknown oids kept,
// malformed entries dropped), the input is never modified, and drops that need no change
// are passed through as the same objects (what makes a large PGT cheap to re-emit).
import test from 'ava';
import fc from 'fast-check';
import { normaliseDropList } from '../../compiler/emit/droplist.ts';
import { MIRROR, entryOid, type RelationList } from '../../compiler/relations.ts';
import { validateDropList } from '../../compiler/validate/index.ts';

type Spec = Record<string, unknown>;
const LISTS = Object.keys(MIRROR) as RelationList[];

/** The rules written the obvious way (hash sets per drop), independent of the implementation. */
function model(drops: Spec[]): Spec[] {
  const out = drops.map((d) => structuredClone(d));
  const byOid = new Map(out.map((d) => [d.oid as string, d]));
  for (const d of out) {
    for (const l of LISTS) {
      if (!Array.isArray(d[l])) continue;
      const seen = new Set<string>();
      d[l] = (d[l] as unknown[]).filter((e) => {
        const oid = entryOid(e);
        if (oid === undefined) return false;
        const port = typeof e === 'object' ? Object.values(e as object)[0] : null;
        const k = `${oid}|${port ?? '\u0001'}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
  }
  const names = (d: Spec, l: RelationList) => new Set(((d[l] as unknown[]) ?? []).map(entryOid));
  const additions: [Spec, RelationList, string][] = [];
  for (const d of out) {
    for (const l of LISTS) {
      for (const e of (d[l] as unknown[]) ?? []) {
        const other = byOid.get(entryOid(e)!);
        if (other && !names(other, MIRROR[l]).has(d.oid as string)) additions.push([other, MIRROR[l], d.oid as string]);
      }
    }
  }
  // In owner order, each missing end once.
  const done = new Set<string>();
  for (const [other, l, oid] of additions) {
    const k = `${other.oid}|${l}|${oid}`;
    if (done.has(k)) continue;
    done.add(k);
    other[l] = [...((other[l] as unknown[]) ?? []), oid];
  }
  return out;
}

/** Empty relationship lists and absent ones mean the same. */
function withoutEmptyLists(drops: Spec[]): Spec[] {
  return drops.map((d) => Object.fromEntries(Object.entries(d).filter(([k, v]) => !(LISTS.includes(k as RelationList) && Array.isArray(v) && v.length === 0))));
}

const dropLists = fc.integer({ min: 1, max: 12 }).chain((n) => {
  const oid = fc.oneof(fc.integer({ min: 0, max: n - 1 }).map((i) => `d${i}`), fc.constant('elsewhere'));
  const entry = fc.oneof(
    { weight: 4, arbitrary: oid },
    { weight: 4, arbitrary: fc.tuple(oid, fc.constantFrom('p', 'q', null)).map(([o, p]) => ({ [o]: p })) },
    { weight: 1, arbitrary: fc.constantFrom({}, { a: 'x', b: 'y' }, null) },
  );
  const lists = fc.record(Object.fromEntries(LISTS.map((l) => [l, fc.array(entry, { maxLength: 4 })])), { requiredKeys: [] });
  return fc.array(lists, { minLength: n, maxLength: n }).map((ls) =>
    ls.map((l, i) => ({ oid: `d${i}`, categoryType: i % 2 ? 'Data' : 'Application', dropclass: 'x.Y', ...l }) as Spec));
});

test('property: normalising equals the model; the input is untouched; unchanged drops are the same objects', (t) => {
  fc.assert(
    fc.property(dropLists, (drops) => {
      const before = structuredClone(drops);
      const got = normaliseDropList(drops);
      t.deepEqual(drops, before, 'the input is not modified');
      t.deepEqual(withoutEmptyLists(got), withoutEmptyLists(model(drops)));
      const want = model(drops);
      got.forEach((d, i) => {
        if (d !== drops[i]) return;
        t.deepEqual(withoutEmptyLists([d]), withoutEmptyLists([want[i]!]), 'a drop passed through needed no change');
      });
    }),
    { numRuns: 300 },
  );
});

test('a list that is already normal comes back as the very same drop objects', (t) => {
  const drops: Spec[] = [
    { oid: 'a', categoryType: 'Application', dropclass: 'x.Y', outputs: [{ b: 'p' }, { b: 'q' }] },
    { oid: 'b', categoryType: 'Data', dropclass: 'x.Y', producers: [{ a: 'p' }], consumers: ['c'] },
    { oid: 'c', categoryType: 'Application', dropclass: 'x.Y', inputs: ['b'] },
  ];
  const got = normaliseDropList(drops);
  t.is(got.length, 3);
  t.true(got.every((d, i) => d === drops[i]));
  t.deepEqual(validateDropList(got), []);
});

test('a one-sided pair gets its far end once, after the entries already there', (t) => {
  const drops: Spec[] = [
    { oid: 'a', categoryType: 'Application', dropclass: 'x.Y', outputs: [{ c: 'p' }, { c: 'q' }] },
    { oid: 'b', categoryType: 'Application', dropclass: 'x.Y', outputs: ['c'] },
    { oid: 'c', categoryType: 'Data', dropclass: 'x.Y', producers: ['b'] },
  ];
  const got = normaliseDropList(drops);
  t.is(got[0], drops[0], 'a lists c twice on different ports: kept as is');
  t.is(got[1], drops[1]);
  t.not(got[2], drops[2]);
  t.deepEqual(got[2]!.producers, ['b', 'a']);
  t.deepEqual(drops[2]!.producers, ['b']);
});
