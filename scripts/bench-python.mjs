#!/usr/bin/env node
// Python apps benchmark: PyFuncApps in a scatter (independent apps) and in a chain (each app
// waits for the previous one), calling a trivial function and a numpy one on 1 MB arrays,
// on our node manager and on the reference DALiuGE 6.7.0 node manager (../shared/daliuge-ref),
// both with 2 workers/threads, both driven over REST by the same client in the same run.
//
//   node scripts/bench-python.mjs [--apps 10000] [--numpy-apps 1000] [--cases trivial-scatter,...] [--engines ours,reference]
//
// Goals (issue 11): at least 2× the reference's throughput on the trivial scatter with 2
// workers, and a per-call overhead under 1 ms on the trivial chain. Also reported: how long a
// Python worker takes to start and how much memory one holds.
// Times run from the deploy request to the session's end (status polled every 20 ms), the
// deploy request itself shown apart (the reference creates its drops in it, importing each
// app's function), and the append before it (ours checks the functions' imports there).

import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ARGS = ['--import', 'tsx', '--max-old-space-size=8192'];
const REF = join(root, '../shared/daliuge-ref');
const PYTHON = process.env.DLG_BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const FUNCS = join(root, 'fixtures/python');
const M = 'dlgts_testfuncs';

// ---- graphs: PyFuncApps with ports and application arguments, as the translator emits them ----

const arg = (name, value, usage = 'NoPort') => ({ name, value, usage, encoding: 'pickle', type: 'Object', positional: false, precious: false });
const pyfunc = (oid, func, args, inputs, outputs) => ({
  oid,
  categoryType: 'Application',
  dropclass: 'dlg.apps.pyfunc.PyFuncApp',
  func_name: `${M}.${func}`,
  applicationArgs: Object.fromEntries(args.map((a) => [a.name, a])),
  inputs: inputs.map(([o, p]) => ({ [o]: p })),
  outputs: outputs.map(([o, p]) => ({ [o]: p })),
});
const mem = (oid, pydata) => ({
  oid,
  categoryType: 'Data',
  dropclass: 'dlg.data.drops.memory.InMemoryDROP',
  ...(pydata === undefined ? {} : { fields: [{ name: 'pydata', value: pydata, type: 'Integer' }] }),
});
const IN = (n) => arg(n, null, 'InputPort');
const OUT = arg('out', null, 'OutputPort');
const REPRO_OFF = { rmode: '0' }; // the reference crashes on KeyError 'rmode' with {} (see test/interop)

const CASES = {
  /** n independent apps: x_i → trivial → y_i */
  'trivial-scatter': (n) => {
    const g = [];
    for (let i = 0; i < n; i++) g.push(mem(`x${i}`, i), pyfunc(`f${i}`, 'trivial', [IN('x'), OUT], [[`x${i}`, 'x']], [[`y${i}`, 'out']]), mem(`y${i}`));
    return g;
  },
  /** n apps in a line: f_0 → d_0 → f_1 → … */
  'trivial-chain': (n) => {
    const g = [pyfunc('f0', 'trivial', [arg('x', 1), OUT], [], [['d0', 'out']]), mem('d0')];
    for (let i = 1; i < n; i++) g.push(pyfunc(`f${i}`, 'trivial', [IN('x'), OUT], [[`d${i - 1}`, 'x']], [[`d${i}`, 'out']]), mem(`d${i}`));
    return g;
  },
  /** one app makes a 1 MB array, n apps each sum it */
  'numpy-scatter': (n) => {
    const g = [pyfunc('make', 'make_array', [arg('nbytes', 1 << 20), OUT], [], [['A', 'out']]), mem('A')];
    for (let i = 0; i < n; i++) g.push(pyfunc(`s${i}`, 'total', [IN('x'), OUT], [['A', 'x']], [[`t${i}`, 'out']]), mem(`t${i}`));
    return g;
  },
  /** a 1 MB array through n apps that each add one */
  'numpy-chain': (n) => {
    const g = [pyfunc('make', 'make_array', [arg('nbytes', 1 << 20), OUT], [], [['d0', 'out']]), mem('d0')];
    for (let i = 1; i <= n; i++) g.push(pyfunc(`a${i}`, 'add_one', [IN('x'), OUT], [[`d${i - 1}`, 'x']], [[`d${i}`, 'out']]), mem(`d${i}`));
    return g;
  },
};
const appsIn = (pg) => pg.filter((s) => s.categoryType === 'Application').length;

