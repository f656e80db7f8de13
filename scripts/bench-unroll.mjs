#!/usr/bin/env node
// Unroll + emit at scale: SuperBasicScatterGather and test_grpby_gather with their scatter
// multiplicities raised to about 10^4 .. 10^7 drops. Each case runs in its own process (so
// peak RSS is its own). Columns: unroll; emit = generating the JSON bytes; to file = generating
// and writing them (dlg-translate -o); the baselines, measured in the same process on the same
// bytes: read = a plain streaming read of the emitted file by Node, disk = Node writing that
// many bytes from one buffer. emit/read is our cost against reading the output; file/disk is
// writing our output against writing any bytes. Usage: node scripts/bench-unroll.mjs [maxExp=7]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lgs = resolve(root, '../shared/fixtures/daliuge/translator/logical_graphs');
const maxExp = Number(process.argv[2] ?? 7);
const work = mkdtempSync(join(tmpdir(), 'dlg-bench-'));

// Construct names → multiplicity giving about 10^e drops.
const cases = [
  { graph: 'SuperBasicScatterGather.graph', mult: (N) => ({ 'Scatter/GenericScatterApp': Math.round(N * 0.8) }) },
  // ≈ 4·s1·s2 drops; 100 groups in the inner scatter.
  { graph: 'test_grpby_gather.graph', mult: (N) => ({ Scatter1: Math.max(1, Math.round(N / 400)), Scatter2: 100 }) },
];

const rows = [];
for (let e = 4; e <= maxExp; e++) {
  for (const c of cases) {
    const out = join(work, `out-${e}.json`);
    const freeBytes = statfsSync(work).bavail * statfsSync(work).bsize;
    // Drops run ~6.5 KB each in DALiuGE's format; keep a margin on disk.
    const target = 10 ** e * 8000 < freeBytes * 0.5 ? out : '/dev/null';
    const res = JSON.parse(
      execFileSync(process.execPath, ['--max-old-space-size=16384', '--import', 'tsx', join(root, 'scripts/bench-unroll-case.ts'), join(lgs, c.graph), JSON.stringify(c.mult(10 ** e)), target], {
        cwd: root, encoding: 'utf8', maxBuffer: 1 << 20,
      }),
    );
    rmSync(out, { force: true });
    rows.push({ graph: c.graph.replace('.graph', ''), ...res, target });
    printRow(rows.at(-1));
  }
}
rmSync(work, { recursive: true, force: true });

function printRow(r) {
  const cols = ['graph', 'drops', 'edges', 'unroll s', 'emit s', 'to file s', 'output', 'drops/s', 'peak RSS', 'read s', 'disk s', 'emit/read', 'file/read', 'file/disk'];
  if (rows.length === 1) console.log(cols.map((h, i) => (i ? h.padStart(11) : h.padEnd(24))).join(''));
  const s = (ms) => (ms === null ? 'n/a' : (ms / 1000).toFixed(2));
  const x = (a, b) => (a === null || b === null ? 'n/a' : (a / b).toFixed(2) + 'x');
  const emitTotal = r.unrollMs + r.genMs;
  const fileTotal = r.writeMs === null ? null : r.unrollMs + r.writeMs;
  const cells = [
    r.graph.padEnd(24), r.drops, r.edges, s(r.unrollMs), s(r.genMs), s(r.writeMs),
    `${(r.bytes / 2 ** 30).toFixed(2)} GiB`, Math.round(r.drops / (emitTotal / 1000)), `${(r.rss / 2 ** 30).toFixed(2)} GiB`,
    s(r.readMs), s(r.diskMs), x(emitTotal, r.readMs), x(fileTotal, r.readMs), x(r.writeMs, r.diskMs),
  ].map((c, i) => (i ? String(c).padStart(11) : c));
  console.log(cells.join(''));
}
