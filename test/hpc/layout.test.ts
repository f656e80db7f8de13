// Ports and placement of a job's managers: ranks give ports that never collide, whatever the
// number of tasks per node; islands take contiguous groups and their managers run on the
// node of their group's first node manager.

import test from 'ava';
import fc from 'fast-check';
import {
  endpoint, islandManagerPort, lastPort, masterManagerPort, nodeManagerPort, parseTasksPerNode, planIslands, type NodeManagerRecord,
} from '../../engine/hpc/layout.ts';

test('SLURM_TASKS_PER_NODE is read as SLURM writes it', (t) => {
  t.deepEqual(parseTasksPerNode('3'), [3]);
  t.deepEqual(parseTasksPerNode('2(x3),1'), [2, 2, 2, 1]);
  t.deepEqual(parseTasksPerNode('4(x2)'), [4, 4]);
  t.throws(() => parseTasksPerNode('two'), { message: /cannot read SLURM_TASKS_PER_NODE="two"/ });
});

test('property: every manager of a job gets its own port, and lastPort is the highest', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 20 }), (base, tasks, islands) => {
      if (islands > tasks) return true;
      const ports = [
        ...Array.from({ length: tasks }, (_, i) => nodeManagerPort(base, i)),
        ...Array.from({ length: islands }, (_, k) => islandManagerPort(base, tasks, k)),
        ...(islands > 1 ? [masterManagerPort(base, tasks, islands)] : []),
      ];
      return new Set(ports).size === ports.length && Math.max(...ports) === lastPort(base, tasks, islands);
    }),
  );
  t.pass();
});

function nm(procId: number, node: string): NodeManagerRecord {
  return { procId, node, address: `10.0.0.${node.slice(1)}`, port: 8000 + procId, pid: 1, dlgRoot: `/r/nm${procId}` };
}

test('islands: contiguous groups in rank order, managers on each group\'s first node', (t) => {
  // 7 tasks on nodes n1 (3), n2 (2), n3 (2), reported out of order.
  const nms = [nm(4, 'n2'), nm(0, 'n1'), nm(6, 'n3'), nm(1, 'n1'), nm(2, 'n1'), nm(3, 'n2'), nm(5, 'n3')];
  const one = planIslands(nms, 1, 8000);
  t.is(one.length, 1);
  t.is(one[0]!.node, 'n1');
  t.is(one[0]!.port, 8007);
  t.deepEqual(one[0]!.members.map((m) => m.procId), [0, 1, 2, 3, 4, 5, 6]);
  const three = planIslands(nms, 3, 8000);
  t.deepEqual(three.map((p) => p.members.map((m) => m.procId)), [[0, 1, 2], [3, 4], [5, 6]]);
  t.deepEqual(three.map((p) => [p.node, p.address, p.port]), [['n1', '10.0.0.1', 8007], ['n2', '10.0.0.2', 8008], ['n3', '10.0.0.3', 8009]]);
  t.throws(() => planIslands(nms, 8, 8000), { message: /8 island\(s\) need between 1 and 7/ });
  t.is(endpoint('10.0.0.1', 8000), '10.0.0.1:8000');
  t.is(endpoint('fe80::1', 8000), '[fe80::1]:8000');
});
