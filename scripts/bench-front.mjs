#!/usr/bin/env node
// Front-end benchmark: load, fill and validate of the largest reference graph
// (cont_img_mvp) and of a generated 10,000-node LG, a large drop list, and the start-up of
// dlg-validate. Medians of several runs, with ratios against baselines measured in the
// same run (JSON.parse of the same text; `node -e 0`), so numbers compare across machines.
//
//   node scripts/bench-front.mjs [--runs 7] [--startup-runs 20] [--drops 200000]
//
// The front end is bundled with esbuild (as the CLIs are) into .bench/ and imported.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 7);
const STARTUP_RUNS = arg('--startup-runs', 20);
const DROPS = arg('--drops', 200000);
const shared = join(root, '../shared/fixtures/daliuge');
const benchDir = join(root, '.bench');
mkdirSync(benchDir, { recursive: true });

const banner = { js: "import { createRequire as __dlgCreateRequire } from 'node:module';\nconst require = __dlgCreateRequire(import.meta.url);" };
const entry = join(benchDir, 'front-entry.ts');
writeFileSync(
  entry,
  `export { loadSource } from '../compiler/load/index.ts';
export { buildLogicalGraph } from '../compiler/load/index.ts';
export { fill } from '../compiler/fill/index.ts';
export { validate } from '../compiler/validate/index.ts';
`,
);
await build({ entryPoints: [entry], outfile: join(benchDir, 'front.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, logLevel: 'error' });
const front = await import(pathToFileURL(join(benchDir, 'front.mjs')).href);

/** Median wall time in ms of fn over RUNS runs, after one warm-up run. */
function median(fn, runs = RUNS) {
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const rows = [];
const row = (name, ms, baseline, note = '') => rows.push({ name, ms, ratio: baseline ? ms / baseline : undefined, note });

function benchLg(label, file) {
  const text = readFileSync(file, 'utf8');
  const source = { file, text };
  const loaded = front.loadSource(source).value;
  const parse = median(() => JSON.parse(text));
  row(`${label}: JSON.parse (baseline)`, parse, parse, `${(text.length / 1e6).toFixed(1)} MB, ${loaded.doc.nodeDataArray.length} nodes, ${loaded.doc.linkDataArray.length} links`);
  row(`${label}: load`, median(() => front.loadSource(source)), parse);
  row(`${label}: fill (no parameters)`, median(() => front.fill(loaded.doc, {})), parse);
  row(`${label}: build model`, median(() => front.buildLogicalGraph(loaded.doc, file)), parse);
  const diags = front.validate(loaded);
  row(`${label}: validate (fill + schema + rules)`, median(() => front.validate(loaded)), parse, `${diags.filter((d) => d.severity === 'error').length} errors`);
  row(`${label}: load + fill + validate`, median(() => front.validate(front.loadSource(source).value)), parse);
}

benchLg('cont_img_mvp', join(shared, 'translator/logical_graphs/cont_img_mvp.graph'));
const gen = join(benchDir, 'gen-10000.graph');
execFileSync(process.execPath, [join(root, 'scripts/gen-lg.mjs'), '--nodes', '10000', '-o', gen]);
benchLg('generated 10k-node LG', gen);

// A chain of DROPS drops (app → data → app ...), both sides of every relationship.
{
  const drops = [];
  for (let i = 0; i < DROPS; i++) {
    const app = i % 2 === 0;
    const d = { oid: `1_n${i}_0`, name: app ? 'app' : 'data', categoryType: app ? 'Application' : 'Data', dropclass: app ? 'dlg.apps.simple.SleepApp' : 'dlg.data.drops.memory.InMemoryDROP', iid: '0', rank: [0] };
    if (i > 0) d[app ? 'inputs' : 'producers'] = [`1_n${i - 1}_0`];
    if (i < DROPS - 1) d[app ? 'outputs' : 'consumers'] = [`1_n${i + 1}_0`];
    drops.push(d);
  }
  drops.push({});
  const text = JSON.stringify(drops);
  const source = { file: 'drops.json', text };
  const parse = median(() => JSON.parse(text), 3);
  row(`${DROPS} drops: JSON.parse (baseline)`, parse, parse, `${(text.length / 1e6).toFixed(1)} MB`);
  const loaded = front.loadSource(source).value;
  row(`${DROPS} drops: validate`, median(() => front.validate(loaded), 3), parse, `${front.validate(loaded).length} diagnostics`);
}

// Start-up: the bundled CLI on the smallest graph, against a bare node.
{
  let cli = join(root, 'dist/dlg-validate.js');
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { encoding: 'utf8' });
  if (built.status !== 0 || !existsSync(cli)) {
    // Another CLI may not build right now; bundle this one the same way.
    cli = join(benchDir, 'dlg-validate.js');
    await build({ entryPoints: [join(root, 'compiler/cli/dlg-validate.ts')], outfile: cli, bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, logLevel: 'error' });
  }
  const hello = join(shared, 'translator/logical_graphs/HelloWorld_simple.graph');
  const wall = (args) =>
    median(() => {
      const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    }, STARTUP_RUNS);
  const bare = wall(['-e', '0']);
  row('node -e 0 (baseline)', bare, bare);
  row('dlg-validate HelloWorld_simple.graph', wall([cli, hello]), bare, `${cli.replace(root + '/', '')}`);
}

const w = Math.max(...rows.map((r) => r.name.length));
console.log(`node ${process.version}, ${RUNS} runs (start-up: ${STARTUP_RUNS}), median wall time\n`);
console.log(`${'case'.padEnd(w)}  ${'ms'.padStart(9)}  ${'ratio'.padStart(7)}  note`);
console.log(`${'-'.repeat(w)}  ${'-'.repeat(9)}  ${'-'.repeat(7)}  ----`);
for (const r of rows) console.log(`${r.name.padEnd(w)}  ${r.ms.toFixed(2).padStart(9)}  ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`.padStart(7)}  ${r.note}`);
