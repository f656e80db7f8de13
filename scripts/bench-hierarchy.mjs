// Hierarchy part of the engine benchmark (node scripts/bench-engine.mjs --hierarchy):
//
//  1. 10^6 no-op drops (NullBarrierApp + InMemory data, 1,000 chains of 1,000) on 4 node
//     managers behind one island manager (`dlg-engine cluster --nodes 4`), about 1% of the
//     edges crossing nodes: deploy rate through the island manager, run time, events crossing
//     nodes per second, peak RSS of every process. Baseline: the same graph on one node manager.
//  2. A 10^5-drop chain alternating between 2 node managers (every edge crosses), against the
//     same chain on one node manager: the ratio is the cost of an event crossing nodes.
//  3. A fan of 10^5 data drops on one node manager, each read by an app on another: events
//     crossing nodes in bulk (what the batched transport can carry), against one node manager.
//
// Targets (issue 10): ≥ 100,000 drops/s deployed through the island manager, ≤ 60 s for 10^6
// drops end to end, ≥ 50,000 events/s between nodes.
//
//   node scripts/bench-engine.mjs --hierarchy [--hsize 1000000] [--chain 100000] [--fan 100000] [--cases wide,chain,fan] [--repeat N]

import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ARGS = ['--import', 'tsx', '--max-old-space-size=8192'];
const BLOCK = 100; // a chain moves to the next node every BLOCK drops: 1% of its edges cross

