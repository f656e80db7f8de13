// Values a user types (issue 8, item 12): numbers written as strings in other forms than
// digits ("1e3", "3.0", "0x10") and out-of-range numbers (1e309) are "not an integer",
// wherever they arrive (a parameter, a field of the graph); and prototype keys (__proto__,
// constructor, prototype) never reach an object map from parameters or configurations.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODES, type Diagnostic } from '../../compiler/diagnostics.ts';
import { fill, parseParamArgs, readConfigFile, readParamsFile } from '../../compiler/fill/index.ts';
import { loadValue } from '../../compiler/load/index.ts';
import { translate } from '../../compiler/translate.ts';

const repoRoot = join(fileURLToPath(import.meta.url), '../../..');
const pipeline = JSON.parse(readFileSync(join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), 'utf8'));

/** Translate the bundled pipeline with parameters (or with its Scatter's field edited). */
function errorsOf(params: Record<string, unknown>, copiesField?: unknown): Diagnostic[] {
  const doc = structuredClone(pipeline);
  if (copiesField !== undefined) for (const f of doc.nodeDataArray[0].fields) if (f.name === 'num_of_copies') f.value = copiesField;
  const loaded = loadValue(doc, 'hello_pipeline.graph');
  const t = translate(loaded.value!, { emit: 'pgt', oidPrefix: '1', fill: (d, file) => fill(d, { params }, file) });
  return t.diagnostics.filter((d) => d.severity === 'error');
}

for (const written of ['1e3', '3.0', '0x10']) {
  test(`"${written}" as a parameter or a field value is "not an integer", naming the field`, (t) => {
    const viaParam = errorsOf({ 'Greetings.num_of_copies': written });
    t.is(viaParam.length, 1);
    t.is(viaParam[0]!.code, CODES.BAD_PARAMETER_VALUE);
    t.regex(viaParam[0]!.message, new RegExp(`the value "${written}" is not an integer \\(write it in digits: ${Number(written)}\\)`));
    t.is(viaParam[0]!.field, 'num_of_copies');

    const inGraph = errorsOf({}, written);
    t.is(inGraph.length, 1, JSON.stringify(inGraph));
    t.is(inGraph[0]!.code, CODES.BAD_MULTIPLICITY);
    t.regex(inGraph[0]!.message, new RegExp(`num_of_copies is "${written}", which is not an integer \\(write it in digits: ${Number(written)}\\)`));
    t.notRegex(inGraph[0]!.message, /at least 1/, 'not the misleading "must be at least 1"');
  });
}

test('1e309 (Infinity once parsed) is named as such, not as null', (t) => {
  const viaParam = errorsOf(JSON.parse('{"Greetings.num_of_copies": 1e309}'));
  t.regex(viaParam[0]!.message, /the value Infinity is not an integer \(the number is out of range\)/);
  const inGraph = errorsOf({}, Infinity);
  t.regex(inGraph[0]!.message, /num_of_copies is Infinity, which is not an integer \(the number is out of range\)/);
  // Integers written as digits, or as JSON numbers, still work.
  t.deepEqual(errorsOf({ 'Greetings.num_of_copies': '5' }), []);
  t.deepEqual(errorsOf({ 'Greetings.num_of_copies': 5 }), []);
});

test('-p with __proto__, constructor or prototype is an error, as a JSON key or a name part', (t) => {
  for (const arg of ['{"__proto__": {"Greetings.num_of_copies": 7}}', '{"x": {"constructor": 1}}', '{"a": [{"prototype": 1}]}', '__proto__.polluted=1', 'Greetings.constructor=1']) {
    const r = parseParamArgs([arg]);
    t.is(r.value, undefined, arg);
    t.is(r.diagnostics[0]?.code, CODES.BAD_PARAMETER_ARG, arg);
    t.regex(r.diagnostics[0]!.message, /__proto__|constructor|prototype/);
  }
  t.is(({} as Record<string, unknown>).polluted, undefined);
  // A value that merely contains the words is fine.
  t.deepEqual(parseParamArgs(['Hello.greet=constructor __proto__']).value, { 'Hello.greet': 'constructor __proto__' });
});

test('--params and --config-file files with prototype keys are errors naming where', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dlg-proto-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const params = join(dir, 'p.json');
  writeFileSync(params, '{"ok": 1, "nested": {"\\u005f_proto__": {"x": 1}}}');
  const r = readParamsFile(params);
  t.is(r.value, undefined);
  t.is(r.diagnostics[0]!.code, CODES.BAD_PARAMS_FILE);
  t.is(r.diagnostics[0]!.pointer, '/nested/__proto__');
  const config = join(dir, 'c.json');
  writeFileSync(config, JSON.stringify({ id: 'c', name: 'c', nodes: { prototype: { fields: {} } } }));
  const c = readConfigFile(config);
  t.is(c.value, undefined);
  t.is(c.diagnostics[0]!.code, CODES.BAD_CONFIG_FILE);
  t.regex(c.diagnostics[0]!.message, /'prototype' \(at \/nodes\/prototype\) is not allowed/);
});

test('dlg-translate -p \'{"__proto__": …}\' is a usage error (exit 2) with the message, no stack trace', (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'compiler/cli/dlg-translate.ts'), join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), '-p', '{"__proto__": {"Greetings.num_of_copies": 7}}'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  t.is(r.status, 2, r.stderr);
  t.regex(r.stderr, /DLG2011.*'__proto__' \(at \/__proto__\) is not allowed/);
  t.notRegex(r.stderr, /at .*\.ts:\d+/);
  t.is(r.stdout, '');
});
