// Pre-OJS graphs (integer `key`/`group`, `text` names, ports as inputPorts/outputPorts): the
// reference crashes on them with KeyError: 'id'; we convert them to the same model.
import test from 'ava';
import { join } from 'node:path';
import { loadFile, loadValue } from '../../compiler/load/index.ts';
import { edgesOf, lgOf, pgtOf, repoRoot, tableOf } from '../helpers.ts';

const dir = join(repoRoot, 'fixtures/legacy');

test('an EAGLE 5 graph with key/text and port fields translates like its OJS twin', (t) => {
  const r = loadFile(join(dir, 'eagle5_hello.graph'));
  t.is(r.value?.kind, 'lg');
  t.true(r.diagnostics.some((d) => d.code === 'DLG1011' && d.severity === 'warning'), 'the conversion is announced');
  const { drops } = pgtOf(tableOf(lgOf(join(dir, 'eagle5_hello.graph'))));
  t.is(drops.length, 2);
  const [app, file] = drops;
  t.is(app.oid, '1_-1_0', 'the integer key becomes the node id');
  t.is(app.name, 'HelloWorldApp');
  t.is(app.dropclass, 'dlg.apps.simple.HelloWorldApp', 'appclass is honoured');
  t.is(app.greet, 'Legacy');
  t.deepEqual(app.outputs, [{ '1_-2_0': 'hello' }]);
  t.is(file.weight, 7);
  t.deepEqual(file.producers, [{ '1_-1_0': 'dummy' }]);
});

test('an EAGLE 4 graph (group, inputPorts/outputPorts, no categoryType) unrolls its scatter', (t) => {
  const lg = lgOf(join(dir, 'eagle4_scatter.graph'));
  const names = lg.nodes.map((n) => [n.name, n.kind, n.parent >= 0 ? lg.nodes[n.parent].name : '-']);
  t.deepEqual(names, [
    ['By channel', 'construct', '-'],
    ['Calibrate', 'app', 'By channel'],
    ['Measurement set', 'data', 'By channel'],
    ['Calibrated', 'data', 'By channel'],
  ]);
  const { drops } = pgtOf(tableOf(lg));
  t.is(drops.length, 9);
  t.is(edgesOf(drops).edges.size, 6);
  const cal = drops.filter((d) => d.name === 'Calibrate');
  t.deepEqual(cal.map((d) => d.iid), ['0-0', '0-1', '0-2']);
  t.is(cal[0].dropclass, 'dlg.apps.bash_shell_app.BashShellApp');
  t.deepEqual(Object.values(cal[0].inputs[0]), ['ms'], 'ports keep their names');
  t.deepEqual(Object.values(cal[0].outputs[0]), ['cal']);
});

test('an unknown schemaVersion is rejected naming the version found', (t) => {
  const doc = { modelData: { schemaVersion: 'V9' }, nodeDataArray: [{ id: 'a', category: 'File' }], linkDataArray: [] };
  const bad = loadValue(doc, 'v9.graph');
  t.is(bad.value, undefined);
  t.is(bad.diagnostics[0].code, 'DLG1004');
  t.regex(bad.diagnostics[0].message, /'V9'/);
});
