// dlg-deploy --slurm against a real SLURM (a private single-host cluster, test/slurm/cluster.ts):
// the bundled commands (built for this file) submit jobs with sbatch and follow them with
// --wait; the job driver starts the managers with srun, deploys, and leaves summary.json.

import test, { type ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';
import { freePortRange as freeRange, jobGone, needsSlurm, type Slurm } from './cluster.ts';
import type { Summary } from '../../engine/hpc/job/summary.ts';
import { runEmbedded } from '../../engine/client/embedded.ts';
import { translateForDeploy } from '../../engine/client/translate.ts';
import { SessionState } from '../../kernel/states.ts';

const slurm = await needsSlurm(test);
const hello = join(repoRoot, 'fixtures/graphs/hello_pipeline.graph');
const helloParams = ['Hello.greet=SLURM', 'Greetings.num_of_copies=4', 'Collect.num_of_inputs=4'];

interface Job {
  code: number | null;
  stdout: string;
  stderr: string;
  jobId: string;
  jobDir: string;
  dlgRoot: string;
  summary: Summary;
}

/**
 * `dlg-deploy GRAPH --slurm ... --wait` as a user types it, to its end. Teardown stops the
 * command (by PID) and cancels its job if a failed assertion left them running.
 */
function runJob(t: ExecutionContext, s: Slurm, dist: string, graph: string, basePort: number, args: string[], dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-test-'))): Promise<Job> {
  const jobDir = join(dir, 'job');
  const dlgRoot = join(dir, 'dlg');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      join(dist, 'dlg-deploy.js'), graph, '--slurm', '--job-dir', jobDir, '--dlg-root', dlgRoot, '--base-port', String(basePort),
      // Generous limits: on a loaded machine starting a node manager can take a minute.
      '--time', '00:05:00', '--start-timeout', '150', '--sbatch=--overcommit', '--wait', '--poll-interval', '0.3', ...args,
    ], { cwd: dir, env: { ...s.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const jobId = () => stdout.split('\n')[0]!.trim();
    t.teardown(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (/^\d+$/.test(jobId()) && !(await jobGone(s, jobId(), 1000))) {
        await s.run('scancel', [jobId()]);
        await jobGone(s, jobId(), 30_000);
      }
    });
    child.on('close', (code) => {
      const summaryFile = join(jobDir, 'summary.json');
      const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary) : (undefined as unknown as Summary);
      resolve({ code, stdout, stderr, jobId: jobId(), jobDir, dlgRoot, summary });
    });
  });
}

/** Processes whose command line names `path` (the managers of a job carry its DLG root). */
function processesUsing(path: string): string[] {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(path) && !l.includes('ps -eo'));
}

async function accounted(s: Slurm, jobId: string): Promise<string> {
  const r = await s.run('sacct', ['--completion', '-n', '-P', '-j', jobId, '-o', 'State,ExitCode']);
  return r.stdout.trim();
}

/**
 * The hello pipeline's outputs, in the session directory of the node manager that holds each
 * file drop, are the bytes the same graph writes when run here on the embedded engine.
 */
