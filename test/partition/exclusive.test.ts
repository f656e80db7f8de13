// ExclusiveForceNode: the group multiplies nothing (its children unroll as if it were
// absent), and every drop of one group instance lands in one partition, whatever the
// algorithm: the group instance is contracted to one vertex before partitioning and the
// partition expanded after (compiler/schedule/contract.ts, compiler/place.ts).
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { placeDag } from '../../compiler/place.ts';
import { contractDag } from '../../compiler/schedule/contract.ts';
import { topologicalOrder } from '../../compiler/schedule/dag.ts';
import { randomDag } from '../../compiler/schedule/synthetic.ts';
import { loadValue } from '../../compiler/load/index.ts';
import { translate, outputChunks } from '../../compiler/translate.ts';
import { dagOfTable as dagOfTableFor, exclusiveInstances } from '../../compiler/unroll/index.ts';
import { lgOfValue, repoRoot, tableOf } from '../helpers.ts';

const ALGORITHMS = ['none', 'metis', 'mysarkar', 'min_num_parts', 'pso'] as const;
const fixture = () => JSON.parse(readFileSync(join(repoRoot, 'fixtures/graphs/exclusive_force.graph'), 'utf8'));

/** max_cpu 2 makes the sarkar family cut this graph into several partitions. */
const paramsFor = (a: string): Record<string, unknown> => (a === 'none' ? {} : a === 'metis' ? { seed: 3 } : { max_cpu: 2 });

