// --summary's tables: one row per LG node whatever its name holds.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSummary, summarise } from '../../compiler/emit/summary.ts';
import { lgOfValue, repoRoot, tableOf } from '../helpers.ts';

test('--summary: names with newlines, tabs and control characters stay on their row, escaped', (t) => {
  const doc = JSON.parse(readFileSync(join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), 'utf8'));
  const plain = formatSummary(summarise(tableOf(lgOfValue(doc))));
  doc.nodeDataArray[1].name = 'Hello\nworld';
  doc.nodeDataArray[0].name = 'Greet\r\nings\t\u0007';
  const text = formatSummary(summarise(tableOf(lgOfValue(doc))));
  t.is(text.split('\n').length, plain.split('\n').length, 'as many lines as with plain names');
  const row = text.split('\n').find((l) => l.includes('Hello'));
  t.regex(row!, /^3 +Hello\\nworld +PythonApp +Scatter\(3\)$/);
  const construct = text.split('\n').find((l) => l.startsWith('Scatter '));
  t.regex(construct!, /^Scatter +Greet\\r\\nings\\t\\x07 +3 +3$/);
});

test('--summary: drops inside an ExclusiveForceNode name it', (t) => {
  const doc = JSON.parse(readFileSync(join(repoRoot, 'fixtures/graphs/exclusive_force.graph'), 'utf8'));
  const lines = formatSummary(summarise(tableOf(lgOfValue(doc)))).split('\n');
  t.regex(lines.find((l) => l.includes('calibrate'))!, /^4 +calibrate +BashShellApp +Scatter\(4\), ExclusiveForceNode 'Same node'$/);
  t.regex(lines.find((l) => / part /.test(l))!, /Scatter\(4\)$/);
});
