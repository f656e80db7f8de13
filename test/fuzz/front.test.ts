// Fuzzing the front end (load → fill → validate) with mutated real graphs: deleted nodes,
// links and fields, changed types and values, broken references, truncated text. Every
// case must end in a value or diagnostics: never an exception, never an internal-error
// diagnostic. FUZZ_RUNS sets the number of cases (CI default: a few hundred).

import test from 'ava';
import fc from 'fast-check';
import { CODES } from '../../compiler/diagnostics.ts';
import { fill } from '../../compiler/fill/index.ts';
import { buildLogicalGraph, loadSource } from '../../compiler/load/index.ts';
import { validate } from '../../compiler/validate/index.ts';
import { loadCorpus, mutate, mutation, values, type Mutation } from './mutate.ts';
import { needsShared } from '../shared.ts';

// Without ../shared (outside CI) the fuzzing runs on the project's own fixtures only.
const corpus = loadCorpus(needsShared(test));

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

const params = fc.option(fc.dictionary(fc.oneof(fc.constantFrom('p', 'p.q', 'g', 'param1', 'num_copies', 'HelloWorldApp.greet', 'Loop.num_of_iter'), fc.string({ maxLength: 8 })), values, { maxKeys: 4 }), { nil: undefined });
const config = fc.option(fc.constantFrom('LoopConfig', 'ScatterConfig', 'bc177707-3e9c-428c-92ce-7c50704b0c31', 'nope'), { nil: undefined });

test(`load → fill → validate never throws (${RUNS} mutated graphs)`, (t) => {
  let outcomes = 0;
  // fc.check, not fc.assert: ava then shows the error and stack of the shrunk case.
  const result = fc.check(
    fc.property(
      fc.nat({ max: corpus.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 8 }),
      fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      params,
      config,
      (which, edits, truncateAt, p, cfg) => {
        try {
          runCase(which, edits, truncateAt, p, cfg);
        } catch (e) {
          // fast-check prints the inputs; the stack says where it broke.
          throw new Error(`${corpus[which].name}: ${(e as Error).stack}`);
        }
        outcomes++;
      },
    ),
    { numRuns: RUNS, seed: SEED },
  );
  if (result.failed) {
    t.fail(`seed ${result.seed}, counterexample ${JSON.stringify(result.counterexample)}\n${(result.errorInstance as Error)?.message}`);
    return;
  }
  t.true(outcomes >= RUNS);
});

function runCase(which: number, edits: Mutation[], truncateAt: number | undefined, p: Record<string, unknown> | undefined, cfg: string | undefined): void {
  let doc = structuredClone(corpus[which].value);
  for (const m of edits) doc = mutate(doc, m);
  let text = JSON.stringify(doc) ?? 'null';
  if (truncateAt !== undefined) text = text.slice(0, Math.floor(text.length * truncateAt));
  const loaded = loadSource({ file: corpus[which].name, text });
  if (!loaded.value) {
    if (loaded.diagnostics.length === 0) throw new Error('no value and no diagnostics');
    return;
  }
  const diags = validate(loaded.value, { params: p, config: cfg });
  const internal = diags.filter((d) => d.code === CODES.INTERNAL);
  if (internal.length) throw new Error(internal.map((d) => d.message).join('; '));
  if (loaded.value.kind === 'lg') {
    const filled = fill(loaded.value.doc, { params: p, config: cfg });
    if (!filled.value && !filled.diagnostics.some((d) => d.severity === 'error')) throw new Error('fill gave no value and no error');
    buildLogicalGraph(filled.value ?? loaded.value.doc, 'fuzz');
  }
}
