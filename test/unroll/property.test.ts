// Property tests: for random multiplicities, drop and edge counts follow the construct
// formulas, and every relationship appears on both of its ends.
import test from 'ava';
import fc from 'fast-check';
import { join } from 'node:path';
import { edgesOf, lgDir, lgOfValue, pgtOf, readJson, tableOf } from '../helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  const runs = Number(process.env.PROPERTY_RUNS ?? 40);

  function setField(doc: any, pred: (n: any) => boolean, name: string, value: unknown) {
    for (const n of doc.nodeDataArray) {
      if (!pred(n)) continue;
      const f = n.fields.find((x: any) => x.name === name);
      f.value = value;
    }
  }

  function counts(doc: any) {
    const { drops } = pgtOf(tableOf(lgOfValue(doc)));
    const { edges, oneSided } = edgesOf(drops);
    return { drops: drops.length, edges: edges.size, oneSided };
  }

  test('scatter of c files gathered by w: c + ceil(c/w) + 1 drops, 2c edges', (t) => {
    const base = readJson(join(lgDir, 'SuperBasicScatterGather.graph'));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 12 }), (c, w) => {
        const doc = structuredClone(base);
        setField(doc, (n) => n.category === 'Scatter', 'num_of_copies', c);
        setField(doc, (n) => n.category === 'Gather', 'num_of_inputs', w);
        const r = counts(doc);
        t.deepEqual(r, { drops: c + Math.ceil(c / w) + 1, edges: 2 * c, oneSided: [] });
      }),
      { numRuns: runs },
    );
  });

  test('loop of n iterations: 2n + 1 drops, 2n edges', (t) => {
    const base = readJson(join(lgDir, 'testLoop.graph'));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (n) => {
        const doc = structuredClone(base);
        setField(doc, (x) => x.category === 'Loop', 'num_of_iter', n);
        t.deepEqual(counts(doc), { drops: 2 * n + 1, edges: 2 * n, oneSided: [] });
      }),
      { numRuns: runs },
    );
  });

  test('scatter s of loop l (ArrayLoop): 3 + s + 3sl drops, every relationship on both ends', (t) => {
    const base = readJson(join(lgDir, 'ArrayLoop.graph'));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 10 }), (s, l) => {
        const doc = structuredClone(base);
        setField(doc, (x) => x.category === 'Scatter', 'num_of_copies', s);
        setField(doc, (x) => x.category === 'Loop', 'num_of_iter', l);
        const r = counts(doc);
        t.is(r.drops, 3 + s + 3 * s * l);
        t.deepEqual(r.oneSided, []);
      }),
      { numRuns: runs },
    );
  });

  test('nested scatters s1 ⊃ s2 with gathers and group-bys (test_grpby_gather): the corner-turn formulas', (t) => {
    const base = readJson(join(lgDir, 'test_grpby_gather.graph'));
    const outer = (n: any) => n.category === 'Scatter' && !n.parentId;
    const inner = (n: any) => n.category === 'Scatter' && !!n.parentId;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 15 }), (s1, s2) => {
        const doc = structuredClone(base);
        setField(doc, outer, 'num_of_copies', s1);
        setField(doc, inner, 'num_of_copies', s2);
        const g1 = Math.ceil((s1 * s2) / 2);
        const g2 = Math.ceil(s2 / 2);
        t.deepEqual(counts(doc), {
          drops: 2 + 3 * s1 * s2 + s1 + 2 * g1 + 5 * s2 + 2 * g2,
          edges: 8 * s1 * s2 + 4 * s2 + g1 + g2,
          oneSided: [],
        });
      }),
      { numRuns: runs },
    );
  });
}
