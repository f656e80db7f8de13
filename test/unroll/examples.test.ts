// The worked examples of §3.9 of the reference notes, reproduced exactly.
import test from 'ava';
import { join } from 'node:path';
import { edgesOf, entryOid, lgDir, lgOf, lgOfValue, pgtOf, readJson, tableOf } from '../helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  const APP = '19877332-6fd7-455c-b7b5-9e3dc90560ac';
  const FILE = 'f3ebe6e1-7f28-4f3e-aa7c-874cd40a2a24';

  test('§3.9.1 HelloWorld_simple: two drops with the reference keys', (t) => {
    const { drops, trailing } = pgtOf(tableOf(lgOf(join(lgDir, 'HelloWorld_simple.graph'))));
    t.deepEqual(trailing, {});
    const [app, file] = drops;
    t.like(app, {
      oid: `1_${APP}_0`, name: 'HelloWorldApp', categoryType: 'Application', category: 'PythonApp',
      dropclass: 'dlg.apps.simple.HelloWorldApp', storage: 'PythonApp', rank: [0], loop_ctx: null,
      weight: 1, num_cpus: 1, greet: 'Everybody', execution_time: 1, group_start: false, hello: '',
      iid: '0', lg_key: APP,
    });
    t.deepEqual(app.outputs, [{ [`1_${FILE}_0`]: 'hello' }]);
    t.deepEqual(app.ports, [{ name: 'hello', oid: `1_${FILE}_0`, direction: 'output' }]);
    t.deepEqual(Object.keys(app.applicationArgs), ['hello']);
    t.deepEqual(Object.keys(app.constraintParams).sort(), ['execution_time', 'num_cpus']);
    t.deepEqual(Object.keys(app.componentParams).sort(), ['dropclass', 'greet', 'group_start']);
    t.is(app.fields.length, 6);
    t.like(file, {
      oid: `1_${FILE}_0`, name: 'hello', categoryType: 'Data', category: 'File', dropclass: 'dlg.data.drops.file.FileDROP',
      storage: 'File', rank: [0], loop_ctx: null, weight: 5, data_volume: '5', group_end: '0', check_filepath_exists: '1',
      filepath: 'hello.txt', dirname: '', persist: false, hello: '', iid: '0', lg_key: FILE,
    });
    t.deepEqual(file.producers, [{ [`1_${APP}_0`]: 'hello' }]);
    t.deepEqual(file.ports, [{ name: 'hello', oid: `1_${APP}_0`, direction: 'input' }]);
    t.deepEqual(file.port_map, { hello: 'hello' });
    t.false('reprodata' in app, 'per-drop reprodata is dropped when the LG has no rmode');
  });

  test('§3.9.1 --oid-prefix changes every oid and relationship', (t) => {
    const { drops } = pgtOf(tableOf(lgOf(join(lgDir, 'HelloWorld_simple.graph'))), 'test_pg_gen');
    t.is(drops[0].oid, `test_pg_gen_${APP}_0`);
    t.deepEqual(drops[1].producers, [{ [`test_pg_gen_${APP}_0`]: 'hello' }]);
  });

  test('§3.9.2 SuperBasicScatterGather: 4 files, 1 gather app, 1 scatter app', (t) => {
    const { drops } = pgtOf(tableOf(lgOf(join(lgDir, 'SuperBasicScatterGather.graph'))));
    const files = drops.filter((d) => d.name === 'File');
    const gather = drops.filter((d) => d.name === 'Gather/GenericGatherApp');
    const scatter = drops.filter((d) => d.name === 'Scatter/GenericScatterApp');
    t.deepEqual(files.map((d) => d.iid), ['0-0', '0-1', '0-2', '0-3']);
    t.deepEqual(drops.map((d) => d.name), ['File', 'File', 'File', 'File', 'Gather/GenericGatherApp', 'Scatter/GenericScatterApp']);
    t.is(gather.length, 1);
    t.is(gather[0].iid, '0-0');
    t.is(gather[0].oid, '1_ef2d6860-b3d0-428b-8b7d-0c5031a33e4b_0-0', 'the gather app keeps the construct id');
    t.is(scatter[0].iid, '0');
    t.is(scatter[0].oid, '1_3b1d3054-b9db-4442-a99b-2ad9eafd8f0a_0');
    t.is(scatter[0].num_of_copies, 4, 'the scatter app carries num_of_copies');
    t.deepEqual(scatter[0].outputs, files.map((f) => ({ [f.oid]: 'split_array' })));
    for (const f of files) {
      t.deepEqual(f.producers, [{ [scatter[0].oid]: 'dummy' }]);
      t.deepEqual(f.port_map, { dummy: 'split_array' });
      // Q6 fixed: the gather inputs are named by the file's and the gather app's ports.
      t.deepEqual(f.consumers, [{ [gather[0].oid]: 'dummy' }]);
    }
    t.deepEqual(gather[0].inputs, files.map((f) => ({ [f.oid]: 'content' })));
    t.is(edgesOf(drops).edges.size, 8);
  });

  test('§3.9.3 testLoop: chained iterations and a loop-aware exit', (t) => {
    const { drops } = pgtOf(tableOf(lgOf(join(lgDir, 'testLoop.graph'))));
    const internal = drops.filter((d) => d.name === 'SleepInternal');
    const events = drops.filter((d) => d.name === 'event');
    const external = drops.filter((d) => d.name === 'SleepExternal');
    t.is(drops.length, 11);
    t.deepEqual(internal.map((d) => d.iid), ['0-0', '0-1', '0-2', '0-3', '0-4']);
    t.deepEqual(internal.map((d) => d.loop_ctx), ['0', '1', '2', '3', '4']);
    t.deepEqual(events.map((d) => d.loop_ctx), ['0', '1', '2', '3', '4']);
    t.is(external.length, 1);
    t.is(external[0].iid, '0');
    for (let i = 0; i < 5; i++) {
      const successors = (events[i].consumers ?? []).map(entryOid);
      if (i < 4) t.deepEqual(successors, [internal[i + 1].oid], `event ${i} feeds iteration ${i + 1}`);
      else t.deepEqual(successors, [external[0].oid], 'only the last iteration leaves the loop');
      t.deepEqual((events[i].producers ?? []).map(entryOid), [internal[i].oid]);
    }
    t.deepEqual((external[0].inputs ?? []).map(entryOid), [events[4].oid]);
    t.is(edgesOf(drops).edges.size, 10);
  });

  test('§3.9.3 testLoop without loop_aware: every iteration feeds the exit', (t) => {
    const doc = readJson(join(lgDir, 'testLoop.graph'));
    for (const l of doc.linkDataArray) l.loop_aware = '0';
    const { drops } = pgtOf(tableOf(lgOfValue(doc)));
    const external = drops.find((d) => d.name === 'SleepExternal');
    t.is(external.inputs.length, 5);
  });

  function scaledGroupBy(s1: number, s2: number) {
    const doc = readJson(join(lgDir, 'test_grpby_gather.graph'));
    for (const n of doc.nodeDataArray) {
      if (n.category !== 'Scatter') continue;
      const f = n.fields.find((x: any) => x.name === 'num_of_copies');
      f.value = n.name === 'Scatter1' || (n.parentId === undefined || n.parentId === null || n.parentId === '') ? s1 : s2;
    }
    return doc;
  }

  test('§3.9.4 test_grpby_gather with scatters 2 and 3: 47 drops, 65 edges, the corner turn', (t) => {
    const table = tableOf(lgOfValue(scaledGroupBy(2, 3)));
    const { drops } = pgtOf(table);
    t.is(drops.length, 47);
    t.is(edgesOf(drops).edges.size, 65);
    const named = (n: string) => drops.filter((d) => d.name === n);
    t.is(named('Data3').length, 6);
    t.deepEqual(named('Data3').map((d) => d.iid), ['0-0-0', '0-0-1', '0-0-2', '0-1-0', '0-1-1', '0-1-2']);
    t.is(named('Component').length, 2);
    for (const [i, c] of named('Component').entries()) {
      t.deepEqual(c.inputs.map(entryOid), named('Data3').slice(3 * i, 3 * i + 3).map((d) => d.oid));
    }
    // First gather (width 2) on Data3: dop 3, consecutive pairs in creation order.
    const c4 = named('Component4');
    t.is(c4.length, 3);
    t.deepEqual(c4.map((c) => c.inputs.map(entryOid).map((o: string) => o.slice(o.lastIndexOf('_') + 1))), [
      ['0-0-0', '0-0-1'], ['0-0-2', '0-1-0'], ['0-1-1', '0-1-2'],
    ]);
    t.is(named('Data5').length, 3);
    // GroupBys: dop 3 (inner scatter), each takes {0-0-k, 0-1-k}.
    for (const gb of ['Group By 1', 'Group By 2']) {
      const inst = named(gb);
      t.is(inst.length, 3);
      inst.forEach((g, k) => {
        t.deepEqual(g.inputs.map(entryOid).map((o: string) => o.slice(o.lastIndexOf('_') + 1)), [`0-0-${k}`, `0-1-${k}`]);
        t.deepEqual(g.outputs, [{ [`${g.oid}-grp-data`]: 'grpdata' }]);
      });
    }
    const grp = named('grpdata');
    t.is(grp.length, 6);
    t.true(grp.every((g) => g.dropclass === 'dlg.data.drops.memory.InMemoryDROP' && g.weight === 5 * 2));
    // Component 2 instance k consumes GroupBy2's grp-data k.
    const gb2 = named('Group By 2');
    named('Component 2').forEach((c, k) => t.deepEqual(c.inputs.map(entryOid), [`${gb2[k].oid}-grp-data`]));
    // Second gather after GroupBy1 (width 2): dop 2; instance 0 gets grp-data 0 and 1, instance 1 gets grp-data 2.
    const gb1 = named('Group By 1');
    const c3 = named('Component3');
    t.is(c3.length, 2);
    t.deepEqual(c3[0].inputs.map(entryOid), [`${gb1[0].oid}-grp-data`, `${gb1[1].oid}-grp-data`]);
    t.deepEqual(c3[1].inputs.map(entryOid), [`${gb1[2].oid}-grp-data`]);
  });

  test('Q10 fixed: with 12 groups, GroupBy instance k holds inner index k (numeric order)', (t) => {
    const { drops } = pgtOf(tableOf(lgOfValue(scaledGroupBy(2, 12))));
    const gb = drops.filter((d) => d.name === 'Group By 2');
    t.is(gb.length, 12);
    gb.forEach((g, k) => {
      const inner = g.inputs.map(entryOid).map((o: string) => Number(o.split('-').pop()));
      t.deepEqual(inner, [k, k]);
    });
  });
}
