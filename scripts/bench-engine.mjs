#!/usr/bin/env node
// Engine benchmark: deploy and run 10^4, 10^5 and 10^6 no-op drops (a wide scatter, and long
// chains of NullBarrierApp with InMemory data), on the embedded engine and on one node manager
// over REST. Every case runs in a fresh process so that peak RSS belongs to that case alone.
//
//   node scripts/bench-engine.mjs [--sizes 10000,100000,1000000] [--shapes scatter,chain] [--modes embedded,rest]
//   node scripts/bench-engine.mjs --hierarchy [--hsize 1000000] [--chain 100000]   (island manager, nodes)
//
// Targets (issue 5): ≥ 100,000 drops/s deployed; 10^6 drops end to end within 60 s.
// Each case first runs a 2,000-drop graph of the same shape in the same process, so the
// figures are those of a warmed-up engine, not of JIT compilation.
// Ratios compare each case's time per drop with the smallest size of the same shape and mode,
// measured in the same run, so a superlinear cost shows up as a ratio well above 1.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ARGS = ['--import', 'tsx', '--max-old-space-size=8192'];

// ---- graph shapes (plain string relationship entries on both sides, as in older PGs) ----

const app = (oid, inputs, outputs) => ({ oid, categoryType: 'Application', dropclass: 'dlg.apps.simple.NullBarrierApp', inputs, outputs });
const data = (oid, producers, consumers) => ({ oid, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', producers, consumers });

/** root app → m data → m apps → m data → one gather app: 3m + 2 drops. */
function scatter(n) {
  const m = Math.max(1, Math.round((n - 2) / 3));
  const g = [];
  const d1 = [], d2 = [];
  for (let i = 0; i < m; i++) { d1.push(`d${i}`); d2.push(`e${i}`); }
  g.push(app('root', [], d1));
  for (let i = 0; i < m; i++) {
    g.push(data(`d${i}`, ['root'], [`a${i}`]));
    g.push(app(`a${i}`, [`d${i}`], [`e${i}`]));
    g.push(data(`e${i}`, [`a${i}`], ['gather']));
  }
  g.push(app('gather', d2, []));
  g.push({});
  return g;
}

/** ten chains data → app → data → … of n/10 drops each. */
function chains(n) {
  const k = 10;
  const len = Math.max(2, Math.floor(n / k));
  const g = [];
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < len; i++) {
      const id = (j) => `c${c}_${j}`;
      const prev = i > 0 ? [id(i - 1)] : [];
      const next = i < len - 1 ? [id(i + 1)] : [];
      g.push(i % 2 === 0 ? data(id(i), prev, next) : app(id(i), prev, next));
    }
  }
  g.push({});
  return g;
}

const SHAPES = { scatter, chain: chains };
const WARMUP = 2000;

// ---- one case, in a child process ----

function peakRssOf(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function caseEmbedded(shape, n) {
  const { runEmbedded } = await import(join(root, 'engine/client/embedded.ts'));
  const pg = SHAPES[shape](n);
  const dlgRoot = mkdtempSync(join(tmpdir(), 'dlg-bench-'));
  try {
    // Warm the JIT on a small graph first: a long-lived engine does not pay that per graph.
    await runEmbedded(SHAPES[shape](WARMUP), { dlgRoot, maxWorkers: 2, sessionId: 'warmup' });
    const r = await runEmbedded(pg, { dlgRoot, maxWorkers: 2, sessionId: 'bench' });
    return { drops: pg.length - 1, status: r.status, deployMs: r.deployMs, runMs: r.runMs, rss: process.resourceUsage().maxRSS * 1024 };
  } finally {
    rmSync(dlgRoot, { recursive: true, force: true });
  }
}

function startNodeManager(dlgRoot) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, join(root, 'engine/cli/dlg-engine.ts'), 'nm', '--port', '0', '--dlg-root', dlgRoot, '--max-workers', '2', '--max-request-size', '500'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b) => {
      err += b;
      const m = /on http:\/\/([\d.]+):(\d+)/.exec(err);
      if (m) resolve({ child, url: `http://${m[1]}:${m[2]}` });
    });
    child.on('exit', (code) => reject(new Error(`dlg-engine exited with ${code}: ${err}`)));
  });
}

