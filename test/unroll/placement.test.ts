// Every fixture graph, unrolled by us, under every algorithm: each drop is placed, at most
// -N partitions and -i islands, and a PG puts drops only on the given hosts.
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { placeTable } from '../../compiler/place.ts';
import { lgDir, lgOf, tableOf } from '../helpers.ts';
import { needsShared } from '../shared.ts';

if (needsShared(test)) {
  const graphs = readdirSync(lgDir).filter((f) => f.endsWith('.graph') && !f.includes('Global'));
  const algorithms = ['none', 'metis', 'mysarkar', 'min_num_parts', 'pso'];
  const hosts = ['dim0', 'dim1', 'nm0', 'nm1', 'nm2'];

  for (const algorithm of algorithms) {
    test(`${algorithm}: every fixture placed within -N 3 -i 2, on the given hosts only`, (t) => {
      for (const g of graphs) {
        const table = tableOf(lgOf(join(lgDir, g)));
        const r = placeTable(table, { algorithm, numPartitions: 3, numIslands: 2, target: 'pg', nodes: hosts, params: algorithm === 'pso' ? { swarm_size: 8 } : {} });
        if (!r.value) return t.fail(`${g}: ${JSON.stringify(r.diagnostics)}`);
        const nodes = new Set<string>();
        const islands = new Set<string>();
        for (let d = 0; d < table.n; d++) {
          nodes.add(r.value.mapper.node(d));
          islands.add(r.value.mapper.island(d));
        }
        t.true(nodes.size >= 1 && nodes.size <= 3, `${g}: ${nodes.size} nodes`);
        t.true(islands.size >= 1 && islands.size <= 2, `${g}: ${islands.size} islands`);
        t.true([...nodes].every((h) => hosts.slice(2).includes(h)), `${g}: node managers only`);
        t.true([...islands].every((h) => hosts.slice(0, 2).includes(h)), `${g}: island managers only`);
        t.true(r.value.plan!.numParts <= 3);
      }
    });
  }
}
