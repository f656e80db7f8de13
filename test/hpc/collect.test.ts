// Which failed drops of a job's summary are causes and which failed because of an upstream
// drop: the relationships are read from either side of the drop list, as graphs carry them.

import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';
import { consequences } from '../../engine/hpc/job/collect.ts';

const specsOf = (list: Record<string, unknown>[]) => new Map(list.filter((d) => typeof d.oid === 'string').map((d) => [d.oid as string, d]));

test('the failing bash fixture: the app that failed is the cause; its output, the app reading it and that app\'s output are consequences', (t) => {
  const list = JSON.parse(readFileSync(join(repoRoot, 'fixtures/engine/failing-bash.pg.json'), 'utf8')) as Record<string, unknown>[];
  const errored = new Set(['fail', 'fail-out', 'after', 'after-out']);
  t.deepEqual([...consequences(specsOf(list), errored)].sort(), ['after', 'after-out', 'fail-out']);
  // The same in any order of the list.
  t.deepEqual([...consequences(specsOf([...list].reverse()), errored)].sort(), ['after', 'after-out', 'fail-out']);
  // A drop in ERROR downstream of drops that did not fail is a cause of its own.
  t.deepEqual([...consequences(specsOf(list), new Set(['after', 'after-out']))], ['after-out']);
});

test('property: a drop in ERROR is a consequence exactly when one of its upstream drops is in ERROR, whichever side lists the edge', (t) => {
  const graph = fc.integer({ min: 1, max: 25 }).chain((n) => fc.record({
    n: fc.constant(n),
    // Edges i → j with i < j (a DAG), each written on the upstream side, the downstream side or both.
    edges: fc.uniqueArray(
      fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom('up', 'down', 'both'), fc.boolean()).map(([x, y, side, port]) => [Math.min(x, y), Math.max(x, y), side, port] as const),
      { selector: ([a, b]) => `${a}-${b}` },
    ).map((es) => es.filter(([a, b]) => a < b)),
    errored: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  }));
  fc.assert(fc.property(graph, ({ n, edges, errored }) => {
    const specs = Array.from({ length: n }, (_, i) => ({ oid: `d${i}`, outputs: [] as unknown[], consumers: [] as unknown[], inputs: [] as unknown[], producers: [] as unknown[] }));
    for (const [a, b, side, withPort] of edges) {
      // Entries are plain oids or {oid: port}.
      const ref = (k: number) => (withPort ? { [`d${k}`]: 'port' } : `d${k}`);
      if (side !== 'down') specs[a]![b % 2 ? 'outputs' : 'consumers'].push(ref(b));
      if (side !== 'up') specs[b]![a % 2 ? 'inputs' : 'producers'].push(ref(a));
    }
    const bad = new Set(specs.filter((_, i) => errored[i]).map((s) => s.oid));
    const expected = specs.filter((_, j) => errored[j] && edges.some(([a, b]) => b === j && errored[a])).map((s) => s.oid);
    return JSON.stringify([...consequences(specsOf(specs), bad)].sort()) === JSON.stringify(expected.sort());
  }), { numRuns: 300 });
  t.pass();
});