async function caseRest(shape, n) {
  const { postSlices } = await import('./bench-hierarchy.mjs');
  const dlgRoot = mkdtempSync(join(tmpdir(), 'dlg-bench-'));
  const { child, url } = await startNodeManager(dlgRoot);
  try {
    const pg = SHAPES[shape](n);
    const body = JSON.stringify(pg);
    const roots = shape === 'scatter' ? ['root'] : Array.from({ length: 10 }, (_, c) => `c${c}_0`);
    const post = async (path, init) => {
      const res = await fetch(url + path, { method: 'POST', ...init });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    };
    const deploy = async (id, json) => {
      await post('/api/sessions', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: id }) });
      // As dlg-deploy sends it: 1 MB slices, parsed while the rest is still being encoded.
      await postSlices(url, `/api/sessions/${id}/graph/append`, json);
      await post(`/api/sessions/${id}/deploy`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `completed=${roots.join(',')}` });
    };
    const finish = async (id) => {
      for (;;) {
        const status = await (await fetch(`${url}/api/sessions/${id}/status`)).json();
        if (status >= 4) return status;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // Warm the server's JIT on a small graph first: a long-lived node manager does not pay
    // that per graph.
    await deploy('warmup', JSON.stringify(SHAPES[shape](WARMUP)));
    await finish('warmup');
    const t0 = performance.now();
    await deploy('bench', body);
    const t1 = performance.now();
    const status = await finish('bench');
    const t2 = performance.now();
    return { drops: pg.length - 1, status, deployMs: t1 - t0, runMs: t2 - t1, rss: peakRssOf(child.pid) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dlgRoot, { recursive: true, force: true });
  }
}

function runCase(mode, shape, n) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, fileURLToPath(import.meta.url), '--case', mode, shape, String(n)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${mode} ${shape} ${n}: exit ${code}`))));
  });
}

// ---- table ----

const fmtS = (ms) => (ms / 1000).toFixed(2);
const fmtRate = (r) => Math.round(r).toLocaleString('en-US');
const fmtMiB = (b) => (Number.isFinite(b) ? (b / 2 ** 20).toFixed(0) : '?');

async function main(argv) {
  // Island manager over node managers, and chains crossing nodes: scripts/bench-hierarchy.mjs.
  if (argv.includes('--hierarchy')) return (await import('./bench-hierarchy.mjs')).benchHierarchy(argv);
  const i = argv.indexOf('--case');
  if (i >= 0) {
    const [mode, shape, n] = argv.slice(i + 1);
    const r = await (mode === 'rest' ? caseRest : caseEmbedded)(shape, Number(n));
    process.stdout.write(JSON.stringify(r));
    return;
  }
  const opt = (name, def) => {
    const j = argv.indexOf(name);
    return j >= 0 ? argv[j + 1].split(',') : def;
  };
  const sizes = opt('--sizes', ['10000', '100000', '1000000']).map(Number);
  const shapes = opt('--shapes', ['scatter', 'chain']);
  const modes = opt('--modes', ['embedded', 'rest']);
  const rows = [];
  const head = ['mode', 'shape', 'drops', 'status', 'deploy s', 'run s', 'total s', 'deployed drops/s', 'run drops/s', 'peak RSS MiB', 'deploy ×/drop', 'run ×/drop'];
  console.log(head.join(' | '));
  for (const mode of modes)
    for (const shape of shapes) {
      let base;
      for (const n of sizes) {
        const r = await runCase(mode, shape, n);
        const perDeploy = r.deployMs / r.drops, perRun = r.runMs / r.drops;
        base ??= { perDeploy, perRun };
        const row = [mode, shape, r.drops, r.status === 4 ? 'FINISHED' : `status ${r.status}`, fmtS(r.deployMs), fmtS(r.runMs), fmtS(r.deployMs + r.runMs),
          fmtRate(r.drops / (r.deployMs / 1000)), fmtRate(r.drops / (r.runMs / 1000)), fmtMiB(r.rss), (perDeploy / base.perDeploy).toFixed(2), (perRun / base.perRun).toFixed(2)];
        rows.push({ mode, shape, ...r });
        console.log(row.join(' | '));
      }
    }
  // Throughput targets concern large graphs; small ones are dominated by fixed request costs,
  // so they are shown for information.
  const big = rows.filter((r) => r.drops >= 1e6);
  const rate = (r) => r.drops / (r.deployMs / 1000);
  const slowest = (list) => list.reduce((a, b) => (rate(b) < rate(a) ? b : a));
  const all = slowest(rows);
  console.log(`\nslowest deployment at any size: ${fmtRate(rate(all))} drops/s (${all.mode} ${all.shape} ${all.drops})`);
  if (big.length) {
    const s = slowest(big);
    console.log(`target ≥ 100,000 drops/s deployed (10^6 drops): slowest ${fmtRate(rate(s))} drops/s (${s.mode} ${s.shape}) → ${rate(s) >= 1e5 ? 'met' : 'NOT met'}`);
    const worst = Math.max(...big.map((r) => r.deployMs + r.runMs));
    console.log(`target 10^6 drops end to end ≤ 60 s: slowest ${fmtS(worst)} s → ${worst <= 60000 ? 'met' : 'NOT met'}`);
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err.stack ?? String(err));
  process.exitCode = 1;
});
