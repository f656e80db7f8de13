import test from 'ava';
import { join } from 'node:path';
import { CODES } from '../../compiler/diagnostics.ts';
import { acceptedNames, fill } from '../../compiler/fill/index.ts';
import { loadValue } from '../../compiler/load/index.ts';
import type { OjsDocument } from '../../compiler/model.ts';
import { schemaErrors } from '../../schemas/index.ts';
import { codes, fieldOf, loadLg, logicalGraphs, nodeByName, paramsDir, readJson } from '../validate/helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  const contImg = () => loadLg(join(logicalGraphs, 'cont_img_mvp.graph')).doc;
  const hello = () => loadLg(join(logicalGraphs, 'HelloWorld_simple.graph')).doc;

  /** The nodes whose field `dummy` holds the placeholder, as written in the fixture. */
  function placeholderFields(doc: OjsDocument): Map<string, string> {
    const out = new Map<string, string>();
    for (const n of doc.nodeDataArray) for (const f of n.fields ?? []) if (typeof f.value === 'string' && f.value.startsWith('~')) out.set(n.id, f.value);
    return out;
  }

  test('§2.2 example on cont_img_mvp: every placeholder gets its parameter, typed (Object fields keep the JSON value)', (t) => {
    const doc = contImg();
    const params = readJson<Record<string, unknown>>(join(paramsDir, 'cont_img_mvp.params.json'));
    const before = placeholderFields(doc);
    t.is(before.size, 5); // Solve, Flag, Model Image, CC, LSM (§2.2)
    const r = fill(doc, { params });
    t.deepEqual(r.diagnostics, []);
    const out = r.value!;
    const expected: Record<string, unknown> = { '~param1': 1, '~param2': '2', '~param1.param2': true, '~param4.what': 'hi' };
    for (const [id, placeholder] of before) {
      const n = out.nodeDataArray.find((x) => x.id === id)!;
      // The reference gives "1", "2", "True", "hi" (text); a whole-value placeholder here takes the JSON value.
      t.deepEqual(fieldOf(n, 'dummy').value, expected[placeholder], `${n.name}: ${placeholder}`);
    }
  });

  test('fill never mutates its input', (t) => {
    const doc = contImg();
    const copy = structuredClone(doc);
    fill(doc, { params: readJson(join(paramsDir, 'cont_img_mvp.params.json')) });
    fill(doc, { params: { 'Solve.dummy': 'x', nope: 1 } });
    t.deepEqual(doc, copy);
  });

  test('the filled graph is still an OJS logical graph (schema-valid, loads as an LG again)', (t) => {
    const r = fill(contImg(), { params: readJson(join(paramsDir, 'cont_img_mvp.params.json')) });
    t.deepEqual(schemaErrors('lg', r.value), []);
    const again = loadValue(JSON.parse(JSON.stringify(r.value)), 'filled.graph');
    t.is(again.value?.kind, 'lg');
    t.deepEqual(again.diagnostics, []);
  });

  test('placeholders inside strings are substituted as text; ~~ is a literal ~; "~/data" and unknown ~names stay', (t) => {
    const doc = hello();
    const app = doc.nodeDataArray[0];
    fieldOf(app, 'greet').value = '~~ ~{who} at ~/data and ~where. (~unknown)';
    const r = fill(doc, { params: { who: 'World', where: 3 } });
    t.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    t.is(fieldOf(r.value!.nodeDataArray[0], 'greet').value, '~ World at ~/data and 3. (~unknown)');
  });

  test('nested parameters are flattened with dots (§2.2)', (t) => {
    const doc = hello();
    fieldOf(doc.nodeDataArray[0], 'greet').value = '~obs.target.name in ~{obs.band}';
    const r = fill(doc, { params: { obs: { target: { name: 'M31' }, band: 'L' } } });
    t.deepEqual(r.diagnostics, []);
    t.is(fieldOf(r.value!.nodeDataArray[0], 'greet').value, 'M31 in L');
  });

  test('a field is addressed by node name or node id, and the value is converted to the field type', (t) => {
    const doc = hello();
    const app = nodeByName(doc, 'HelloWorldApp');
    const r = fill(doc, { params: { 'HelloWorldApp.greet': 'Universe', [`${app.id}.num_cpus`]: '4', 'hello.persist': 'true', 'HelloWorldApp.execution_time': '2.5' } });
    t.deepEqual(r.diagnostics, []);
    const out = r.value!;
    t.is(fieldOf(nodeByName(out, 'HelloWorldApp'), 'greet').value, 'Universe');
    t.is(fieldOf(nodeByName(out, 'HelloWorldApp'), 'num_cpus').value, 4);
    t.is(fieldOf(nodeByName(out, 'HelloWorldApp'), 'execution_time').value, 2.5);
    t.is(fieldOf(nodeByName(out, 'hello'), 'persist').value, true);
  });

  test('a value that does not fit the field type is an error naming node id, name, field and value', (t) => {
    const doc = hello();
    const app = nodeByName(doc, 'HelloWorldApp');
    const r = fill(doc, { params: { 'HelloWorldApp.num_cpus': 'lots' } });
    t.is(r.value, undefined);
    const d = r.diagnostics.find((x) => x.code === CODES.BAD_PARAMETER_VALUE)!;
    t.truthy(d);
    t.is(d.nodeId, app.id);
    t.is(d.nodeName, 'HelloWorldApp');
    t.is(d.field, 'num_cpus');
    t.regex(d.message, /"lots"/);
    t.regex(d.message, /Integer/);
  });

  test('Select fields accept only their options; Boolean and Float reject junk', (t) => {
    const doc = hello();
    const app = doc.nodeDataArray[0];
    app.fields!.push({ id: 'sel', name: 'log_level', value: 'INFO', type: 'Select', options: ['DEBUG', 'INFO'], usage: 'NoPort', parameterType: 'ComponentParameter' });
    const ok = fill(doc, { params: { 'HelloWorldApp.log_level': 'DEBUG' } });
    t.is(fieldOf(ok.value!.nodeDataArray[0], 'log_level').value, 'DEBUG');
    for (const [name, value] of [['log_level', 'LOUD'], ['group_start', 'maybe'], ['execution_time', 'soon']] as const) {
      const r = fill(doc, { params: { [`HelloWorldApp.${name}`]: value } });
      t.deepEqual(codes(r.diagnostics), [CODES.BAD_PARAMETER_VALUE], name);
    }
  });

  test('a whole-value placeholder in a typed field gets the converted value, or an error', (t) => {
    const doc = hello();
    fieldOf(doc.nodeDataArray[0], 'num_cpus').value = '~cpus';
    t.is(fieldOf(fill(doc, { params: { cpus: '8' } }).value!.nodeDataArray[0], 'num_cpus').value, 8);
    const bad = fill(doc, { params: { cpus: 'eight' } });
    t.deepEqual(codes(bad.diagnostics), [CODES.BAD_PARAMETER_VALUE]);
    t.is(bad.diagnostics[0].field, 'num_cpus');
  });

  test('an unknown name is an error listing the names the graph accepts, sorted, with a suggestion', (t) => {
    const doc = contImg();
    const r = fill(doc, { params: { parm1: 1 } });
    t.deepEqual(codes(r.diagnostics.filter((d) => d.severity === 'error')), [CODES.UNKNOWN_PARAMETER]);
    const msg = r.diagnostics.find((d) => d.code === CODES.UNKNOWN_PARAMETER)!.message;
    t.regex(msg, /'parm1'/);
    t.regex(msg, /Did you mean 'param1'/);
    // The placeholders written in the fixture, sorted.
    const written = [...new Set([...placeholderFields(doc).values()].map((p) => p.slice(1)))].sort();
    t.true(msg.includes(`placeholders: ${written.join(', ')}`), msg.slice(0, 300));
    const acc = acceptedNames(doc);
    t.deepEqual(acc.placeholders, written);
    t.deepEqual(acc.fields, [...acc.fields].sort());
  });

  test('an unused member of a nested parameter is unknown; a used whole object is not', (t) => {
    const doc = contImg();
    const r = fill(doc, { params: { param4: { what: 'hi', who: 'me' } } });
    const unknown = r.diagnostics.filter((d) => d.code === CODES.UNKNOWN_PARAMETER).map((d) => d.field);
    t.deepEqual(unknown, ['param4.who']);
  });

  test('a node name shared by several nodes is ambiguous; its id works', (t) => {
    const doc = loadLg(join(logicalGraphs, 'ArrayLoop.graph')).doc;
    const shared = doc.nodeDataArray.filter((n) => n.name === 'rest_array');
    t.true(shared.length > 1);
    const r = fill(doc, { params: { 'rest_array.dropclass': 'x.Y' } });
    t.deepEqual(codes(r.diagnostics), [CODES.AMBIGUOUS_PARAMETER]);
    for (const n of shared) t.true(r.diagnostics[0].message.includes(n.id));
    const byId = fill(doc, { params: { [`${shared[0].id}.dropclass`]: 'x.Y' } });
    t.deepEqual(byId.diagnostics, []);
    t.is(fieldOf(byId.value!.nodeDataArray.find((n) => n.id === shared[0].id)!, 'dropclass').value, 'x.Y');
  });

  test('unfilled placeholders are warnings naming node and field', (t) => {
    const r = fill(contImg(), {});
    t.truthy(r.value);
    const w = r.diagnostics.filter((d) => d.code === CODES.UNMATCHED_PLACEHOLDER);
    t.is(w.length, placeholderFields(contImg()).size);
    t.true(w.length > 0);
    t.true(w.every((d) => d.severity === 'warning' && d.field === 'dummy' && d.nodeId && d.nodeName));
  });
}
