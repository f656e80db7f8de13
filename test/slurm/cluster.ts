// A private single-host SLURM for tests: munged with a generated key, slurmctld and slurmd from
// a generated slurm.conf, all under one temporary folder, on loopback and free ports. Nothing
// touches a system-wide SLURM: the daemons get the config with -f, every client command gets
// SLURM_CONF, munge talks over its own socket (AuthInfo). The daemons run in the foreground
// as children of the test process and are stopped by PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestFn } from 'ava';

const DAEMONS = ['munged', 'slurmctld', 'slurmd'] as const;
const CLIENTS = ['sbatch', 'srun', 'squeue', 'sacct', 'scontrol', 'sinfo', 'scancel'] as const;

export class SlurmUnavailable extends Error {}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Slurm {
  /** The temporary folder holding configuration, state, spool and logs. */
  dir: string;
  /** Environment for client commands and for anything that submits jobs (SLURM_CONF set). */
  env: NodeJS.ProcessEnv;
  /** The node's name (its address is 127.0.0.1) and CPU count. */
  node: string;
  cpus: number;
  /** Runs a SLURM client command against this cluster. */
  run(cmd: string, args: string[]): Promise<Ran>;
  /** The daemons' logs, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Two distinct free TCP ports on loopback (released before the daemons bind them). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function slurmConf(dir: string, ports: number[], user: string, cpus: number, node: string, cluster: string): string {
  return [
    `ClusterName=${cluster}`,
    `SlurmctldHost=${node}(127.0.0.1)`,
    `SlurmctldPort=${ports[0]}`,
    `SlurmdPort=${ports[1]}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${join(dir, 'munge/munge.sock')}`,
    `SlurmUser=${user}`,
    `SlurmdUser=${user}`,
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'log/slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log/slurmd.log')}`,
    // No cgroups: works in containers and without systemd.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    // No slurmdbd: sacct reads the job completion file (sacct --completion).
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/filetxt',
    `JobCompLoc=${join(dir, 'log/jobcomp.txt')}`,
    'SchedulerType=sched/builtin',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'MpiDefault=none',
    'SwitchType=switch/none',
    'ReturnToService=2',
    'KillWait=2',
    'MinJobAge=300',
    'InactiveLimit=0',
    'SlurmctldTimeout=30',
    'SlurmdTimeout=30',
    `NodeName=${node} NodeAddr=127.0.0.1 NodeHostname=${node} CPUs=${cpus} State=UNKNOWN`,
    `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n');
}

/** Brings the cluster up, or throws SlurmUnavailable with the reason. */
export async function startSlurm(): Promise<Slurm> {
  const bins: Record<string, string> = {};
  for (const name of [...DAEMONS, ...CLIENTS]) {
    const p = which(name);
    if (!p) throw new SlurmUnavailable(`${name} is not installed (apt-get install slurm-wlm munge)`);
    bins[name] = p;
  }
  const dir = mkdtempSync(join(tmpdir(), 'dlg-slurm-'));
  // munged refuses a socket directory others cannot traverse, and a key others can read.
  chmodSync(dir, 0o755);
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d), { mode: 0o755 });
  const key = join(dir, 'munge/munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const ports = await freePorts(2);
  const user = userInfo().username;
  const cpus = availableParallelism();
  const node = 'localhost';
  const cluster = `dlg${randomBytes(3).toString('hex')}`;
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, slurmConf(dir, ports, user, cpus, node, cluster));
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  // Values from the test runner's own SLURM job, if any, must not leak into ours.
  for (const k of Object.keys(env)) if (k.startsWith('SLURM_') && k !== 'SLURM_CONF') delete env[k];

  const children: ChildProcess[] = [];
  const logs = () =>
    ['log/slurmctld.log', 'log/slurmd.log', 'munge/munged.log']
      .map((f) => join(dir, f))
      .filter((f) => existsSync(f))
      .map((f) => `== ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-25).join('\n')}`)
      .join('\n');
  const killAll = (signal: NodeJS.Signals) => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) {
      try {
        process.kill(c.pid, signal);
      } catch {
        /* already gone */
      }
    }
  };
  // If the test process ends without calling stop() (a crash), the daemons go with it.
  const onExit = () => killAll('SIGKILL');
  process.once('exit', onExit);
  const daemon = (name: string, args: string[]) => {
    const c = spawn(bins[name]!, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (b) => (err += b));
    c.on('error', () => {});
    children.push(c);
    return { child: c, stderr: () => err };
  };
  const stop = async () => {
    process.off('exit', onExit);
    killAll('SIGTERM');
    const deadline = Date.now() + 5000;
    while (children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await sleep(50);
    killAll('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const munged = daemon('munged', [
      '--foreground', `--socket=${join(dir, 'munge/munge.sock')}`, `--key-file=${key}`,
      `--pid-file=${join(dir, 'munge/munged.pid')}`, `--seed-file=${join(dir, 'munge/seed')}`,
      `--log-file=${join(dir, 'munge/munged.log')}`, '--force',
    ]);
    await until(() => existsSync(join(dir, 'munge/munge.sock')), 5000, () => `munged did not start: ${munged.stderr()}`, munged.child);
    const ctld = daemon('slurmctld', ['-D', '-i', '-f', conf]);
    const slurmd = daemon('slurmd', ['-D', '-f', conf, '-N', node]);
    const deadline = Date.now() + 20_000;
    for (;;) {
      for (const [name, d] of [['slurmctld', ctld], ['slurmd', slurmd]] as const) {
        if (d.child.exitCode !== null || d.child.signalCode !== null) throw new SlurmUnavailable(`${name} exited: ${d.stderr()}\n${logs()}`);
      }
      const r = await run(bins.sinfo!, ['-h', '-N', '-o', '%T'], env, 5000);
      if (r.code === 0 && /^idle/m.test(r.stdout)) break;
      if (Date.now() > deadline) throw new SlurmUnavailable(`the node did not become idle: ${r.stdout}${r.stderr}\n${logs()}`);
      await sleep(100);
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    await stop();
    throw err instanceof SlurmUnavailable ? err : new SlurmUnavailable(why);
  }
  return {
    dir,
    env,
    node,
    cpus,
    run: (cmd, args) => run(bins[cmd] ?? cmd, args, env),
    logs,
    stop,
  };
}

async function until(ok: () => boolean, ms: number, why: () => string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) throw new SlurmUnavailable(why());
    await sleep(20);
  }
}

/**
 * For a test file whose tests need SLURM: the running cluster (stopped after the file's
 * tests), or undefined when it cannot be started. Then, under CI (env CI set) a failing test
 * says why; elsewhere one skipped test does. Register the tests only when a cluster is returned.
 */
export async function needsSlurm(test: TestFn): Promise<Slurm | undefined> {
  try {
    const slurm = await startSlurm();
    test.after.always(() => slurm.stop());
    return slurm;
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    if (process.env.CI) test('a private SLURM must start under CI', (t) => t.fail((err as Error).message));
    else test.skip(`skipped: SLURM cannot be started here (${why})`, () => {});
    return undefined;
  }
}

/** Blocks until the job has left the queue (squeue no longer lists it). */
export async function jobGone(slurm: Slurm, jobId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await slurm.run('squeue', ['-h', '-j', jobId, '-o', '%T']);
    // squeue answers "Invalid job id" once the job has been purged, nothing once it ended.
    if (r.stdout.trim() === '' || /Invalid job id/i.test(r.stderr)) return true;
    await sleep(200);
  }
  return false;
}