function translated(doc: unknown, emit: 'pgt' | 'pgtp' | 'pg', algorithm: string, extra: Record<string, unknown> = {}) {
  const loaded = loadValue(doc, 'exclusive_force.graph');
  const t = translate(loaded.value!, {
    emit, oidPrefix: '1',
    place: { algorithm, params: paramsFor(algorithm), numPartitions: 4, numIslands: 1, ...extra },
  });
  if (!t.value) throw new Error(t.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  const parts: Buffer[] = [];
  for (const c of outputChunks(t.value, { oidPrefix: '1' })) parts.push(Buffer.from(c));
  const drops = (JSON.parse(Buffer.concat(parts).toString()) as any[]).filter((d) => d.oid);
  return { drops, diagnostics: t.diagnostics };
}

const byName = (drops: any[], name: string) => drops.filter((d) => d.name === name);

test('the group multiplies nothing: its children unroll inside the enclosing Scatter only', (t) => {
  const { drops, diagnostics } = translated(fixture(), 'pgt', 'none');
  t.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  t.is(drops.length, 24, 'cube, split app, collect app, final: 1 each; part, calibrate, cal, image, img: 4 each');
  for (const name of ['part', 'calibrate', 'cal', 'image', 'img']) {
    t.deepEqual(byName(drops, name).map((d) => d.iid), ['0-0', '0-1', '0-2', '0-3'], `${name}: one digit, the Scatter's`);
  }
  const image = byName(drops, 'image');
  image.forEach((d, i) => t.deepEqual(d.inputs, [{ [`1_cal_0-${i}`]: 'cal' }]));
  t.false(drops.some((d) => d.category === 'ExclusiveForceNode'));
});

test('the group instances: one per Scatter instance, four drops each', (t) => {
  const table = tableOf(lgOfValue(fixture()));
  const ex = exclusiveInstances(table)!;
  t.is(ex.count, 4);
  const members = new Map<number, string[]>();
  for (let i = 0; i < table.n; i++) {
    const g = ex.of[i]!;
    if (g < 0) continue;
    members.set(g, [...(members.get(g) ?? []), `${table.lg.nodes[table.dropNode[i]!]!.name}`]);
  }
  t.deepEqual([...members.keys()].sort(), [0, 1, 2, 3]);
  for (const names of members.values()) t.deepEqual(names.sort(), ['cal', 'calibrate', 'image', 'img']);
});

for (const algorithm of ALGORITHMS) {
  test(`-a ${algorithm}: every group instance in one partition (pgtp), on one host (pg)`, (t) => {
    const { drops } = translated(fixture(), 'pgtp', algorithm);
    t.is(drops.length, 24);
    for (let i = 0; i < 4; i++) {
      const group = drops.filter((d) => ['calibrate', 'cal', 'image', 'img'].includes(d.name) && d.iid === `0-${i}`);
      t.is(group.length, 4);
      t.is(new Set(group.map((d) => d.node)).size, 1, `instance ${i}: ${group.map((d) => `${d.name}@${d.node}`).join(' ')}`);
    }
    const hosts = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'];
    const pg = translated(fixture(), 'pg', algorithm, { nodes: hosts }).drops;
    for (let i = 0; i < 4; i++) {
      const group = pg.filter((d) => ['calibrate', 'cal', 'image', 'img'].includes(d.name) && d.iid === `0-${i}`);
      const on = new Set(group.map((d) => d.node));
      t.is(on.size, 1);
      t.true(hosts.slice(1).includes([...on][0]), 'a node manager host');
    }
  });
}

test('metis and mysarkar need the contraction here: without it they split the groups', (t) => {
  // The same DAG partitioned with no group information: the cheapest cut (cal weighs 1)
  // separates calibrate from image. Shows the test above is not vacuous.
  const table = tableOf(lgOfValue(fixture()));
  const ex = exclusiveInstances(table)!;
  const split = (algorithm: string) => {
    const r = placeDag(dagOfTableFor(table), { algorithm, params: paramsFor(algorithm), numPartitions: 3, numIslands: 1, target: 'pgtp' });
    const part = r.value!.plan!.part;
    return [0, 1, 2, 3].some((g) => new Set(Array.from(ex.of).flatMap((x, i) => (x === g ? [part[i]] : []))).size > 1);
  };
  t.true(split('metis'));
  t.true(split('mysarkar'));
});

test('a path that leaves the group and comes back: its drops join the group instance, with a note', (t) => {
  const doc = fixture();
  const g = (id: string, name: string, usage: string) => ({ id, name, value: '', defaultValue: '', type: 'Object', parameterType: 'ApplicationArgument', usage });
  // check (outside the group, inside the Scatter) reads cal and writes flag, which image reads.
  doc.nodeDataArray.push(
    { id: 'check', name: 'check', category: 'BashShellApp', categoryType: 'Application', isGroup: false, parentId: 'split',
      fields: [{ id: 'check-cmd', name: 'command', value: 'true', defaultValue: '', type: 'String', parameterType: 'ComponentParameter', usage: 'NoPort' }, g('check-in', 'cal', 'InputPort'), g('check-out', 'flag', 'OutputPort')] },
    { id: 'flag', name: 'flag', category: 'Memory', categoryType: 'Data', isGroup: false, parentId: 'split', fields: [g('flag-p', 'flag', 'InputOutput')] },
  );
  doc.nodeDataArray.find((n: any) => n.id === 'image').fields.push(g('image-flag', 'flag', 'InputPort'));
  doc.linkDataArray.push(
    { from: 'cal', fromPort: 'cal-p', to: 'check', toPort: 'check-in' },
    { from: 'check', fromPort: 'check-out', to: 'flag', toPort: 'flag-p' },
    { from: 'flag', fromPort: 'flag-p', to: 'image', toPort: 'image-flag' },
  );
  for (const algorithm of ALGORITHMS) {
    const { drops, diagnostics } = translated(doc, 'pgtp', algorithm);
    t.deepEqual(diagnostics.filter((d) => d.severity === 'error'), [], algorithm);
    const note = diagnostics.find((d) => d.code === 'DLG5009');
    t.is(note?.severity, 'info', algorithm);
    t.regex(note!.message, /^8 drop\(s\) outside every ExclusiveForceNode are placed with one/);
    for (let i = 0; i < 4; i++) {
      const group = drops.filter((d) => ['calibrate', 'cal', 'image', 'img', 'check', 'flag'].includes(d.name) && d.iid === `0-${i}`);
      t.is(group.length, 6);
      t.is(new Set(group.map((d) => d.node)).size, 1, `${algorithm} instance ${i}`);
    }
  }
});

// Random DAGs with random groups: the contraction is a DAG, and every algorithm keeps every
// group instance in one partition.
test('property: contracted DAGs are acyclic and groups are never split', (t) => {
  const arb = fc.record({
    n: fc.integer({ min: 2, max: 50 }),
    seed: fc.integer({ min: 1, max: 1000 }),
    groups: fc.integer({ min: 1, max: 5 }),
    density: fc.double({ min: 0, max: 1, noNaN: true }),
    algorithm: fc.constantFrom(...ALGORITHMS),
    N: fc.integer({ min: 1, max: 5 }),
    maxCpu: fc.integer({ min: 1, max: 4 }),
  });
  const r = fc.check(fc.property(arb, ({ n, seed, groups, density, algorithm, N, maxCpu }) => {
    const dag = randomDag(n, seed);
    const of = new Int32Array(n);
    let x = seed;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      of[i] = (x / 2147483648) < density ? x % groups : -1;
    }
    const c = contractDag(dag, of, groups);
    if (!topologicalOrder(c.dag)) return false;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (of[i]! >= 0 && of[i] === of[j] && c.vertexOf[i] !== c.vertexOf[j]) return false;
    const params = algorithm === 'none' ? {} : algorithm === 'metis' ? { seed } : { max_cpu: maxCpu, ...(algorithm === 'pso' ? { seed } : {}) };
    const p = placeDag(dag, { algorithm, params, numPartitions: N, numIslands: 1, target: 'pgtp', dop: false }, { of, count: groups });
    if (!p.value?.plan) return false;
    const part = p.value.plan.part;
    if (part.length !== n || p.value.plan.numParts > N) return false;
    const partOf = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      if (of[i]! < 0) continue;
      if (partOf.has(of[i]!) && partOf.get(of[i]!) !== part[i]) return false;
      partOf.set(of[i]!, part[i]!);
    }
    return true;
  }), { numRuns: 150, seed: 42 });
  t.false(r.failed, r.failed ? `counterexample: ${JSON.stringify(r.counterexample)} ${r.errorInstance ?? ''}` : '');
  t.is(r.numRuns, 150);
});
