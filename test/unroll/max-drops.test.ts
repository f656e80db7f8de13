// The drop limit (issue 8, item 9): a practical default, checked from the multiplicities
// before anything per drop is allocated, with a message that says how to raise it.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_DROPS, unroll } from '../../compiler/unroll/index.ts';
import { lgOfValue, repoRoot } from '../helpers.ts';

const hello = () => JSON.parse(readFileSync(join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), 'utf8'));

test('num_of_copies: 500000000 fails with DLG4006 naming the node, the construct and --max-drops, without allocating', (t) => {
  const doc = hello();
  doc.nodeDataArray[0].fields[0].value = 500_000_000;
  const lg = lgOfValue(doc);
  global.gc?.();
  const before = process.memoryUsage();
  const r = unroll(lg);
  const after = process.memoryUsage();
  t.is(r.value, undefined);
  t.is(r.diagnostics.length, 1);
  const d = r.diagnostics[0];
  t.is(d.code, 'DLG4006');
  t.is(d.nodeId, 'hello-app');
  t.regex(d.message, /unrolls to 1,166,666,670 drops, more than the limit of 50,000,000/);
  t.regex(d.message, /'Hello' with 500,000,000 drops, made by Scatter 'Greetings' \(500000000\)/);
  t.regex(d.message, /raise the limit with --max-drops N/);
  // A table for 10^9 drops would take gigabytes of typed arrays; the check allocates none.
  t.true(after.arrayBuffers - before.arrayBuffers < 16 << 20, `array buffers grew by ${after.arrayBuffers - before.arrayBuffers}`);
  t.true(after.rss - before.rss < 256 << 20, `rss grew by ${after.rss - before.rss}`);
});

test('the default is 5·10^7 and an explicit limit replaces it', (t) => {
  t.is(DEFAULT_MAX_DROPS, 50_000_000);
  const doc = hello();
  doc.nodeDataArray[0].fields[0].value = 25_000_001; // two nodes in the scatter: > 5·10^7 drops
  const over = unroll(lgOfValue(doc));
  t.regex(over.diagnostics[0]?.message ?? '', /more than the limit of 50,000,000/);
  const small = lgOfValue(hello());
  t.is(unroll(small).value?.n, 10);
  const r = unroll(small, { maxDrops: 9 });
  t.is(r.value, undefined);
  t.regex(r.diagnostics[0].message, /unrolls to 10 drops, more than the limit of 9/);
  t.is(unroll(small, { maxDrops: 10 }).value?.n, 10);
});
