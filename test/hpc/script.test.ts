// The batch script of dlg-deploy --slurm: valid bash for every facility, the facility's
// directives and environment, and every user value reaching the job driver unchanged however
// it is written (quoting in one pass), with only $VAR references left to the job's shell.

import test from 'ava';
import fc from 'fast-check';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';
import { shippedFacilities, selectFacility } from '../../engine/hpc/facility.ts';
import { renderScript, type SlurmJob } from '../../engine/hpc/script.ts';
import { type SlurmCliOptions, SlurmUsageError, deploySlurm } from '../../engine/hpc/slurm-deploy.ts';

const hello = join(repoRoot, 'fixtures/graphs/hello_pipeline.graph');
// Absolute, so that commands run from a temporary directory find it.
const tsx = import.meta.resolve('tsx');

function deploy(args: string[], cwd = repoRoot, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, join(repoRoot, 'engine/cli/dlg-deploy.ts'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function job(over: Partial<SlurmJob> = {}): SlurmJob {
  return {
    facility: selectFacility('local', undefined),
    graph: '/data/g.graph',
    paramFiles: [],
    params: [],
    jobName: 'dlg-g',
    nodes: 2,
    tasksPerNode: 3,
    islands: 2,
    time: '01:00:00',
    jobDir: '/scratch/jobs/g-1',
    dlgRoot: '$HOME/dlg',
    basePort: 9000,
    startTimeout: 60,
    sbatch: [],
    dataDirs: [],
    pythonPaths: [],
    // The driver replaced by printf: running the script prints the driver's arguments.
    driver: { node: 'printf', args: ['%s\\0'] },
    ...over,
  };
}

/** Runs a rendered script with bash and returns the arguments its last command received. */
function argvOf(script: string, env: Record<string, string> = {}): string[] {
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  if (r.status !== 0) throw new Error(`bash failed: ${r.stderr}`);
  return r.stdout.split('\0').slice(0, -1);
}

/** dlg-deploy --slurm in process: the lines it prints, or the usage error it throws. */
async function slurmDeploy(graph: string, opts: Partial<SlurmCliOptions>): Promise<string> {
  const out: string[] = [];
  await deploySlurm(graph, { params: [], sbatch: [], pollInterval: 1, ...opts }, () => {}, (l) => out.push(l));
  return out.join('\n');
}

test('--print writes a valid bash script for every facility, with its directives and environment', async (t) => {
  const names = [...shippedFacilities().keys()];
  t.true(names.length >= 10);
  for (const name of names) {
    const f = shippedFacilities().get(name)!;
    const script = await slurmDeploy(hello, { print: true, facility: name, nodes: 2, islands: 2, time: '2:00:00', params: ['greeting=a b'] });
    const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    t.is(check.status, 0, `${name}: bash -n: ${check.stderr}`);
    const lines = script.split('\n');
    const directives = lines.filter((l) => l.startsWith('#SBATCH'));
    t.true(directives.includes('#SBATCH --nodes=2'), name);
    t.true(directives.includes('#SBATCH --time=2:00:00'), name);
    t.is(directives.includes('#SBATCH --account=pawsey0411'), name === 'setonix', name);
    t.is(directives.includes('#SBATCH --mem=16G'), name === 'setonix', name);
    for (const line of [...f.modules, ...f.setup]) t.true(lines.includes(line), `${name}: ${line}`);
    // sbatch reads directives only before the first command.
    const firstCommand = lines.findIndex((l, i) => i > 0 && l.trim() !== '' && !l.startsWith('#'));
    t.true(lines.slice(firstCommand).every((l) => !l.startsWith('#SBATCH')), name);
    t.regex(script, /dlg-slurm-job\.ts run \\\n/);
  }
  // The command itself prints the same script and creates nothing.
  const dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-print-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const r = await deploy([hello, '--slurm', '--print', '--facility', 'setonix', '--job-dir', join(dir, 'job')], dir);
  t.is(r.code, 0, r.stderr);
  t.is(spawnSync('bash', ['-n'], { input: r.stdout }).status, 0);
  t.true(r.stdout.includes(`#SBATCH --output=${join(dir, 'job')}/slurm-%j.out`));
  t.false(existsSync(join(dir, 'job')), '--print creates no job directory');
});

test('the driver receives every value exactly; $VAR in the DLG root is expanded by the job\'s shell', (t) => {
  const j = job({ params: ['a=1', 'b=it\'s "quoted"', 'c=$(touch /tmp/pwned) `x` ; rm -rf /'], paramFiles: ['/p/a b.json'], python: '/opt/py 3/bin/python3', pythonPaths: ['/opt/my mods'], sessionId: 's 1', maxDrops: 1000, dataDirs: ['/data/$USER/in put', '/ro'], appTimeout: 2.5, dlgRoot: '/scratch/$USER/${PROJECT}x/dlg' });
  const argv = argvOf(renderScript(j), { USER: 'alice', PROJECT: 'p42' });
  t.deepEqual(argv, [
    'run', '--job-dir', '/scratch/jobs/g-1', '--graph', '/data/g.graph', '--params', '/p/a b.json',
    '-p', 'a=1', '-p', 'b=it\'s "quoted"', '-p', 'c=$(touch /tmp/pwned) `x` ; rm -rf /',
    '--islands', '2', '--base-port', '9000', '--start-timeout', '60', '--dlg-root', '/scratch/alice/p42x/dlg',
    '--python', '/opt/py 3/bin/python3', '--python-path', '/opt/my mods', '--session-id', 's 1', '--max-drops', '1000',
    '--data-dir', '/data/alice/in put', '--data-dir', '/ro', '--app-timeout', '2.5',
  ]);
});

test('property: any parameter value and DLG root text reaches the driver unchanged', (t) => {
  const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\0'));
  const samples = fc.sample(fc.tuple(fc.array(text, { minLength: 1, maxLength: 3 }), text), 60);
  // One bash for all samples: each script runs in its own subshell, then a marker argument
  // longer than any generated value.
  const marker = 'end-of-sample'.repeat(4);
  const all = samples.map(([values, root]) => `(\n${renderScript(job({ params: values, dlgRoot: root.replace(/\$/g, '') || 'x' }))}\n)\nprintf '%s\\0' ${marker}`).join('\n');
  const argvs: string[][] = [[]];
  for (const a of argvOf(all)) {
    if (a === marker) argvs.push([]);
    else argvs[argvs.length - 1]!.push(a);
  }
  t.is(argvs.length, samples.length + 1);
  for (const [k, [values, root]] of samples.entries()) {
    const argv = argvs[k]!;
    t.deepEqual(argv.flatMap((a, i) => (a === '-p' ? [argv[i + 1]!] : [])), values);
    t.is(argv[argv.indexOf('--dlg-root') + 1], root.replace(/\$/g, '') || 'x');
  }
});

test('directive values: $USER in a facility account is expanded when the script is written; unsafe values are refused', (t) => {
  const s = renderScript(job({ facility: selectFacility('ood_cloud', undefined) }), { USER: 'bob' });
  t.true(s.split('\n').includes('#SBATCH --account=bob'));
  t.true(s.split('\n').includes('#SBATCH --cpus-per-task=2'));
  t.throws(() => renderScript(job({ partition: 'a b' })), { message: /the partition "a b" cannot go into an #SBATCH line/ });
  t.throws(() => renderScript(job({ time: '1h' })), { message: /--time "1h" is not a SLURM time/ });
  t.throws(() => renderScript(job({ jobDir: '/tmp/my jobs/x' })), { message: /cannot hold white space/ });
  t.throws(() => renderScript(job({ sbatch: ['--qos=a;b'] })), { message: /sbatch option "--qos=a;b" must look like/ });
  for (const ok of ['30', '10:00', '1:30:00', '2-12', '2-12:30', '1-00:00:00']) t.notThrows(() => renderScript(job({ time: ok })), ok);
});

test('dlg-deploy --slurm usage errors: a clear message, exit 2 from the command, nothing written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-usage-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string, Partial<SlurmCliOptions>, RegExp][] = [
    [hello, { print: true, islands: 3 }, /--islands 3 needs at least as many node managers, but --nodes 1 × --ntasks-per-node 1 gives 1/],
    [hello, { print: true, facility: 'mars' }, /unknown facility "mars"/],
    [hello, { print: true, time: 'soon' }, /--time "soon" is not a SLURM time/],
    [hello, { print: true, wait: true }, /--print submits nothing/],
    [join(dir, 'missing.graph'), { print: true }, /the graph file .*missing\.graph does not exist/],
    [hello, { print: true, params: [join(dir, 'nope.json')] }, /the parameter file .*nope\.json does not exist/],
    [hello, { jobDir: join(dir, 'a b') }, /cannot hold white space/],
    [hello, { basePort: 65530, nodes: 4, ntasksPerNode: 2 }, /--base-port 65530 leaves too few ports/],
  ];
  for (const [graph, opts, message] of cases) await t.throwsAsync(slurmDeploy(graph, opts), { instanceOf: SlurmUsageError, message });
  t.is(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout, '');
  const [misplaced, both] = await Promise.all([deploy([hello, '--nodes', '2'], dir), deploy([hello, '--slurm', '--url', 'http://localhost:8001'], dir)]);
  for (const [r, message] of [[misplaced, /error \[DLG9001\] --nodes needs --slurm/], [both, /--url does not go with --slurm/]] as const) {
    t.is(r.code, 2);
    t.regex(r.stderr, message);
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('dlg-deploy --slurm where sbatch cannot be run: a clear message, exit 2, no job directory left', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-nosbatch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // A PATH holding no sbatch (the login node is not a SLURM client).
  const r = await deploy([hello, '--slurm', '--job-dir', join(dir, 'job')], dir, { PATH: join(dir, 'empty') });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /error \[DLG7302\] cannot submit the job: sbatch is not installed or not on PATH/);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  t.false(existsSync(join(dir, 'job')), 'the job directory is removed again');
});
