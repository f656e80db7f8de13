// Large inputs stay correct (no recursion limits, capped reports). Not timed: timing is
// scripts/bench-front.mjs's job.

import test from 'ava';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CODES } from '../../kernel/diagnostics.ts';
import { loadValue } from '../../compiler/load/index.ts';
import type { OjsDocument } from '../../compiler/model.ts';
import { validate, validateDropList } from '../../compiler/validate/index.ts';
import { errorsOf, repoRoot } from './helpers.ts';

/** A chain of n drops, app → data → app ..., written on both ends. */
function chain(n: number): Record<string, unknown>[] {
  const drops: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const app = i % 2 === 0;
    const d: Record<string, unknown> = { oid: `d${i}`, categoryType: app ? 'Application' : 'Data', dropclass: 'x.Y' };
    if (i > 0) d[app ? 'inputs' : 'producers'] = [`d${i - 1}`];
    if (i < n - 1) d[app ? 'outputs' : 'consumers'] = [`d${i + 1}`];
    drops.push(d);
  }
  return drops;
}

test('a 200,000-drop chain validates clean; closing it makes one cycle, found without recursion', (t) => {
  const drops = chain(200_000);
  t.deepEqual(validateDropList(drops), []);
  (drops[0] as { inputs: string[] }).inputs = ['d199999'];
  (drops[199_999] as { consumers: string[] }).consumers = ['d0'];
  const diags = validateDropList(drops);
  t.deepEqual(diags.map((d) => d.code), [CODES.PGT_CYCLE]);
  t.regex(diags[0].message, /and 199992 more/);
});

test('reports of one kind are capped with a summary', (t) => {
  const drops = chain(1000).map((d) => ({ ...d, producers: undefined, consumers: undefined }));
  const diags = validateDropList(drops);
  const oneSided = diags.filter((d) => d.code === CODES.PGT_ONE_SIDED);
  t.is(oneSided.length, 51);
  t.regex(oneSided[50].message, /… and 949 more/);
});

test('the generated 10,000-node LG validates without errors', (t) => {
  const text = execFileSync(process.execPath, [join(repoRoot, 'scripts/gen-lg.mjs'), '--nodes', '10000'], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const loaded = loadValue(JSON.parse(text), 'gen.graph');
  t.is(loaded.value?.kind, 'lg');
  t.true((loaded.value as { doc: OjsDocument }).doc.nodeDataArray.length > 9900);
  t.deepEqual(errorsOf(validate(loaded.value!)), []);
});

test('a 20,000-node cycle in an LG is reported, not a stack overflow', (t) => {
  const n = 20_000;
  const port = (id: string, usage: string) => ({ id, name: 'p', value: '', type: 'Object', usage });
  const nodeDataArray = Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    name: `N${i}`,
    category: i % 2 ? 'Memory' : 'PythonApp',
    categoryType: i % 2 ? 'Data' : 'Application',
    fields: [{ id: `n${i}-c`, name: 'dropclass', value: 'x.Y', type: 'String', usage: 'NoPort' }, port(`n${i}-i`, 'InputPort'), port(`n${i}-o`, 'OutputPort')],
  }));
  const linkDataArray = nodeDataArray.map((_, i) => ({ from: `n${i}`, fromPort: `n${i}-o`, to: `n${(i + 1) % n}`, toPort: `n${(i + 1) % n}-i` }));
  const diags = validate({ kind: 'lg', file: 'ring', version: 'OJS', doc: { nodeDataArray, linkDataArray } });
  t.deepEqual(errorsOf(diags).map((d) => d.code), [CODES.CYCLE]);
});
