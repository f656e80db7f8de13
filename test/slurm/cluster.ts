// A private single-host SLURM for tests: munged with a generated key, slurmctld and slurmd from
// a generated slurm.conf, all under one temporary folder, on loopback and free ports. Nothing
// touches a system-wide SLURM: the daemons get the config with -f, every client command gets
// SLURM_CONF, munge talks over its own socket (AuthInfo). The daemons run in the foreground
// as children of the test process and are stopped by PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
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

/**
 * The first port the kernel hands out for port-0 binds. Ports below it are never given to
 * other tests' servers (they listen on port 0), so a range chosen there stays free between
 * the check and the moment SLURM or a job's managers bind it.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 12000) return low;
  } catch {
    /* not Linux */
  }
  return 32768;
}

/** `n` consecutive ports, free on loopback right now, below the ephemeral range; returns the first. */
export async function freePortRange(n: number): Promise<number> {
  const top = ephemeralLow() - n;
  for (;;) {
    const base = 10000 + Math.floor(Math.random() * (top - 10000));
    const servers: Server[] = [];
    let ok = true;
    for (let p = base; p < base + n && ok; p++) {
      const s = createServer();
      ok = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.listen(p, '127.0.0.1', () => resolve(true));
      });
      if (ok) servers.push(s);
    }
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    if (ok) return base;
  }
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
  const first = await freePortRange(2);
  const ports = [first, first + 1];
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
  // If the test process ends without calling stop() (a crash), the daemons go with it; the
  // watchdog below does better (it cancels the jobs first) once it runs.
  let watchdog: ChildProcess | undefined;
  const onExit = () => {
    if (!watchdog || watchdog.exitCode !== null) killAll('SIGKILL');
  };
  process.once('exit', onExit);
  const daemon = (name: string, args: string[]) => {
    const c = spawn(bins[name]!, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (b) => (err += b));
    c.on('error', () => {});
    children.push(c);
    return { child: c, stderr: () => err };
  };
  /** The jobs still known to the controller, cancelled; resolves once squeue lists none (bounded). */
  const cancelJobs = async () => {
    const q = await run(bins.squeue!, ['-h', '-o', '%i'], env, 10_000);
    if (q.code !== 0 || q.stdout.trim() === '') return;
    await run(bins.scancel!, [`--user=${user}`], env, 10_000);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const r = await run(bins.squeue!, ['-h', '-o', '%i'], env, 10_000);
      if (r.code !== 0 || r.stdout.trim() === '') return;
      await sleep(200);
    }
  };
  const stop = async () => {
    process.off('exit', onExit);
    if (watchdog?.pid && watchdog.exitCode === null) process.kill(watchdog.pid, 'SIGKILL');
    // A test that failed half-way may leave a job running: its managers go with it.
    if (children.length === DAEMONS.length && children.every((c) => c.exitCode === null && c.signalCode === null)) await cancelJobs();
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
  watchdog = startWatchdog(dir, env, user, bins, children);
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

/**
 * A shell that outlives this process if it dies without stop() (ava timing out, a signal):
 * then it cancels the cluster's jobs (their managers go with them), stops the daemons by PID
 * and removes the folder. It ignores the terminal's signals so that it can do so after ^C.
 */
function startWatchdog(dir: string, env: NodeJS.ProcessEnv, user: string, bins: Record<string, string>, daemons: ChildProcess[]): ChildProcess {
  const script = [
    'trap "" INT TERM HUP',
    'parent=$1; shift',
    'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
    '"$SCANCEL" --user="$SLURM_USER" 2>/dev/null',
    'for i in $(seq 20); do [ -z "$("$SQUEUE" -h -o %i 2>/dev/null)" ] && break; sleep 1; done',
    'kill -TERM "$@" 2>/dev/null; sleep 3; kill -KILL "$@" 2>/dev/null',
    'rm -rf "$SLURM_TEST_DIR"',
  ].join('\n');
  const pids = daemons.map((d) => String(d.pid));
  const w = spawn('bash', ['-c', script, 'slurm-watchdog', String(process.pid), ...pids], {
    env: { ...env, SCANCEL: bins.scancel, SQUEUE: bins.squeue, SLURM_USER: user, SLURM_TEST_DIR: dir },
    stdio: 'ignore',
  });
  w.on('error', () => {});
  // The test process must not wait for it.
  w.unref();
  return w;
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
