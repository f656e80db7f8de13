// Fuzzing the whole translator (load → fill → validate → unroll → place → emit) with mutated
// real graphs. Every case ends in diagnostics or in output that parses as JSON and passes our
// own drop-list validation: never an exception. FUZZ_RUNS sets the number of cases.

import test from 'ava';
import fc from 'fast-check';
import { hasErrors } from '../../compiler/diagnostics.ts';
import { loadSource } from '../../compiler/load/index.ts';
import { outputChunks, translate, type EmitKind } from '../../compiler/translate.ts';
import { validateDropList } from '../../compiler/validate/index.ts';
import { loadCorpus, mutate, mutation } from './mutate.ts';
import { needsShared } from '../shared.ts';

// Without ../shared (outside CI) the fuzzing runs on the project's own fixtures only.
const corpus = loadCorpus(needsShared(test));

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const EMITS: EmitKind[] = ['pgt', 'pgtp', 'pg'];
const ALGORITHMS = ['none', 'metis', 'mysarkar'];

test(`translation never throws and what it emits validates (${RUNS} mutated graphs)`, (t) => {
  let emitted = 0;
  const result = fc.check(
    fc.property(
      fc.nat({ max: corpus.length - 1 }),
      fc.array(mutation, { maxLength: 6 }),
      fc.constantFrom(...EMITS),
      fc.constantFrom(...ALGORITHMS),
      fc.integer({ min: 1, max: 4 }),
      (which, edits, emit, algorithm, parts) => {
        let doc = structuredClone(corpus[which].value);
        for (const m of edits) doc = mutate(doc, m);
        const loaded = loadSource({ file: corpus[which].name, text: JSON.stringify(doc) ?? 'null' });
        if (!loaded.value) return;
        // A drop list that is invalid already is passed through; the property is for the rest.
        if (loaded.value.kind === 'drops' && hasErrors(validateDropList(loaded.value.drops, 'in.json', loaded.value.reprodata))) return;
        const nodes = ['dim', 'nm0', 'nm1', 'nm2', 'nm3'];
        const r = translate(loaded.value, {
          emit, oidPrefix: 'f', maxDrops: 200_000,
          place: { algorithm, numPartitions: parts, numIslands: 1, nodes },
        });
        if (!r.value) {
          if (!hasErrors(r.diagnostics)) throw new Error('no value and no error');
          return;
        }
        const parts2: Buffer[] = [];
        for (const c of outputChunks(r.value, { oidPrefix: 'f' })) parts2.push(Buffer.from(c));
        const list = JSON.parse(Buffer.concat(parts2).toString()) as Record<string, unknown>[];
        const trailing = list.pop();
        const errors = validateDropList(list, 'out.json', trailing).filter((d) => d.severity === 'error');
        if (errors.length) throw new Error(errors.map((d) => `${d.code} ${d.message}`).slice(0, 3).join('; '));
        emitted++;
      },
    ),
    { numRuns: RUNS, seed: SEED },
  );
  if (result.failed) {
    t.fail(`seed ${result.seed}, counterexample ${JSON.stringify(result.counterexample)}\n${(result.errorInstance as Error)?.stack}`);
    return;
  }
  t.true(emitted > 0, 'some mutated graphs still translate');
});