// ---- the two node managers ----

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** HTTP without client-side timeouts: the reference can take minutes to answer a big append. */
function http(method, url, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitUp(url, child, what) {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if ((await http('GET', `${url}/api/sessions`)).status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start`);
}

async function startOurs(dlgRoot) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...NODE_ARGS, join(root, 'engine/cli/dlg-engine.ts'), 'nm', '--port', String(port), '--dlg-root', dlgRoot, '--max-workers', '2', '--max-request-size', '500', '--python', PYTHON, '--python-path', FUNCS],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url, child, 'dlg-engine nm');
  return { url, child };
}

async function startReference(dlgRoot) {
  mkdirSync(join(dlgRoot, 'log'), { recursive: true });
  const [port, ev, rpc] = [await freePort(), await freePort(), await freePort()];
  const paths = [join(REF, 'stubs'), ...['daliuge-engine', 'daliuge-translator', 'daliuge-common'].map((p) => join(REF, 'src', p)), FUNCS];
  const child = spawn('/usr/bin/python3', [join(REF, 'dlg_ref_tool.py'), 'nm', '-H', '127.0.0.1', '-P', String(port), '--event_port', String(ev), '--rpc_port', String(rpc), '-l', join(dlgRoot, 'log'), '-t', '2'], {
    env: { ...process.env, DLG_ROOT: dlgRoot, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: paths.join(delimiter), METIS_DLL: '/usr/lib/x86_64-linux-gnu/libmetis.so.5' },
    stdio: ['ignore', 'ignore', 'ignore'],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url, child, 'the reference node manager');
  return { url, child };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5000);
  await exited;
  clearTimeout(t);
}

function rssOfTree(pid) {
  // the manager and its children (our Python workers)
  let total = 0;
  const walk = (p) => {
    try {
      total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      for (const c of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) walk(Number(c));
    } catch {
      /* gone */
    }
  };
  walk(pid);
  return total;
}

async function runSession(url, id, pg) {
  const post = async (path, headers, body) => {
    const r = await http('POST', url + path, headers, body);
    if (r.status >= 300) throw new Error(`${path}: HTTP ${r.status} ${r.text.slice(0, 400)}`);
  };
  const roots = pg.filter((s) => s.oid && !(s.inputs?.length > 0) && !(s.categoryType === 'Data' && pg.some((a) => a.outputs?.some((e) => Object.keys(e)[0] === s.oid)))).map((s) => s.oid);
  const t0 = performance.now();
  await post('/api/sessions', { 'content-type': 'application/json' }, JSON.stringify({ sessionId: id }));
  await post(`/api/sessions/${id}/graph/append`, { 'content-type': 'application/json' }, JSON.stringify([...pg, REPRO_OFF]));
  const t1 = performance.now();
  await post(`/api/sessions/${id}/deploy`, { 'content-type': 'application/x-www-form-urlencoded' }, `completed=${encodeURIComponent(roots.join(','))}`);
  const t2 = performance.now();
  for (;;) {
    const status = JSON.parse((await http('GET', `${url}/api/sessions/${id}/status`)).text);
    if (status >= 4) {
      const t3 = performance.now();
      // runMs: deploy request to the end; deployMs: until the deploy request returned (the
      // reference builds its drops within it, importing each app's function).
      return { status, appendMs: t1 - t0, deployMs: t2 - t1, runMs: t3 - t1 };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---- worker start and memory, measured on the pool itself ----

async function workerStats() {
  const { PythonPool } = await import(join(root, 'engine/drops/apps/python/pool.ts'));
  const dlgRoot = mkdtempSync(join(tmpdir(), 'dlg-bench-py-'));
  const pool = new PythonPool({ python: PYTHON, paths: [FUNCS], maxWorkers: 2, dlgRoot });
  try {
    const call = (items) => pool.call({ op: 'check', cwd: dlgRoot, items }, []).reply;
    await Promise.all([call([]), call([])]);
    const idle = pool.memory();
    // Checking RandomArrayApp imports numpy in the worker that answers.
    await Promise.all([call([{ app: 'RandomArrayApp' }]), call([{ app: 'RandomArrayApp' }])]);
    return { starts: pool.startTimes, idleRss: idle, numpyRss: pool.memory() };
  } finally {
    pool.close();
    rmSync(dlgRoot, { recursive: true, force: true });
  }
}

// ---- driver ----

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');

function workerStatsInChild() {
  const r = spawnSync(process.execPath, [...NODE_ARGS, fileURLToPath(import.meta.url), '--worker-stats'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`worker stats failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function main(argv) {
  if (argv.includes('--worker-stats')) {
    process.stdout.write(JSON.stringify(await workerStats()));
    return;
  }
  const opt = (name, def) => {
    const j = argv.indexOf(name);
    return j >= 0 ? argv[j + 1] : def;
  };
  const n = Number(opt('--apps', '10000'));
  const nNumpy = Number(opt('--numpy-apps', '1000'));
  const cases = opt('--cases', Object.keys(CASES).join(',')).split(',');
  const engines = opt('--engines', 'ours,reference').split(',');
  const refProblem = spawnSync('/usr/bin/python3', ['-c', 'import bottle, zmq, dill, numpy'], { encoding: 'utf8' }).status === 0 && existsSync(REF) ? null : 'the reference (../shared/daliuge-ref and its install-deps) is not available';
  if (refProblem && engines.includes('reference')) {
    console.log(`note: ${refProblem}; only our engine is measured`);
    engines.splice(engines.indexOf('reference'), 1);
  }

  const w = workerStatsInChild();
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`Python workers (${PYTHON}): start ${w.starts.map((s) => fmt(s, 0)).join(', ')} ms; resident memory ${w.idleRss.map((b) => fmt(b / 2 ** 20, 1)).join(', ')} MiB idle, ${w.numpyRss.map((b) => fmt(b / 2 ** 20, 1)).join(', ')} MiB with numpy imported\n`);

  const results = {};
  for (const engine of engines) {
    const dlgRoot = mkdtempSync(join(tmpdir(), `dlg-bench-${engine}-`));
    const { url, child } = engine === 'ours' ? await startOurs(dlgRoot) : await startReference(dlgRoot);
    try {
      // warm-up: workers started, functions imported, JIT warm (a long-lived manager does not pay these per graph)
      await runSession(url, 'warmup', CASES['trivial-scatter'](20));
      await runSession(url, 'warmup-np', CASES['numpy-chain'](3));
      for (const c of cases) {
        const pg = CASES[c](c.startsWith('numpy') ? nNumpy : n);
        const r = await runSession(url, `${c}-${engine}`, pg);
        r.apps = appsIn(pg);
        r.rss = rssOfTree(child.pid);
        results[`${engine} ${c}`] = r;
        console.error(`${engine} ${c}: ${r.apps} apps, status ${r.status}, run ${fmt(r.runMs / 1000)} s`);
      }
    } finally {
      await stop(child);
      rmSync(dlgRoot, { recursive: true, force: true });
    }
  }

  console.log('case | apps | ours status | ours append s | ours deploy s | ours run s | ours apps/s | ours ms/app | reference status | reference append s | reference deploy s | reference run s | reference apps/s | throughput ×');
  for (const c of cases) {
    const o = results[`ours ${c}`];
    const r = results[`reference ${c}`];
    const rate = (x) => (x ? x.apps / (x.runMs / 1000) : NaN);
    const name = (x) => (x ? (x.status === 4 ? 'FINISHED' : `status ${x.status}`) : '—');
    console.log(
      [c, (o ?? r).apps, name(o), fmt(o?.appendMs / 1000), fmt(o?.deployMs / 1000), fmt(o?.runMs / 1000), fmt(rate(o), 0), fmt(o ? o.runMs / o.apps : NaN, 3),
        name(r), fmt(r?.appendMs / 1000), fmt(r?.deployMs / 1000), fmt(r?.runMs / 1000), fmt(rate(r), 0), fmt(rate(o) / rate(r))].join(' | '),
    );
  }
  const s = results['ours trivial-scatter'];
  const rs = results['reference trivial-scatter'];
  const ch = results['ours trivial-chain'];
  if (s && rs) {
    const x = s.apps / s.runMs / (rs.apps / rs.runMs);
    console.log(`\ngoal ≥ 2× the reference's throughput on the trivial scatter (2 workers): ${fmt(x)}× → ${x >= 2 ? 'met' : 'NOT met'}`);
  }
  if (ch) console.log(`goal < 1 ms per call on the trivial chain: ${fmt(ch.runMs / ch.apps, 3)} ms → ${ch.runMs / ch.apps < 1 ? 'met' : 'NOT met'}`);
  console.log(`worker start (median of ${w.starts.length}): ${fmt(med(w.starts), 0)} ms; memory per worker: ${fmt(med(w.idleRss) / 2 ** 20, 1)} MiB idle, ${fmt(med(w.numpyRss) / 2 ** 20, 1)} MiB with numpy`);
}

main(process.argv).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
