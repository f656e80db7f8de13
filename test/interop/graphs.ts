// The logical graphs of the interop tests that are written here (the others are DALiuGE's own
// test graphs in ../shared): PyFuncApps of fixtures/python/dlgts_testfuncs.py and DALiuGE's
// simple Python apps, each writing its result to a file drop both engines name the same way.

import { LgBuilder } from './lg.ts';

const M = 'dlgts_testfuncs';

export function pyfuncGraph(): Record<string, unknown> {
  const g = new LgBuilder('pyfunc_interop');
  const port = (node: string, name: string, usage: 'InputPort' | 'OutputPort', encoding = 'pickle') => g.field(node, name, null, { usage, encoding });
  const value = (node: string, name: string, v: unknown, type = 'Integer') => g.field(node, name, v, { type });

  // add(a=7 from a port, b=5): 12
  const a = g.memory('seven', { value: 7, type: 'Integer' });
  const add = g.pyfunc('add', `${M}.add`, [port('add', 'a', 'InputPort'), value('add', 'b', 5), port('add', 'out', 'OutputPort')]);
  const addOut = g.file('add_out');
  g.link(a, 'io', add, 'a').link(add, 'out', addOut, 'io');

  // pair(x=10): the whole tuple to both outputs, pickle and utf-8
  const pair = g.pyfunc('pair', `${M}.pair`, [value('pair', 'x', 10), port('pair', 'o1', 'OutputPort'), port('pair', 'o2', 'OutputPort', 'utf-8')]);
  const p1 = g.file('pair_pickle');
  const p2 = g.file('pair_text');
  g.link(pair, 'o1', p1, 'io').link(pair, 'o2', p2, 'io');

  // Counter(start=10) written dill on port self, then inc(self, step=5): 15
  const ctor = g.pyfunc('ctor', `${M}.Counter.__init__`, [value('ctor', 'start', 10), port('ctor', 'self', 'OutputPort', 'dill')]);
  const obj = g.memory('counter');
  const inc = g.pyfunc('inc', `${M}.Counter.inc`, [port('inc', 'self', 'InputPort', 'dill'), value('inc', 'step', 5), port('inc', 'out', 'OutputPort')]);
  const incOut = g.file('inc_out');
  g.link(ctor, 'self', obj, 'io').link(obj, 'io', inc, 'self').link(inc, 'out', incOut, 'io');

  // inline source: f(41) = 42
  const x41 = g.memory('forty_one', { value: 41, type: 'Integer' });
  const f = g.pyfunc('inline', 'f', [port('inline', 'x', 'InputPort'), port('inline', 'out', 'OutputPort')], 'def f(x):\n    return x + 1');
  const fOut = g.file('inline_out');
  g.link(x41, 'io', f, 'x').link(f, 'out', fOut, 'io');

  // mix(a, b, *args, c=3, **kwargs) with a keyword-only c and an extra k
  const one = g.memory('one', { value: 1, type: 'Integer' });
  const mix = g.pyfunc('mix', `${M}.mix`, [port('mix', 'a', 'InputPort'), value('mix', 'b', 2), value('mix', 'k', 'K', 'String'), value('mix', 'c', 30), port('mix', 'out', 'OutputPort')]);
  const mixOut = g.file('mix_out');
  g.link(one, 'io', mix, 'a').link(mix, 'out', mixOut, 'io');

  // an exception: the app, its output and the app after it fail
  const three = g.memory('three', { value: 3, type: 'Integer' });
  const boom = g.pyfunc('boom', `${M}.boom`, [port('boom', 'x', 'InputPort'), port('boom', 'out', 'OutputPort')]);
  const boomOut = g.memory('boom_out');
  const after = g.pyfunc('after', `${M}.ident`, [port('after', 'x', 'InputPort'), port('after', 'out', 'OutputPort')]);
  const afterOut = g.file('after_out');
  g.link(three, 'io', boom, 'x').link(boom, 'out', boomOut, 'io').link(boomOut, 'io', after, 'x').link(after, 'out', afterOut, 'io');
  return g.build();
}

export function simpleAppsGraph(): Record<string, unknown> {
  const g = new LgBuilder('simple_interop');
  const port = (node: string, name: string, usage: 'InputPort' | 'OutputPort') => g.field(node, name, null, { usage });

  const list = g.memory('seven_items', { value: '[0, 1, 2, 3, 4, 5, 6]', type: 'Json' });
  const scatter = g.app('scatter', 'dlg.apps.simple.GenericScatterApp', { num_of_copies: 3 }, [port('scatter', 'array', 'InputPort'), port('scatter', 'part', 'OutputPort')]);
  g.link(list, 'io', scatter, 'array');
  for (let i = 0; i < 3; i++) g.link(scatter, 'part', g.file(`part${i}`), 'io');

  const l1 = g.memory('first_list', { value: '[1, 2]', type: 'Json' });
  const l2 = g.memory('second_list', { value: '[3, 4]', type: 'Json' });
  const avg = g.app('average', 'dlg.apps.simple.AverageArraysApp', { method: 'mean' }, [port('average', 'array', 'InputPort'), port('average', 'mean', 'OutputPort')]);
  g.link(l1, 'io', avg, 'array').link(l2, 'io', avg, 'array').link(avg, 'mean', g.file('mean'), 'io');

  // pydata types pydata_types.graph does not have, copied as they are into files
  const pickled7 = Buffer.from('80044b072e', 'hex').toString('base64');
  const kinds: [string, unknown, string][] = [
    ['empty_object', '', 'Object'],
    ['a_list', '[1, 2]', 'list'],
    ['evaluated', '2 ** 10 + 1', 'eval'],
    ['raw_value', pickled7, 'raw'],
    ['object_value', pickled7, 'Object.int'],
    ['a_select', 'mean', 'Select'],
  ];
  for (const [name, value, type] of kinds) {
    const d = g.memory(name, { value, type });
    const copy = g.app(`copy_${name}`, 'dlg.apps.simple.CopyApp', {}, [port(`copy_${name}`, 'data', 'InputPort'), port(`copy_${name}`, 'copy', 'OutputPort')]);
    g.link(d, 'io', copy, 'data').link(copy, 'copy', g.file(`${name}_file`), 'io');
  }

  const items = g.memory('items', { value: '[5, 6, 7]', type: 'Json' });
  const pick = g.app('pick', 'dlg.apps.simple.PickOne', {}, [port('pick', 'rest_array', 'InputPort'), port('pick', 'element', 'OutputPort'), port('pick', 'rest', 'OutputPort')]);
  g.link(items, 'io', pick, 'rest_array').link(pick, 'element', g.file('element'), 'io').link(pick, 'rest', g.file('rest_array'), 'io');
  return g.build();
}
