// dlg-engine cluster: a whole hierarchy on this machine, for trying things and for tests: N node
// managers, I island managers over them (contiguous groups), one master manager over the
// islands, each a child process on its own loopback port, each node manager with its own
// DLG root so that "different nodes" really hold different files. Prints the URLs once all
// answer; Ctrl-C or SIGTERM stops them all, and they stop by themselves if this process dies.

import { join, resolve } from 'node:path';
import { CODES } from '../../compiler/diagnostics.ts';
import { type SecurityCliOptions, securityFromCli } from '../managers/rest/security.ts';
import { EXIT_OK, UserError, printNote } from './report.ts';
import { type ManagerProcess, spawnManager, stopProcess, waitUntilAnswering } from './spawn.ts';

const TOOL = 'dlg-engine';

export interface ClusterOptions extends SecurityCliOptions {
  nodes: number;
  islands: number;
  basePort: number;
  host: string;
  dlgRoot: string;
  maxWorkers?: number;
  dataDir: string[];
  appTimeout?: number;
  python?: string;
  pythonPath: string[];
  probeInterval?: number;
  probeDeadline?: number;
}

/** Port of the k-th process in start order; 0 means any free port for all. */
function portOf(base: number, k: number): string {
  return String(base === 0 ? 0 : base + k);
}

function addressOf(url: string): string {
  return url.replace(/^http:\/\//, '');
}

export async function runCluster(opts: ClusterOptions): Promise<number> {
  const { nodes: N, islands: I } = opts;
  if (I > N) throw new UserError(CODES.USAGE, `--islands (${I}) cannot exceed --nodes (${N}): every island needs a node manager`);
  if (opts.basePort !== 0 && opts.basePort + N + I > 65535) throw new UserError(CODES.USAGE, `--base-port ${opts.basePort} leaves no room for ${N + I + 1} ports`);
  const root = resolve(opts.dlgRoot);
  const all: ManagerProcess[] = [];
  let stopping = false;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const stopAll = async () => {
    stopping = true;
    // Top first, so that no manager sees its children vanish while it still runs sessions.
    await Promise.all([...all].reverse().map((p) => stopProcess(p)));
  };
  const onSignal = (sig: NodeJS.Signals) => void stopAll().then(() => printNote(TOOL, `${sig}: all ${all.length} managers stopped`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Every manager takes the same security rules; the token goes through the environment.
  const security = securityFromCli(opts, opts.host);
  const env: Record<string, string> = security.token ? { DLG_TOKEN: security.token } : {};
  const common = ['--host', opts.host, ...security.allowOrigins.flatMap((o) => ['--allow-origin', o]), ...security.allowHosts.flatMap((h) => ['--allow-host', h])];
  const probe = [
    ...(opts.probeInterval ? ['--probe-interval', String(opts.probeInterval)] : []),
    ...(opts.probeDeadline ? ['--probe-deadline', String(opts.probeDeadline)] : []),
  ];
  const start = async (kind: string, args: string[], label: string) => {
    const p = await spawnManager(kind, [...common, ...args], label, log, env);
    all.push(p);
    void p.exited.then((code) => {
      if (!stopping) printNote(TOOL, `${label} (pid ${p.pid}) exited: ${code}`);
    });
    return p;
  };
  try {
    const workers = [
      ...(opts.maxWorkers ? ['--max-workers', String(opts.maxWorkers)] : []),
      ...opts.dataDir.flatMap((d) => ['--data-dir', resolve(d)]),
      ...(opts.appTimeout ? ['--app-timeout', String(opts.appTimeout)] : []),
      ...(opts.python ? ['--python', opts.python] : []),
      ...opts.pythonPath.flatMap((d) => ['--python-path', resolve(d)]),
    ];
    const nms = await Promise.all(
      Array.from({ length: N }, (_, k) => start('nm', ['--port', portOf(opts.basePort, k), '--dlg-root', join(root, `nm${k}`), ...workers], `nm${k}`)),
    );
    const groups = Array.from({ length: I }, (_, j) => nms.slice(Math.floor((j * N) / I), Math.floor(((j + 1) * N) / I)));
    const dims = await Promise.all(
      groups.map((g, j) =>
        start('dim', ['--port', portOf(opts.basePort, N + j), '--dlg-root', join(root, `dim${j}`), '--nodes', g.map((p) => addressOf(p.url)).join(','), ...probe], `dim${j}`),
      ),
    );
    const mm = await start('mm', ['--port', portOf(opts.basePort, N + I), '--dlg-root', join(root, 'mm'), '--islands', dims.map((p) => addressOf(p.url)).join(','), ...probe], 'mm');
    await Promise.all(all.map((p) => waitUntilAnswering(p.url, 30_000, security.token ? { authorization: `Bearer ${security.token}` } : {})));
    const lines = [
      `master manager  ${mm.url}  pid ${mm.pid}`,
      ...dims.map((d, j) => `island manager  ${d.url}  pid ${d.pid}  nodes ${groups[j]!.map((p) => p.url).join(' ')}`),
      ...nms.map((n, k) => `node manager    ${n.url}  pid ${n.pid}  dlg-root ${join(root, `nm${k}`)}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    printNote(TOOL, `cluster ready: 1 master, ${I} island and ${N} node managers; Ctrl-C stops them all`);
  } catch (err) {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw new UserError(CODES.ENGINE_CHILD_FAILED, (err as Error).message);
  }
  await Promise.all(all.map((p) => p.exited));
  return EXIT_OK;
}
