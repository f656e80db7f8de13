#!/usr/bin/env node
// A lattice PGT: side × side drops on a grid, apps and data in a checkerboard, each drop
// feeding its right and lower neighbours (app → data → app ...), so every app has up to two
// inputs and two outputs. Apps carry an execution time, data drops a data volume (both
// deterministic pseudo-random), which become the vertex and edge weights of the partitioner's
// graph. Drop specs are shaped like ours (relationship entries on both ends, with ports).
//
//   node scripts/gen-lattice.mjs --side 300 -o grid.pgt.json

import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Deterministic weights in [lo, hi] (a small LCG: the same lattice on every machine). */
function weights(seed) {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (s % (hi - lo + 1));
  };
}

/** The drop specs of the lattice, row by row (no trailing element). */
export function latticeDrops(side) {
  const rnd = weights(side);
  const oid = (i, j) => `1_lattice_${i}-${j}`;
  const isApp = (i, j) => (i + j) % 2 === 0;
  const drops = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const app = isApp(i, j);
      const up = [];
      if (j > 0) up.push(oid(i, j - 1));
      if (i > 0) up.push(oid(i - 1, j));
      const down = [];
      if (j < side - 1) down.push(oid(i, j + 1));
      if (i < side - 1) down.push(oid(i + 1, j));
      const d = app
        ? {
            oid: oid(i, j), name: 'stencil', categoryType: 'Application', category: 'PythonApp',
            dropclass: 'dlg.apps.simple.SleepApp', storage: 'PythonApp', rank: [i, j], loop_ctx: null,
            execution_time: rnd(1, 20), num_cpus: 1, group_start: false, input_error_threshold: 0, n_tries: 1,
            iid: `${i}-${j}`, lg_key: 'stencil', applicationArgs: { stencil: { value: 5, type: 'Integer', usage: 'NoPort' } },
          }
        : {
            oid: oid(i, j), name: 'cell', categoryType: 'Data', category: 'Memory',
            dropclass: 'dlg.data.drops.memory.InMemoryDROP', storage: 'Memory', rank: [i, j], loop_ctx: null,
            data_volume: rnd(1, 100), group_end: false, persist: false, expireAfterUse: true,
            iid: `${i}-${j}`, lg_key: 'cell',
          };
      d.weight = app ? d.execution_time : d.data_volume;
      if (app) {
        if (up.length) d.inputs = up.map((o) => ({ [o]: 'cell' }));
        if (down.length) d.outputs = down.map((o) => ({ [o]: 'cell' }));
      } else {
        if (up.length) d.producers = up.map((o) => ({ [o]: 'cell' }));
        if (down.length) d.consumers = down.map((o) => ({ [o]: 'cell' }));
      }
      drops.push(d);
    }
  }
  return drops;
}

/**
 * The lattice's scheduling DAG as dagFromEdgeList's arguments, without making the drop specs
 * (10^6 drops would take gigabytes as objects): the same kinds, weights (same generator,
 * same order) and edges, in the order dagFromDropSpecs reads them from latticeDrops(side).
 */
export function latticeEdges(side) {
  const rnd = weights(side);
  const n = side * side;
  const isApp = new Uint8Array(n);
  const weight = new Float64Array(n);
  const numCpus = new Int32Array(n).fill(1);
  const m = 2 * side * (side - 1);
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let e = 0;
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const v = i * side + j;
      isApp[v] = (i + j) % 2 === 0 ? 1 : 0;
      weight[v] = isApp[v] ? rnd(1, 20) : rnd(1, 100);
      if (j < side - 1) { src[e] = v; dst[e++] = v + 1; }
      if (i < side - 1) { src[e] = v; dst[e++] = v + side; }
    }
  }
  return { n, isApp, weight, numCpus, src, dst };
}

/** The PGT text (drop list and its trailing reprodata element). */
export function latticeText(side) {
  const drops = latticeDrops(side);
  drops.push({});
  return JSON.stringify(drops);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const side = Number(arg('--side', 300));
  const out = arg('-o', undefined);
  const text = latticeText(side);
  if (out) {
    const s = createWriteStream(out);
    s.end(text);
  } else process.stdout.write(text);
}
