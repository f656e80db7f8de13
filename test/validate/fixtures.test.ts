// The reference's graphs: every translator LG validates without errors, and the engine
// fixtures validate as what they are (LG or drop list).

import test from 'ava';
import { basename, join, relative } from 'node:path';
import { CODES } from '../../compiler/diagnostics.ts';
import { loadFile } from '../../compiler/load/index.ts';
import { validate } from '../../compiler/validate/index.ts';
import { errorsOf, graphConfigs, listFiles, logicalGraphs, readJson, shared } from './helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  const translatorGraphs = listFiles(logicalGraphs, /\.graph$/);
  const expectedCounts = readJson<{ graphs: Record<string, unknown>; reference_fails: Record<string, string> }>(join(shared, 'expected-counts.json'));

  test('the translator fixture list is complete (every graph of expected-counts.json is here)', (t) => {
    const names = translatorGraphs.map((f) => basename(f)).sort();
    t.deepEqual(names, [...Object.keys(expectedCounts.graphs), ...Object.keys(expectedCounts.reference_fails)].sort());
  });

  for (const file of [...translatorGraphs, ...listFiles(graphConfigs, /\.graph$/)]) {
    test(`loads and validates without errors: ${relative(shared, file)}`, (t) => {
      const loaded = loadFile(file);
      t.is(loaded.value?.kind, 'lg');
      t.deepEqual(errorsOf(loaded.diagnostics), []);
      const diags = validate(loaded.value!);
      t.deepEqual(errorsOf(diags), []);
    });
  }

  // Engine fixtures: some are broken on purpose (topological-sort tests of the reference).
  const engineFiles = [...listFiles(join(shared, 'engine'), /\.(graph|json)$/), ...listFiles(join(shared, 'reproGraphs'), /\.graph$/)];
  const BROKEN_ON_PURPOSE: Record<string, string> = {
    'testCycle.graph': CODES.CYCLE,
    'testNotDAG.graph': CODES.CYCLE,
    'testEmpty.graph': CODES.EMPTY_GRAPH,
  };

  for (const file of engineFiles) {
    test(`validates as what it is: ${relative(shared, file)}`, (t) => {
      const raw = readJson<unknown>(file);
      const loaded = loadFile(file);
      // A JSON array is a drop list (PGT/PG), an object with nodeDataArray an LG (§4.1, §1.1).
      t.is(loaded.value?.kind, Array.isArray(raw) ? 'drops' : 'lg');
      const errors = errorsOf([...loaded.diagnostics, ...validate(loaded.value!)]);
      const purpose = BROKEN_ON_PURPOSE[basename(file)];
      if (purpose) {
        t.true(errors.length > 0);
        t.true(errors.every((d) => d.code === purpose), JSON.stringify(errors));
      } else {
        t.deepEqual(errors, []);
      }
    });
  }
}
