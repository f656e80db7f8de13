#!/usr/bin/env node
// Drop-list pass-through benchmark: `dlg-translate lattice.pgt.json --emit pgt|pgtp` (read,
// load, validate with the drop-list rules, normalise, emit) against the bare minimum any
// pass-through does, measured in the same run on the same file: read + JSON.parse +
// JSON.stringify + write. Both run as child processes (the bundled CLI from dist/, and a
// three-line baseline script), alternately, medians of several runs. Memory, against the heap
// the parsed document occupies: each child's maximum RSS minus a bare node's, and the smallest
// V8 heap limit (--max-old-space-size, found by bisection) the run completes in, which bounds
// its peak live heap whatever the garbage collector's slack.
//
//   node scripts/bench-droplist.mjs [--side 300] [--runs 5] [--no-heap]
//
// The lattice (side² drops, 300 → 90,000) comes from scripts/gen-lattice.mjs.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latticeText } from './gen-lattice.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SIDE = arg('--side', 300);
const RUNS = arg('--runs', 5);
const work = mkdtempSync(join(tmpdir(), 'dlg-bench-droplist-'));
const pgt = join(work, 'lattice.pgt.json');
writeFileSync(pgt, latticeText(SIDE));
const mb = statSync(pgt).size / 1e6;

const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);

// Every child reports its own wall time (after start-up), CPU time (all of the process, start-up
// included; robust when the machine is busy) and peak RSS on its last stderr line.
const probe = join(work, 'probe.mjs');
writeFileSync(probe, `import { writeSync } from 'node:fs';
const t0 = performance.now();
process.on('exit', () => { const r = process.resourceUsage(); writeSync(2, '\\nPROBE ' + JSON.stringify({ ms: performance.now() - t0, cpuMs: (r.userCPUTime + r.systemCPUTime) / 1000, rssKb: r.maxRSS }) + '\\n'); });
`);
const baseline = join(work, 'baseline.mjs');
writeFileSync(baseline, `import { readFileSync, writeFileSync } from 'node:fs';
const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
writeFileSync('/dev/null', JSON.stringify(doc));
`);
const docSize = join(work, 'doc-size.mjs');
writeFileSync(docSize, `import { readFileSync } from 'node:fs';
const text = readFileSync(process.argv[2], 'utf8');
gc(); const h0 = process.memoryUsage().heapUsed;
const doc = JSON.parse(text);
gc(); const h1 = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ docKb: (h1 - h0) / 1024, keep: doc.length }));
`);

function child(args) {
  const r = spawnSync(process.execPath, ['--import', probe, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const line = r.stderr.trim().split('\n').at(-1);
  if (!line.startsWith('PROBE ')) throw new Error(`no probe line: ${r.stderr.slice(-500)}`);
  return JSON.parse(line.slice(6));
}

const cli = join(root, 'dist/dlg-translate.js');
const cases = [
  ['read + JSON.parse + JSON.stringify + write (baseline)', [baseline, pgt]],
  ['dlg-translate --emit pgt', [cli, pgt, '--emit', 'pgt', '-o', '/dev/null']],
  ['dlg-translate --emit pgtp -a none', [cli, pgt, '--emit', 'pgtp', '-a', 'none', '-o', '/dev/null']],
];
const bare = [];
for (let i = 0; i < RUNS; i++) bare.push(child(['-e', '0']).rssKb);
const samples = cases.map(() => []);
for (let i = 0; i < RUNS; i++) cases.forEach(([, args], c) => samples[c].push(child(args)));
const { docKb } = JSON.parse(spawnSync(process.execPath, ['--expose-gc', docSize, pgt], { encoding: 'utf8' }).stdout);

const docMb = docKb / 1024;

/** Whether the case completes with the old generation capped at `mb`. */
function fitsIn(args, mb) {
  return spawnSync(process.execPath, [`--max-old-space-size=${Math.ceil(mb)}`, ...args], { stdio: 'ignore' }).status === 0;
}

/** The smallest heap limit that works, to within 5% of the parsed document (bisection). */
function minHeap(args) {
  let lo = 0.25 * docMb;
  let hi = 4 * docMb;
  if (!fitsIn(args, hi)) return Infinity;
  while (hi - lo > 0.05 * docMb) {
    const mid = (lo + hi) / 2;
    if (fitsIn(args, mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bareKb = median(bare);
const heap = !process.argv.includes('--no-heap');
const rows = cases.map(([name, args], c) => ({
  name, ms: median(samples[c].map((s) => s.ms)), cpu: median(samples[c].map((s) => s.cpuMs)), kb: median(samples[c].map((s) => s.rssKb)) - bareKb, heapMb: heap ? minHeap(args) : NaN,
}));
const base = rows[0];
const w = Math.max(...rows.map((r) => r.name.length));
console.log(`node ${process.version}; lattice ${SIDE}×${SIDE}: ${SIDE * SIDE} drops, ${mb.toFixed(1)} MB; ${RUNS} runs each, medians`);
console.log(`parsed document: ${(docKb / 1024).toFixed(0)} MB of heap; peak = max RSS − a bare node's (${(bareKb / 1024).toFixed(0)} MB)\n`);
const cols = [['wall ms', 7], ['× baseline', 10], ['cpu ms', 7], ['× baseline', 10], ['RSS MB', 7], ['× doc', 6], ['min heap MB', 11], ['× doc', 6]];
console.log(`${'case'.padEnd(w)}  ${cols.map(([h, n]) => h.padStart(n)).join('  ')}`);
console.log(`${'-'.repeat(w)}  ${cols.map(([, n]) => '-'.repeat(n)).join('  ')}`);
for (const r of rows) {
  const cells = [r.ms.toFixed(0), `${(r.ms / base.ms).toFixed(2)}×`, r.cpu.toFixed(0), `${(r.cpu / base.cpu).toFixed(2)}×`, (r.kb / 1024).toFixed(0), `${(r.kb / docKb).toFixed(2)}×`,
    heap ? r.heapMb.toFixed(0) : '–', heap ? `${(r.heapMb / docMb).toFixed(2)}×` : '–'];
  console.log(`${r.name.padEnd(w)}  ${cells.map((c, i) => c.padStart(cols[i][1])).join('  ')}`);
}
console.log('\nTargets: time ≤ 1.5× the baseline; peak memory (min heap) ≤ 2× the parsed document.');
rmSync(work, { recursive: true, force: true });