const app = (oid, inputs, outputs, node) => ({ oid, categoryType: 'Application', dropclass: 'dlg.apps.simple.NullBarrierApp', inputs, outputs, ...(node ? { node } : {}) });
const data = (oid, producers, consumers, node) => ({ oid, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', producers, consumers, ...(node ? { node } : {}) });

/**
 * `chains` chains data → app → data … of `length` drops; drop j of chain c on node
 * nodeOf(c, j). Returns the graph, its roots and the events that will cross nodes: per
 * data → app edge across nodes a dropCompleted and a consumerDone, per app → data a producerFinished.
 */
function chainGraph(chains, length, nodes, nodeOf) {
  const g = [];
  const roots = [];
  let cross = 0;
  let edges = 0;
  let events = 0;
  for (let c = 0; c < chains; c++) {
    for (let j = 0; j < length; j++) {
      const id = (k) => `c${c}_${k}`;
      const prev = j > 0 ? [id(j - 1)] : [];
      const next = j < length - 1 ? [id(j + 1)] : [];
      const node = nodes.length ? nodes[nodeOf(c, j) % nodes.length] : undefined;
      g.push(j % 2 === 0 ? data(id(j), prev, next, node) : app(id(j), prev, next, node));
      if (j === 0) roots.push(id(0));
      if (j > 0) {
        edges++;
        if (nodes.length && nodeOf(c, j) % nodes.length !== nodeOf(c, j - 1) % nodes.length) {
          cross++;
          events += j % 2 === 1 ? 2 : 1; // into an app: dropCompleted + consumerDone; into data: producerFinished
        }
      }
    }
  }
  g.push({});
  return { g, roots, cross, edges, events };
}

/** root → m data (node 0) → m apps (node 1) → m data (node 1) → gather (node 1). */
function fanGraph(m, nodes) {
  const on = (k) => (nodes.length ? nodes[k % nodes.length] : undefined);
  const g = [];
  const d = [], e = [];
  for (let i = 0; i < m; i++) { d.push(`d${i}`); e.push(`e${i}`); }
  g.push(app('root', [], d, on(0)));
  for (let i = 0; i < m; i++) {
    g.push(data(`d${i}`, ['root'], [`a${i}`], on(0)));
    g.push(app(`a${i}`, [`d${i}`], [`e${i}`], on(1)));
    g.push(data(`e${i}`, [`a${i}`], ['gather'], on(1)));
  }
  g.push(app('gather', e, [], on(1)));
  g.push({});
  const cross = nodes.length > 1 ? m : 0;
  // per crossing data → app edge: dropCompleted one way, consumerDone back
  return { g, roots: ['root'], cross, edges: 3 * m, events: 2 * cross };
}

function peakRssOf(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

function startCluster(nodes, dlgRoot) {
  const child = spawn(process.execPath, [...NODE_ARGS, join(root, 'engine/cli/dlg-engine.ts'), 'cluster', '--nodes', String(nodes), '--base-port', '0', '--dlg-root', dlgRoot, '--max-workers', '2'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  // What the managers say (a lost node, a refused request) is shown with the result.
  child.stderr.on('data', (b) => {
    for (const line of String(b).split('\n')) if (/lost|error|refused|giving up/i.test(line)) process.stderr.write(`  ${line}\n`);
  });
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (b) => {
      err += b;
      if (!/cluster ready/.test(err)) return;
      const procs = out.trim().split('\n').map((l) => {
        const [kind, , url, , pid] = l.split(/\s+/);
        return { kind, url, pid: Number(pid) };
      });
      resolve({ child, procs, dim: procs.find((p) => p.kind === 'island').url, nms: procs.filter((p) => p.kind === 'node') });
    });
    child.on('exit', (code) => reject(new Error(`cluster exited with ${code}: ${err}`)));
  });
}

async function stopCluster(c) {
  c.child.kill('SIGTERM');
  await new Promise((r) => c.child.once('exit', r));
}

async function post(url, path, body, type = 'application/json') {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': type }, body });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
}

/**
 * POST a big JSON text as ManagerClient.append (dlg-deploy) does: 1 MB slices over node:http,
 * so the manager starts on the first while the rest is encoded (fetch copies the whole text
 * first: ~2 s of the client's before the manager sees a byte of 10^6 drops).
 */
export function postSlices(url, path, text) {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let answer = '';
      res.on('data', (b) => (answer += b));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: HTTP ${res.statusCode} ${answer.slice(0, 500)}`))));
    });
    req.on('error', reject);
    (async () => {
      for (let i = 0; i < text.length; i += 1 << 20) if (!req.write(text.slice(i, i + (1 << 20)))) await new Promise((r) => req.once('drain', r));
      req.end();
    })();
  });
}

const FINAL = new Set([4, 5, 6]);
function flatten(s) {
  return typeof s === 'number' ? [s] : Object.values(s).flatMap(flatten);
}

/** CPU seconds (user + system) a process has used so far; the machine is shared, so wall time alone says little. */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(after[11]) + Number(after[12])) / 100; // utime, stime in clock ticks (100/s on Linux)
  } catch {
    return NaN;
  }
}

/** Create, append, deploy with the roots, wait: times of the deploy and of the run, and the managers' CPU during the deploy. */
async function runOn(url, id, graph, pids = []) {
  const json = JSON.stringify(graph.g);
  const cpu0 = pids.map(cpuOf);
  const t0 = performance.now();
  await post(url, '/api/sessions', JSON.stringify({ sessionId: id }));
  await postSlices(url, `/api/sessions/${id}/graph/append`, json);
  await post(url, `/api/sessions/${id}/deploy`, `completed=${graph.roots.join(',')}`, 'application/x-www-form-urlencoded');
  const t1 = performance.now();
  const deployCpuOf = pids.map((pid, i) => cpuOf(pid) - cpu0[i]);
  const deployCpu = deployCpuOf.reduce((a, b) => a + b, 0);
  let statuses;
  for (;;) {
    statuses = flatten(await (await fetch(`${url}/api/sessions/${id}/status`)).json());
    if (statuses.every((s) => FINAL.has(s))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const t2 = performance.now();
  return { deployMs: t1 - t0, deployCpu, deployCpuOf, runMs: t2 - t1, ok: statuses.every((s) => s === 4) };
}

async function onCluster(nodes, build, label) {
  const dlgRoot = mkdtempSync(join(tmpdir(), 'dlg-bench-h-'));
  const c = await startCluster(nodes, dlgRoot);
  try {
    const addr = c.nms.map((n) => n.url.replace('http://', ''));
    // Warm the JIT on a small graph of the same shape first, as the single-node bench does.
    await runOn(nodes > 1 ? c.dim : c.nms[0].url, 'warmup', build(nodes > 1 ? addr : [], true));
    const graph = build(nodes > 1 ? addr : [], false);
    const r = await runOn(nodes > 1 ? c.dim : c.nms[0].url, 'bench', graph, c.procs.map((p) => p.pid));
    const rss = c.procs.map((p) => `${p.kind[0]}${peakRssOf(p.pid) / 2 ** 20 | 0}`).join(' ');
    r.deployCpuText = `${r.deployCpu.toFixed(1)} (${c.procs.map((p, i) => `${p.kind[0]}${r.deployCpuOf[i].toFixed(1)}`).join(' ')})`;
    return { label, drops: graph.g.length - 1, cross: graph.cross, edges: graph.edges, events: graph.events, rss, ...r };
  } finally {
    await stopCluster(c);
    rmSync(dlgRoot, { recursive: true, force: true });
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

export async function benchHierarchy(argv) {
  const opt = (name, def) => {
    const j = argv.indexOf(name);
    return j >= 0 ? Number(argv[j + 1]) : def;
  };
  const n = opt('--hsize', 1_000_000);
  const chainLen = opt('--chain', 100_000);
  const fan = opt('--fan', 100_000);
  const repeat = Math.max(1, opt('--repeat', 1));
  const j = argv.indexOf('--cases');
  const cases = new Set(j >= 0 ? argv[j + 1].split(',') : ['wide', 'chain', 'fan']);
  const side = Math.round(Math.sqrt(n));
  const wide = (warm) => (nodes) => chainGraph(warm ? 20 : side, warm ? 100 : side, nodes, (c, j) => c + Math.floor(j / BLOCK));
  const alternating = (warm) => (nodes) => chainGraph(1, warm ? 2000 : chainLen, nodes, (_c, j) => j);
  const build = (f) => (nodes, warm) => f(warm)(nodes);

  console.log('case | drops | cross edges | deploy s | deploy CPU s (managers: master, island, nodes) | deployed drops/s | run s | total s | events crossing | events/s | peak RSS MiB (cluster, master, island, nodes) | run ×');
  const rows = [];
  const show = (r, base) => {
    const ratio = base ? (r.runMs / base.runMs).toFixed(2) : '1.00';
    console.log([r.label, fmt(r.drops), `${fmt(r.cross)} (${((100 * r.cross) / Math.max(1, r.edges)).toFixed(2)}%)`, (r.deployMs / 1000).toFixed(2), r.deployCpuText, fmt(r.drops / (r.deployMs / 1000)),
      (r.runMs / 1000).toFixed(2), ((r.deployMs + r.runMs) / 1000).toFixed(2), fmt(r.events), r.events ? fmt(r.events / (r.runMs / 1000)) : '-', r.rss, ratio].join(' | ') + (r.ok ? '' : ' | NOT FINISHED'));
    rows.push(r);
  };
  const fanOf = (warm) => (nodes) => fanGraph(warm ? 1000 : fan, nodes);
  let dim4, chain1, chain2, fan2;
  if (cases.has('wide')) {
    const base1 = await onCluster(1, build(wide), `${side}×${side} chains, 1 node manager (baseline)`);
    show(base1);
    // The machine is shared, so one run says little: --repeat N runs the island-manager case
    // N times (a fresh cluster each), and the verdict takes the median run.
    const runs = [];
    for (let k = 0; k < repeat; k++) {
      runs.push(await onCluster(4, build(wide), `${side}×${side} chains, island manager over 4${repeat > 1 ? ` (run ${k + 1} of ${repeat})` : ''}`));
      show(runs[k], base1);
    }
    const byDeploy = [...runs].sort((a, b) => a.deployMs - b.deployMs);
    dim4 = byDeploy[(byDeploy.length - 1) >> 1];
    if (repeat > 1) dim4.spread = `median of ${repeat} runs; fastest ${fmt(byDeploy[0].drops / (byDeploy[0].deployMs / 1000))}, slowest ${fmt(byDeploy[byDeploy.length - 1].drops / (byDeploy[byDeploy.length - 1].deployMs / 1000))}`;
  }
  if (cases.has('chain')) {
    chain1 = await onCluster(1, build(alternating), `${chainLen} chain, 1 node manager (baseline)`);
    show(chain1);
    chain2 = await onCluster(2, build(alternating), `${chainLen} chain alternating over 2`);
    show(chain2, chain1);
  }
  if (cases.has('fan')) {
    const fan1 = await onCluster(1, build(fanOf), `fan of ${fan}, 1 node manager (baseline)`);
    show(fan1);
    fan2 = await onCluster(2, build(fanOf), `fan of ${fan} read on another node`);
    show(fan2, fan1);
  }

  console.log('');
  if (dim4) {
    const rate = dim4.drops / (dim4.deployMs / 1000);
    console.log(`target ≥ 100,000 drops/s deployed through the island manager: ${fmt(rate)}${dim4.spread ? ` (${dim4.spread})` : ''} → ${rate >= 1e5 ? 'met' : 'NOT met'}`);
    const total = (dim4.deployMs + dim4.runMs) / 1000;
    console.log(`target ${fmt(dim4.drops)} drops on 4 nodes end to end ≤ 60 s: ${total.toFixed(1)} s → ${total <= 60 ? 'met' : 'NOT met'}`);
    console.log(`events crossing nodes during the 4-node run (1% of edges): ${fmt(dim4.events / (dim4.runMs / 1000))}/s on average`);
  }
  if (fan2) {
    const evs = fan2.events / (fan2.runMs / 1000);
    console.log(`target ≥ 50,000 events/s crossing nodes (fan, in bulk): ${fmt(evs)}/s → ${evs >= 5e4 ? 'met' : 'NOT met'}`);
  }
  if (chain1 && chain2) {
    const perEvent = (chain2.runMs - chain1.runMs) / Math.max(1, chain2.events);
    console.log(`alternating chain: ${fmt(chain2.events / (chain2.runMs / 1000))} events/s one at a time, ${(chain2.runMs / chain1.runMs).toFixed(1)}× the single-node run, ${(perEvent * 1000).toFixed(0)} µs per event`);
  }
}
