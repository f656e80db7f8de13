// Reading PG drop lists (reference §4.1, §8.1): the trailing reprodata element, the legacy
// wrapping, dict and plain-string relationship entries, one-sided and duplicated links.

import test from 'ava';
import { readGraphInput, leafOids, rootOids } from '../../engine/session/graph-input.ts';
import { AppDrop } from '../../engine/drops/app.ts';
import { DataDrop } from '../../engine/drops/data.ts';
import { defaultHumanKey, parseBool } from '../../engine/drops/spec.ts';
import { EngineError } from '../../engine/errors.ts';
import { SessionState } from '../../engine/states.ts';
import { app, mem, nodeManager, run } from './session-harness.ts';
import { referenceGraph } from './helpers.ts';
import { needsShared } from '../shared.ts';

test('the trailing reprodata element is kept aside, with or without rmode; it may be absent', (t) => {
  const specs = [mem('a')];
  t.deepEqual(readGraphInput([...specs, {}]), { specs, reprodata: {} });
  const repro = { rmode: '1', meta_data: { repro_protocol: 1.0 }, merkleroot: 'abc' };
  t.deepEqual(readGraphInput([...specs, repro]).reprodata, repro);
  t.deepEqual(readGraphInput([...specs, { merkleroot: 'x' }]).specs, specs, 'reprodata without a truthy rmode is still not a drop');
  t.deepEqual(readGraphInput(specs), { specs, reprodata: undefined });
  t.deepEqual(readGraphInput([]), { specs: [], reprodata: undefined });
});

test('the legacy ["name", [specs]] form is unwrapped', (t) => {
  t.deepEqual(readGraphInput(['graph name', [mem('a'), {}]]).specs, [mem('a')]);
});

test('specs without oid or categoryType are named by position', (t) => {
  const e1 = t.throws(() => readGraphInput([mem('a'), { categoryType: 'Data' }, {}]), { instanceOf: EngineError });
  t.is(e1!.message, "Drop #1 is missing its 'oid' argument");
  const e2 = t.throws(() => readGraphInput([{ oid: 'x' }, mem('b')]), { instanceOf: EngineError });
  t.regex(e2!.message, /Drop #0 \(x\) is missing its 'categoryType'/);
  t.throws(() => readGraphInput({ nodeDataArray: [] }), { message: /JSON array/ });
  t.is(readGraphInput([{ oid: 7, categoryType: 'Data' }]).specs[0]!.oid, '7', 'numeric oids become strings');
});

test('roots and leaves use either side of each relationship and skip the trailing element', (t) => {
  const pg = [
    app('a', 'NullBarrierApp', { outputs: [{ d: 'port' }] }),
    mem('d'), // producers not listed: a's outputs is enough
    app('b', 'NullBarrierApp'),
    mem('e', { consumers: ['b'] }),
  ];
  t.deepEqual(rootOids(pg as never), ['a', 'e']);
  t.deepEqual(leafOids(pg as never), ['d', 'b']);
});

if (needsShared(test)) {
  test('ddExample: /dev/urandom → dd → output file; only the input file has no upstream', (t) => {
    const dd = readGraphInput(referenceGraph('ddExamplePG.graph')).specs;
    t.deepEqual(rootOids(dd), dd.filter((s) => s.name === '/dev/urandom').map((s) => s.oid));
    t.deepEqual(leafOids(dd), dd.filter((s) => s.name === 'OutputFile').map((s) => s.oid));
  });
}

test('mixed dict and string entries, one side only, and repeated entries wire each link once', async (t) => {
  const nm = nodeManager(t);
  const { session, status } = await run(nm, [
    mem('in1', { pydata: 'x', consumers: ['gather', { gather: 'p' }, 'gather'] }),
    mem('in2', { pydata: 'y' }),
    app('gather', 'GenericGatherApp', { inputs: [{ in1: 'p' }, 'in2', { in2: 'q' }], outputs: ['out', 'out'] }),
    mem('out', { producers: [{ gather: 'o' }] }),
    {},
  ]);
  t.is(status, SessionState.FINISHED);
  const g = session.getDrop('gather') as AppDrop;
  t.deepEqual(g.inputs.map((d) => d.oid), ['in1', 'in2']);
  t.deepEqual(g.outputs.map((d) => d.oid), ['out']);
  t.is((await (session.getDrop('out') as DataDrop).read()).toString(), 'xy', 'each input read once, in order');
});

test('a relationship between two drops of the same kind is refused at deploy', (t) => {
  const nm = nodeManager(t);
  const s = nm.openSession('bad-link');
  s.addGraphSpec([mem('a', { consumers: ['b'] }), mem('b')]);
  const err = t.throws(() => s.deploy([]), { instanceOf: EngineError });
  t.is(err!.type, 'InvalidRelationshipException');
  t.is(err!.httpStatus, 409);
});

test('booleans are parsed by meaning and human-readable keys follow the reference rule', (t) => {
  for (const v of [true, 1, '1', 'true', 'True', 'yes', 'on']) t.true(parseBool(v, false), String(v));
  for (const v of [false, 0, '0', 'false', 'False', 'no', '', 'None']) t.false(parseBool(v, true), String(v));
  t.true(parseBool('maybe', true));
  t.is(defaultHumanKey('1_19877332-6fd7-4f00_0-3'), '1987_0-3');
  t.is(defaultHumanKey('nounderscore'), 'nounderscore');
  t.is(defaultHumanKey('a_bcdefg'), 'bcde');
});
