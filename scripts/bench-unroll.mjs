#!/usr/bin/env node
// Unroll + emit at scale: SuperBasicScatterGather and test_grpby_gather with their scatter
// multiplicities raised to about 10^4 .. 10^7 drops. Each case runs in its own process (so
// peak RSS is its own) and is compared with a plain streaming read of the file it wrote,
// measured in the same process right after. Usage: node scripts/bench-unroll.mjs [maxExp=7]
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
  if (rows.length === 1) {
    console.log(['graph', 'drops', 'edges', 'unroll s', 'emit s', 'output', 'drops/s', 'peak RSS', 'read s', 'total/read'].map((h, i) => (i ? h.padStart(11) : h.padEnd(24))).join(''));
  }
  const total = (r.unrollMs + r.emitMs) / 1000;
  const cells = [
    r.graph.padEnd(24),
    String(r.drops).padStart(11),
    String(r.edges).padStart(11),
    (r.unrollMs / 1000).toFixed(2).padStart(11),
    (r.emitMs / 1000).toFixed(2).padStart(11),
    `${(r.bytes / 2 ** 30).toFixed(2)} GiB`.padStart(11),
    Math.round(r.drops / total).toString().padStart(11),
    `${(r.rss / 2 ** 30).toFixed(2)} GiB`.padStart(11),
    (r.readMs === null ? 'n/a' : (r.readMs / 1000).toFixed(2)).padStart(11),
    (r.readMs === null ? '(/dev/null)' : (total / (r.readMs / 1000)).toFixed(2) + 'x').padStart(11),
  ];
  console.log(cells.join(''));
}
