// Resolving a spec's class is done once per spec for 10^6-drop graphs, from a table of the
// resolutions seen (drops/registry.ts): the table must answer exactly as resolving afresh
// would, whatever order specs come in, including the lower-case `data` specs whose class
// comes from their `storage`, and must stop growing on graphs full of made-up class names.

import test from 'ava';
import { resolveDropClass, type Resolution } from '../../engine/drops/registry.ts';
import { pydataOf } from '../../engine/pyvalue/pydata.ts';
import type { DropSpec } from '../../engine/drops/spec.ts';

const nameOf = (r: Resolution): string => (r.ok ? r.cls.name : 'unimplemented' in r ? `unimplemented ${r.unimplemented}` : `invalid ${r.invalid}`);
const resolve = (spec: Omit<DropSpec, 'oid'>): string => nameOf(resolveDropClass({ oid: 'x', ...spec } as DropSpec));

test('lower-case data specs go by their storage every time, whatever came before', (t) => {
  for (let round = 0; round < 2; round++) {
    t.is(resolve({ categoryType: 'data', storage: 'Memory' }), 'dlg.data.drops.memory.InMemoryDROP');
    t.is(resolve({ categoryType: 'data', storage: 'File' }), 'dlg.data.drops.file.FileDROP');
    t.is(resolve({ categoryType: 'data' }), 'dlg.data.drops.file.FileDROP', 'File by default');
    t.is(resolve({ categoryType: 'data', storage: 'NGAS' }), 'unimplemented dlg.data.drops.ngas.NgasDROP');
    // A class name the engine does not know: `data` falls back on storage, `Data` does not.
    t.is(resolve({ categoryType: 'data', dropclass: 'my.Unknown', storage: 'Memory' }), 'dlg.data.drops.memory.InMemoryDROP');
    t.is(resolve({ categoryType: 'data', dropclass: 'my.Unknown', storage: 'File' }), 'dlg.data.drops.file.FileDROP');
    t.is(resolve({ categoryType: 'Data', dropclass: 'my.Unknown', storage: 'Memory' }), 'unimplemented my.Unknown');
  }
});

test('the same names resolve the same whether seen before or not: aliases, spaces, wrong kinds', (t) => {
  for (let round = 0; round < 2; round++) {
    t.is(resolve({ categoryType: 'Application', dropclass: ' dlg.apps.simple.NullBarrierApp ' }), 'dlg.apps.simple.NullBarrierApp');
    t.is(resolve({ categoryType: 'app', dropclass: 'dfms.apps.simple.SleepApp' }), 'dlg.apps.simple.SleepApp');
    t.is(resolve({ categoryType: 'Application', dropclass: 'dlg.data.drops.memory.InMemoryDROP' }), 'invalid class dlg.data.drops.memory.InMemoryDROP is not a application class');
    t.is(resolve({ categoryType: 'Application' }), 'invalid application drop without a dropclass');
    t.is(resolve({ categoryType: 'Container' }), 'unimplemented container drop (categoryType container)');
    t.is(resolve({ categoryType: 'Whatever', dropclass: 'x' }), "invalid unknown categoryType 'Whatever'");
  }
});

test('a graph of thousands of made-up class names is resolved name by name, past the table\'s bound', (t) => {
  for (let i = 0; i < 3000; i++) t.is(resolve({ categoryType: 'Application', dropclass: `made.up.App${i}` }), `unimplemented made.up.App${i}`);
  for (let i = 0; i < 3000; i += 997) t.is(resolve({ categoryType: 'Application', dropclass: `made.up.App${i}` }), `unimplemented made.up.App${i}`);
  t.is(resolve({ categoryType: 'Application', dropclass: 'dlg.apps.simple.CopyApp' }), 'dlg.apps.simple.CopyApp');
});

test('a memory drop without pydata is read as having none, and its spec gets nothing added', (t) => {
  const bare: DropSpec = { oid: 'a', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' };
  t.is(pydataOf(bare).kind, 'none');
  t.is(pydataOf(bare).kind, 'none');
  t.deepEqual(Object.getOwnPropertySymbols(bare), []);
  const withData: DropSpec = { ...bare, oid: 'b', pydata: 'hello' };
  const plan = pydataOf(withData);
  t.like(plan, { kind: 'bytes', text: true });
  t.is(pydataOf(withData), plan, 'parsed once, kept on the spec');
  t.is(JSON.stringify(withData), '{"oid":"b","categoryType":"Data","dropclass":"dlg.data.drops.memory.InMemoryDROP","pydata":"hello"}');
});
