// Loose value types in EAGLE files (string booleans, unusable metadata): coerced with one
// DLG1014 warning when the meaning is unambiguous, left to the schema rule otherwise.
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadValue } from '../../compiler/load/index.ts';
import { coerceLooseTypes } from '../../compiler/load/loose.ts';
import { translate } from '../../compiler/translate.ts';
import { repoRoot } from '../helpers.ts';

const hello = () => JSON.parse(readFileSync(join(repoRoot, 'fixtures/graphs/hello_pipeline.graph'), 'utf8'));

function run(doc: unknown) {
  const r = loadValue(doc, 'hello.graph');
  if (!r.value) return r.diagnostics;
  return [...r.diagnostics, ...translate(r.value, { emit: 'pgt', oidPrefix: '1' }).diagnostics];
}

test('an OJS file with "positional": "false" translates with a warning, not a schema error', (t) => {
  const doc = hello();
  doc.nodeDataArray[1].fields[1].positional = 'false';
  doc.nodeDataArray[1].fields[2].readonly = ' TRUE ';
  const diags = run(doc);
  t.deepEqual(diags.filter((d) => d.severity === 'error'), []);
  const w = diags.filter((d) => d.code === 'DLG1014');
  t.is(w.length, 1);
  t.is(w[0].severity, 'warning');
  t.regex(w[0].message, /field positional ×1/);
  t.regex(w[0].message, /field readonly ×1/);
  t.is(doc.nodeDataArray[1].fields[1].positional, false);
  t.is(doc.nodeDataArray[1].fields[2].readonly, true);
});

test('an ambiguous boolean ("yes", "") is still a schema error naming the field', (t) => {
  const doc = hello();
  doc.nodeDataArray[1].fields[1].positional = 'yes';
  const errors = run(doc).filter((d) => d.severity === 'error');
  t.is(errors.length, 1);
  t.is(errors[0].code, 'DLG3001');
  t.is(errors[0].pointer, '/nodeDataArray/1/fields/1/positional');
  t.is(errors[0].field, 'greet');
});

test('graph metadata of the wrong type is ignored; an empty one silently', (t) => {
  const doc = hello();
  doc.modelData.lastModifiedDatetime = '';
  t.deepEqual(run(doc).filter((d) => d.code === 'DLG1014' || d.severity === 'error'), []);
  t.false('lastModifiedDatetime' in doc.modelData);
  const doc2 = hello();
  doc2.modelData.numLGNodes = 'seven';
  doc2.modelData.readonly = 'false';
  const diags = run(doc2);
  t.deepEqual(diags.filter((d) => d.severity === 'error'), []);
  const w = diags.find((d) => d.code === 'DLG1014');
  t.regex(w!.message, /modelData readonly ×1/);
  t.regex(w!.message, /ignored graph metadata of the wrong type: modelData numLGNodes \("seven"\)/);
  t.is(doc2.modelData.readonly, false);
});

// Untrusted input: whatever the document, the coercion never throws and leaves no
// "true"/"false" string in a field flag.
const loose = fc.oneof(fc.constantFrom('true', 'false', 'TRUE', ' false ', 'yes', '', 0, 1, null, true), fc.string({ maxLength: 5 }));
const fieldArb = fc.record({ id: fc.string({ maxLength: 3 }), readonly: loose, precious: loose, positional: loose, keyAttribute: loose }, { requiredKeys: ['id'] });
const nodeArb = fc.oneof(
  fc.record({ id: fc.string({ maxLength: 3 }), isGroup: loose, fields: fc.oneof(fc.array(fc.oneof(fieldArb, fc.constant(null))), loose), inputAppFields: fc.array(fieldArb) }, { requiredKeys: ['id'] }),
  fc.constant(null), fc.string(),
);
const docArb = fc.record({
  modelData: fc.oneof(fc.dictionary(fc.constantFrom('readonly', 'lastModifiedDatetime', 'numLGNodes', 'filePath', 'other'), loose), loose),
  nodeDataArray: fc.oneof(fc.array(nodeArb, { maxLength: 5 }), loose),
  linkDataArray: fc.oneof(fc.array(fc.oneof(fc.record({ closesLoop: loose }), fc.constant(null)), { maxLength: 3 }), loose),
});

test('coercion never throws and leaves no "true"/"false" string in a flag', (t) => {
  const r = fc.check(fc.property(docArb, (doc) => {
    const copy = structuredClone(doc) as Record<string, any>;
    coerceLooseTypes(copy, 'x');
    const isBoolString = (v: unknown) => typeof v === 'string' && /^(true|false)$/i.test(v.trim());
    for (const n of Array.isArray(copy.nodeDataArray) ? copy.nodeDataArray : []) {
      if (!n || typeof n !== 'object') continue;
      if (isBoolString(n.isGroup)) return false;
      for (const list of [n.fields, n.inputAppFields]) {
        for (const f of Array.isArray(list) ? list : []) {
          if (f && ['readonly', 'precious', 'positional', 'keyAttribute'].some((k) => isBoolString(f[k]))) return false;
        }
      }
    }
    return true;
  }), { numRuns: 300 });
  t.false(r.failed, r.failed ? `counterexample: ${JSON.stringify(r.counterexample)}` : '');
  t.is(r.numRuns, 300);
});
