import test from 'ava';
import { dagFromDropSpecs, dropSpecList } from '../../compiler/schedule/dag.ts';
import { partitionDag } from '../../compiler/partition/index.ts';
import {
  fetchNodes, hostMapper, labelDrops, managerBase, nodesFromAnswer, parseNodeList, planHosts, resourceMap,
  templateLabels,
} from '../../compiler/map/index.ts';
import { ALGORITHM_NAMES } from '../../compiler/schedule/params.ts';
import { allFixtureGraphs, loadSpec } from '../schedule/helpers.ts';
import { needsShared } from '../shared.ts';

const withShared = needsShared(test);

const HOSTS = ['h0', 'h1:8001', 'h2', 'h3:8000', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9'];

test('node lists: host[:port[:events[:rpc]]], comma separated; bad ports and empty lists are errors', (t) => {
  t.deepEqual(parseNodeList('a, b:8000 ,c:8000:5555:6666').value, ['a', 'b:8000', 'c:8000:5555:6666']);
  t.is(parseNodeList('a,b:http').diagnostics[0]!.code, 'DLG6002');
  t.is(parseNodeList('a:70000').diagnostics[0]!.code, 'DLG6002');
  t.is(parseNodeList('a:1:2:3:4').diagnostics[0]!.code, 'DLG6002');
  t.is(parseNodeList(' , ').diagnostics[0]!.code, 'DLG6002');
});

test('Q28: a manager answer may be a list or {"nodes": [...]}', (t) => {
  t.deepEqual(nodesFromAnswer(['10.0.0.2:8000:5555:6666', '10.0.0.3']).value, ['10.0.0.2:8000:5555:6666', '10.0.0.3']);
  t.deepEqual(nodesFromAnswer({ nodes: ['n1', 'n2'] }).value, ['n1', 'n2']);
  t.is(nodesFromAnswer({ hosts: [] }).diagnostics[0]!.code, 'DLG6004');
  t.is(nodesFromAnswer([1, 2]).diagnostics[0]!.code, 'DLG6004');
});

test('fetchNodes: GET <manager>/api/nodes, the manager first, default port 8001', async (t) => {
  const asked: string[] = [];
  const fake = (async (url: string) => {
    asked.push(url);
    return new Response(JSON.stringify({ nodes: ['n1:8000', 'n2:8000'] }), { status: 200 });
  }) as unknown as typeof fetch;
  const r = await fetchNodes('dim.example', fake);
  t.deepEqual(asked, ['http://dim.example:8001/api/nodes']);
  t.deepEqual(r.value, ['dim.example:8001', 'n1:8000', 'n2:8000']);
  t.deepEqual(managerBase('http://m:9000'), { base: 'http://m:9000', address: 'm:9000' });
  const down = (async () => { throw new Error('ECONNREFUSED'); }) as unknown as typeof fetch;
  t.is((await fetchNodes('m', down)).diagnostics[0]!.code, 'DLG6005');
  const http500 = (async () => new Response('x', { status: 500 })) as unknown as typeof fetch;
  t.is((await fetchNodes('m', http500)).diagnostics[0]!.code, 'DLG6005');
});

if (withShared) {
  test('labels: every drop gets node "#<partition>" and island "#<island>"; trailing reprodata untouched', (t) => {
    const specs = loadSpec('cont_img_mvp').map((d) => ({ ...d }));
    specs.push({ rmode: '0' } as never);
    const dag = dagFromDropSpecs(specs);
    const plan = partitionDag(dag, { algorithm: 'mysarkar', numPartitions: 4, numIslands: 2 }).value!;
    labelDrops(specs, plan.part, plan.islandOf);
    const m = templateLabels(plan);
    for (let i = 0; i < dag.n; i++) {
      const d = specs[i] as Record<string, unknown>;
      t.is(d.node, `#${plan.part[i]}`);
      t.is(d.island, `#${plan.islandOf[plan.part[i]!]}`);
      t.is(m.node(i), d.node as string);
    }
    t.false('node' in (specs[specs.length - 1] as object));
  });
}

test('§6.2: islands take the first hosts, partitions the rest; fewer than islands + 1 is an error', (t) => {
  const islandOf = Int32Array.from([0, 1, 0, 1]);
  const r = planHosts(islandOf, 2, HOSTS.slice(0, 6));
  t.deepEqual(r.value, { islandHost: ['h0', 'h1:8001'], nodeHost: ['h2', 'h3:8000', 'h4', 'h5'] });
  const few = planHosts(Int32Array.from([0, 0]), 2, ['h0', 'h1']);
  t.is(few.diagnostics[0]!.code, 'DLG6001');
  t.regex(few.diagnostics[0]!.message, /at least 3/);
  const crowded = planHosts(Int32Array.from([0, 0, 0, 0]), 1, ['h0', 'h1', 'h2']);
  t.is(crowded.diagnostics[0]!.code, 'DLG6001');
  t.regex(crowded.diagnostics[0]!.message, /4 partition\(s\) but only 2 node manager/);
});

test('Q24: co-host-dim puts each island\'s first partition on its island manager\'s host', (t) => {
  const islandOf = Int32Array.from([1, 0, 0, 1, 0]);
  const r = planHosts(islandOf, 2, ['d0', 'd1', 'n2', 'n3', 'n4'], true).value!;
  t.deepEqual(r.islandHost, ['d0', 'd1']);
  t.deepEqual(r.nodeHost, ['d1', 'd0', 'n2', 'n3', 'n4']);
  // every island manager hosts a node manager of its own island
  for (let j = 0; j < 2; j++) {
    const p = r.nodeHost.indexOf(r.islandHost[j]!);
    t.is(islandOf[p], j);
  }
  // co-hosting needs only one host per island
  t.truthy(planHosts(Int32Array.from([0, 1]), 2, ['d0', 'd1'], true).value);
  t.is(planHosts(Int32Array.from([0]), 2, ['d0'], true).diagnostics[0]!.code, 'DLG6001');
});

if (withShared) {
  test('every algorithm on every fixture: the PG places drops only on the given hosts', (t) => {
    for (const [name, doc] of allFixtureGraphs()) {
      const dag = dagFromDropSpecs(dropSpecList(doc));
      for (const algorithm of ALGORITHM_NAMES) {
        for (const coHost of [false, true]) {
          const params = algorithm === 'pso' ? { swarm_size: 4, topk: 6 } : {};
          const plan = partitionDag(dag, { algorithm, numPartitions: 7, numIslands: 3, params, dop: false }).value!;
          const hosts = planHosts(plan.islandOf, 3, HOSTS, coHost).value!;
          const m = hostMapper(plan, hosts);
          for (let i = 0; i < dag.n; i++) {
            t.true(HOSTS.includes(m.node(i)), `${name} ${algorithm}`);
            t.true(HOSTS.slice(0, 3).includes(m.island(i)), `${name} ${algorithm}`);
            if (!coHost) t.false(HOSTS.slice(0, 3).includes(m.node(i)), `${name} ${algorithm}`);
          }
        }
      }
    }
  });

  test('resourceMap rewrites a labelled PGT in place (dlg map); bad labels are errors', (t) => {
    const drops = dropSpecList(loadSpec('test_grpby_gather')).map((d) => ({ ...d }));
    const dag = dagFromDropSpecs(drops);
    const plan = partitionDag(dag, { algorithm: 'metis', numPartitions: 3, numIslands: 2 }).value!;
    labelDrops(drops, plan.part, plan.islandOf);
    t.deepEqual(resourceMap(drops, HOSTS.slice(0, 5), 2), []);
    for (let i = 0; i < dag.n; i++) {
      t.is(drops[i]!.node, HOSTS[2 + plan.part[i]!]);
      t.is(drops[i]!.island, HOSTS[plan.islandOf[plan.part[i]!]!]);
    }
    const bad = [{ oid: 'x', node: 'somewhere', island: '#0' }];
    t.is(resourceMap(bad, HOSTS, 1)[0]!.code, 'DLG6003');
    const tooFew = [{ oid: 'x', node: '#0', island: '#0' }];
    t.is(resourceMap(tooFew, ['only'], 1)[0]!.code, 'DLG6001');
  });
}
