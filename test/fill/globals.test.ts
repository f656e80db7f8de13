import test from 'ava';
import { join } from 'node:path';
import { CODES } from '../../compiler/diagnostics.ts';
import { fill } from '../../compiler/fill/index.ts';
import type { OjsDocument, OjsField } from '../../compiler/model.ts';
import { codes, fieldOf, loadLg, logicalGraphs } from '../validate/helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  /** name → {value, type} of the EnvironmentVariables/GlobalVariable fields in a fixture. */
  function globalsOf(doc: OjsDocument): Map<string, OjsField> {
    const out = new Map<string, OjsField>();
    for (const n of doc.nodeDataArray) if (n.category === 'EnvironmentVariables' || n.category === 'GlobalVariable') for (const f of n.fields ?? []) out.set(f.name, f);
    return out;
  }

  test('HelloWorld_Global: an EnvironmentVariables global fills "{greet}" (Q14)', (t) => {
    const doc = loadLg(join(logicalGraphs, 'HelloWorld_Global.graph')).doc;
    const g = globalsOf(doc).get('greet')!;
    t.is(fieldOf(doc.nodeDataArray[0], 'greet').value, '{greet}');
    const r = fill(doc, {});
    t.deepEqual(r.diagnostics, []);
    t.is(fieldOf(r.value!.nodeDataArray[0], 'greet').value, g.value);
  });

  test('ArrayLoop_Global: whole "{name}" values take the typed global value', (t) => {
    const doc = loadLg(join(logicalGraphs, 'ArrayLoop_Global.graph')).doc;
    const globals = globalsOf(doc);
    const r = fill(doc, {});
    t.deepEqual(r.diagnostics, []);
    let seen = 0;
    doc.nodeDataArray.forEach((n, i) => {
      (n.fields ?? []).forEach((f, j) => {
        const m = typeof f.value === 'string' ? /^\{(.+)\}$/.exec(f.value) : null;
        if (!m || !globals.has(m[1])) return;
        seen++;
        const out = r.value!.nodeDataArray[i].fields![j];
        t.is(out.value, globals.get(m[1])!.value);
        t.is(typeof out.value, 'number');
      });
    });
    t.is(seen, 3);
  });

  test('a parameter can set a global by name, converted to the global type', (t) => {
    const doc = loadLg(join(logicalGraphs, 'ArrayLoop_Global.graph')).doc;
    const r = fill(doc, { params: { num_loops: '7' } });
    t.deepEqual(r.diagnostics, []);
    const loop = r.value!.nodeDataArray.find((n) => n.category === 'Loop')!;
    t.is(fieldOf(loop, 'num_of_iter').value, 7);
    t.deepEqual(codes(fill(doc, { params: { num_loops: 'seven' } }).diagnostics), [CODES.BAD_PARAMETER_VALUE]);
  });

  test('globals substitute inside longer strings as text; unknown {names} stay (engine placeholders)', (t) => {
    const doc = loadLg(join(logicalGraphs, 'ArrayLoop_Global.graph')).doc;
    const file = doc.nodeDataArray.find((n) => n.category === 'File')!;
    const fp = (file.fields ?? []).find((f) => f.name === 'filepath')!;
    fp.value = 'out_{num_loops}_{datetime}.txt';
    const r = fill(doc, {});
    t.deepEqual(r.diagnostics, []);
    const loops = globalsOf(doc).get('num_loops')!.value;
    t.is(fieldOf(r.value!.nodeDataArray.find((n) => n.id === file.id)!, 'filepath').value, `out_${loops}_{datetime}.txt`);
  });

  test('a global whose value does not fit its type, or a typed field it does not fit, is an error', (t) => {
    const doc = loadLg(join(logicalGraphs, 'HelloWorld_Global.graph')).doc;
    const env = doc.nodeDataArray.find((n) => n.category === 'EnvironmentVariables')!;
    env.fields!.push({ id: 'g2', name: 'cpus', value: 'many', type: 'Integer', usage: 'NoPort' });
    env.fields!.push({ id: 'g3', name: 'word', value: 'abc', type: 'String', usage: 'NoPort' });
    fieldOf(doc.nodeDataArray[0], 'num_cpus').value = '{word}';
    const r = fill(doc, {});
    t.deepEqual(codes(r.diagnostics).sort(), [CODES.GLOBAL_TYPE_MISMATCH, CODES.GLOBAL_TYPE_MISMATCH]);
    const onField = r.diagnostics.find((d) => d.field === 'num_cpus')!;
    t.is(onField.nodeId, doc.nodeDataArray[0].id);
    const onGlobal = r.diagnostics.find((d) => d.field === 'cpus')!;
    t.is(onGlobal.nodeId, env.id);
  });

  test('nodes without fields and fields without values never crash', (t) => {
    const doc = loadLg(join(logicalGraphs, 'HelloWorld_Global.graph')).doc;
    const env = doc.nodeDataArray.find((n) => n.category === 'EnvironmentVariables')!;
    env.fields!.push({ id: 'g4', name: 'empty', value: undefined as unknown, type: 'String' } as OjsField);
    delete doc.nodeDataArray[1].fields;
    doc.nodeDataArray.push({ id: 'g-node', category: 'GlobalVariable' });
    const r = fill(doc, {});
    t.truthy(r.value);
  });
}