async function sameOutputs(t: ExecutionContext, sum: Summary, pg: Record<string, string>[]): Promise<void> {
  const { drops } = await translateForDeploy(JSON.parse(readFileSync(hello, 'utf8')), { params: helloParams });
  const root = mkdtempSync(join(tmpdir(), 'dlg-slurm-embedded-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const here = await runEmbedded(drops, { dlgRoot: root });
  t.is(here.status, SessionState.FINISHED);
  const dirOf = new Map(sum.managers.filter((m) => m.role === 'nm').map((m) => [m.url.replace('http://', ''), m.sessionDir!]));
  for (const file of ['greetings.txt', 'count.txt']) {
    const drop = pg.find((d) => d.filepath === file)!;
    t.truthy(drop, file);
    t.is(readFileSync(join(dirOf.get(drop.node!)!, file), 'utf8'), readFileSync(join(here.sessionDir, file), 'utf8'), file);
  }
  t.is(readFileSync(join(here.sessionDir, 'greetings.txt'), 'utf8').split('Hello SLURM').length - 1, 4);
}

if (slurm) {
  const s = slurm;
  let install = '';
  let dist = '';
  test.before(() => {
    // The bundles are what a cluster runs: build them once for this file, laid out as the
    // package is (dist/ beside engine/python, the Python worker package).
    install = mkdtempSync(join(tmpdir(), 'dlg-slurm-install-'));
    dist = join(install, 'dist');
    mkdirSync(join(install, 'engine'));
    symlinkSync(join(repoRoot, 'engine/python'), join(install, 'engine/python'));
    const b = spawnSync(process.execPath, [join(repoRoot, 'scripts/build.mjs'), '--out', dist], { encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  });
  test.after.always(() => rmSync(install, { recursive: true, force: true }));

  test('the hello pipeline with the defaults (one node manager, one island manager): --wait shows the job\'s progress and exits 0', async (t) => {
    const base = await freeRange(2);
    const job = await runJob(t, s, dist, hello, base, helloParams.flatMap((p) => ['-p', p]));
    t.teardown(() => rmSync(join(job.jobDir, '..'), { recursive: true, force: true }));
    t.is(job.code, 0, `${job.stderr}\n${s.logs()}`);
    // stdout: the job id alone (scripts capture it); everything else is on stderr.
    t.regex(job.stdout, /^\d+\n$/);
    const sum = job.summary;
    t.is(sum.status, 'FINISHED');
    t.is(sum.error, null);
    t.deepEqual(sum.job, { id: job.jobId, name: 'dlg-hello_pipeline', nodes: ['localhost'], tasks: 1, islands: 1 });
    t.deepEqual(sum.stages.map((x) => x.name), ['allocation', 'nodes', 'translate', 'islands', 'deploy', 'run', 'collect']);
    t.true(sum.stages.every((x) => x.ok && x.seconds >= 0 && x.seconds < 300));
    t.deepEqual(sum.managers.map((m) => [m.role, m.url]), [['nm', `http://127.0.0.1:${base}`], ['dim', `http://127.0.0.1:${base + 1}`]]);
    t.is(sum.managers[0]!.sessionDir, join(job.dlgRoot, 'nm0/workspace', `hello_pipeline-${job.jobId}`));
    const pg = (JSON.parse(readFileSync(join(job.jobDir, sum.pg!), 'utf8')) as Record<string, string>[]).filter((d) => d.oid);
    t.true(pg.every((d) => d.node === `127.0.0.1:${base}`));
    t.deepEqual(sum.drops, { total: pg.length, INITIALIZED: 0, WRITING: 0, COMPLETED: pg.length, ERROR: 0, EXPIRED: 0, DELETED: 0, CANCELLED: 0, SKIPPED: 0 });
    await sameOutputs(t, sum, pg);

    // --wait: the queue state from squeue, then the driver's stages (those that lasted past a
    // poll) in their order, the last one always, and the summary's result.
    const notes = job.stderr.split('\n').filter((l) => l.startsWith('dlg-deploy: ')).map((l) => l.slice('dlg-deploy: '.length));
    t.true(notes.includes(`job ${job.jobId} RUNNING localhost`), job.stderr);
    const stages = ['reading the allocation', 'starting 1 node manager(s) on 1 node(s)', 'translating and mapping the graph', 'starting 1 island manager(s)',
      `deploying session hello_pipeline-${job.jobId} on http://127.0.0.1:${base + 1}`, `running session hello_pipeline-${job.jobId}`, 'collecting the outcome',
      `session FINISHED; summary in ${join(job.jobDir, 'summary.json')}`];
    const seen = notes.filter((n) => stages.includes(n) || n.startsWith('running: '));
    const rank = (n: string) => (n.startsWith('running: ') ? stages.indexOf(`running session hello_pipeline-${job.jobId}`) : stages.indexOf(n));
    t.deepEqual(seen.map(rank), [...seen.map(rank)].sort((a, b) => a - b), job.stderr);
    t.true(seen.length >= 2, job.stderr);
    t.is(seen.at(-1), stages.at(-1));
    t.true(notes.includes(`job ${job.jobId}: session FINISHED — ${pg.length} drops: ${pg.length} COMPLETED`), job.stderr);

    t.true(await jobGone(s, job.jobId, 10_000));
    t.is(await accounted(s, job.jobId), 'COMPLETED|0:0');
    t.deepEqual(processesUsing(job.dlgRoot), []);
  });

  test('the hello pipeline on three node managers under one island manager (one node, three tasks)', async (t) => {
    const base = await freeRange(4);
    const job = await runJob(t, s, dist, hello, base, ['--ntasks', '3', '--tunnel', ...helloParams.flatMap((p) => ['-p', p])]);
    t.teardown(() => rmSync(join(job.jobDir, '..'), { recursive: true, force: true }));
    t.is(job.code, 0, `${job.stderr}\n${s.logs()}`);
    const sum = job.summary;
    t.is(sum.status, 'FINISHED');
    t.is(sum.error, null);
    t.deepEqual(sum.job, { id: job.jobId, name: 'dlg-hello_pipeline', nodes: ['localhost'], tasks: 3, islands: 1 });
    t.deepEqual(sum.stages.map((x) => [x.name, x.ok]), [['allocation', true], ['nodes', true], ['translate', true], ['islands', true], ['deploy', true], ['run', true], ['collect', true]]);
    t.true(sum.stages.every((x) => x.seconds >= 0 && x.seconds < 300));
    t.deepEqual(sum.failedDrops, []);
    // Node managers on base + SLURM_PROCID, the island manager after them, on the first node.
    t.deepEqual(sum.managers.map((m) => [m.role, m.index, m.node, m.url]), [
      ['nm', 0, 'localhost', `http://127.0.0.1:${base}`], ['nm', 1, 'localhost', `http://127.0.0.1:${base + 1}`], ['nm', 2, 'localhost', `http://127.0.0.1:${base + 2}`],
      ['dim', 0, 'localhost', `http://127.0.0.1:${base + 3}`],
    ]);
    t.is(sum.session?.manager, `http://127.0.0.1:${base + 3}`);
    t.is(sum.session?.id, `hello_pipeline-${job.jobId}`);
    // The tunnel reaches the island manager's dashboard from this (login) host.
    t.is(job.stdout.split('\n')[1], `ssh -N -L ${base + 3}:localhost:${base + 3} ${hostname()}`);

    // The graph that ran: every drop on one of the node managers, in the one island; spread over several.
    const pg = (JSON.parse(readFileSync(join(job.jobDir, sum.pg!), 'utf8')) as Record<string, string>[]).filter((d) => d.oid);
    const nmAddresses = new Set([0, 1, 2].map((i) => `127.0.0.1:${base + i}`));
    t.true(pg.every((d) => nmAddresses.has(d.node!) && d.island === `127.0.0.1:${base + 3}`));
    t.true(new Set(pg.map((d) => d.node)).size > 1, 'the graph spans node managers');
    t.deepEqual(sum.drops, { total: pg.length, INITIALIZED: 0, WRITING: 0, COMPLETED: pg.length, ERROR: 0, EXPIRED: 0, DELETED: 0, CANCELLED: 0, SKIPPED: 0 });

    await sameOutputs(t, sum, pg);
    for (const m of sum.managers) t.true(existsSync(join(job.jobDir, m.log)), m.log);

    // The job is gone and accounted for; no manager is left running.
    t.true(await jobGone(s, job.jobId, 10_000));
    t.is(await accounted(s, job.jobId), 'COMPLETED|0:0');
    t.deepEqual(processesUsing(job.dlgRoot), []);
  });

  test('a failing app on three node managers in two islands under a master manager: the job exits non-zero and the summary names the failed drop first, with its log', async (t) => {
    // Spread over three node managers: the logs come from the node manager that ran each
    // drop. The drop list in reverse: the drop that failed first is listed first by the time
    // of its first error, not by its place in the graph.
    const dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-test-'));
    const graph = join(dir, 'failing-bash.pg.json');
    const list = JSON.parse(readFileSync(join(repoRoot, 'fixtures/engine/failing-bash.pg.json'), 'utf8')) as Record<string, unknown>[];
    // The drops reversed; the closing {} (the drop list's reproducibility entry) stays last.
    writeFileSync(graph, JSON.stringify([...list.filter((d) => d.oid).reverse(), ...list.filter((d) => !d.oid)]));
    const base = await freeRange(6);
    const job = await runJob(t, s, dist, graph, base, ['--ntasks', '3', '--islands', '2'], dir);
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    // Node managers 0-2, island managers over ranks {0, 1} and {2}, the master on the first node.
    const byRole = (a: [string, number, string], b: [string, number, string]) => a[0].localeCompare(b[0]) || a[1] - b[1];
    t.deepEqual(job.summary.managers.map((m): [string, number, string] => [m.role, m.index, m.url]).sort(byRole), ([
      ['nm', 0, `http://127.0.0.1:${base}`], ['nm', 1, `http://127.0.0.1:${base + 1}`], ['nm', 2, `http://127.0.0.1:${base + 2}`],
      ['dim', 0, `http://127.0.0.1:${base + 3}`], ['dim', 1, `http://127.0.0.1:${base + 4}`], ['mm', 0, `http://127.0.0.1:${base + 5}`],
    ] as [string, number, string][]).sort(byRole), job.stderr);
    t.is(job.summary.session?.manager, `http://127.0.0.1:${base + 5}`);
    t.is(job.code, 1, job.stderr);
    t.is(job.summary.status, 'FAILED');
    t.is(job.summary.error, null, 'the session failed, not the job around it');
    t.is(job.summary.drops?.ERROR, 4);
    t.is(job.summary.drops?.COMPLETED, 2);
    const fail = job.summary.failedDrops.find((d) => d.oid === 'fail');
    t.truthy(fail);
    t.true(fail!.log.some((l) => /about to fail/.test(l)), fail!.log.join('\n'));
    t.is(job.summary.failedDrops[0]!.oid, 'fail', `the cause comes first: ${JSON.stringify(job.summary.failedDrops, null, 1)}`);
    t.regex(job.stderr, /session FAILED/);
    t.regex(job.stderr, /failed: fail: .*command exited with 3/);
    t.true(await jobGone(s, job.jobId, 10_000));
    t.is(await accounted(s, job.jobId), 'FAILED|1:0');
    t.deepEqual(processesUsing(job.dlgRoot), []);
  });

  test('a node manager that cannot start (its port is taken) is reported at once, and the others are stopped', async (t) => {
    const base = await freeRange(4);
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(base + 1, '127.0.0.1', resolve));
    t.teardown(() => squatter.close());
    const job = await runJob(t, s, dist, hello, base, ['--ntasks', '3']);
    t.teardown(() => rmSync(join(job.jobDir, '..'), { recursive: true, force: true }));
    t.is(job.code, 1, job.stderr);
    t.is(job.summary.status, 'FAILED');
    t.is(job.summary.error?.stage, 'nodes');
    t.regex(job.summary.error!.message, new RegExp(`node manager 1 on localhost did not start: .*cannot listen on 127\\.0\\.0\\.1:${base + 1}: .*EADDRINUSE`, 's'), s.logs());
    t.is(job.summary.session, null);
    t.is(job.summary.drops, null);
    // It ended by itself (FAILED with exit 1 below, not TIMEOUT), within its 5 minute limit.
    t.true(job.summary.seconds < 300, `ended after ${job.summary.seconds} s`);
    t.true(await jobGone(s, job.jobId, 10_000));
    t.is(await accounted(s, job.jobId), 'FAILED|1:0');
    t.deepEqual(processesUsing(job.dlgRoot), []);
  });

  test('a graph that cannot be translated is reported in the summary with its diagnostics', async (t) => {
    const base = await freeRange(2);
    const job = await runJob(t, s, dist, join(repoRoot, 'fixtures/invalid/cycle.graph'), base, []);
    t.teardown(() => rmSync(join(job.jobDir, '..'), { recursive: true, force: true }));
    t.is(job.code, 1, job.stderr);
    t.is(job.summary.status, 'FAILED');
    t.is(job.summary.error?.stage, 'translate');
    t.regex(job.summary.error!.message, /dlg-translate could not translate .*cycle\.graph/);
    t.regex(job.summary.error!.message, /DLG3010/);
    t.is(job.summary.pg, null);
    t.deepEqual(job.summary.stages.map((x) => [x.name, x.ok]), [['allocation', true], ['nodes', true], ['translate', false]]);
    t.true(await jobGone(s, job.jobId, 10_000));
    t.deepEqual(processesUsing(job.dlgRoot), []);
  });

  test('a job sbatch refuses (no such partition): exit 2 with sbatch\'s reason, no job directory left', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-test-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const r = await s.run(process.execPath, [join(dist, 'dlg-deploy.js'), hello, '--slurm', '--job-dir', join(dir, 'job'), '--partition', 'nosuch']);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /error \[DLG7302\] sbatch refused the job \(exit 1\): .*invalid partition/i);
    t.is(r.stdout, '');
    t.false(existsSync(join(dir, 'job')));
  });

  test('a job that ends before its driver runs: --wait reports how it ended, from accounting', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-test-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const facilities = join(dir, 'facilities.json');
    writeFileSync(facilities, JSON.stringify({ broken: { dlgRoot: join(dir, 'dlg'), setup: ['echo "no such environment" >&2', 'exit 3'] } }));
    const job = await runJob(t, s, dist, hello, await freeRange(2), ['--facility-file', facilities], dir);
    t.is(job.code, 1, job.stderr);
    t.false(existsSync(join(job.jobDir, 'summary.json')));
    t.regex(job.stderr, new RegExp(`job ${job.jobId} ended \\(FAILED, exit code 3:0\\) without writing .*summary\\.json; see .*slurm-${job.jobId}\\.out`));
    t.is(readFileSync(join(job.jobDir, `slurm-${job.jobId}.out`), 'utf8'), 'no such environment\n');
  });
}
