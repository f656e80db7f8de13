// dlg-engine nm | dim | mm: one manager per process. The options they share are defined once
// (addManagerOptions), so every level takes the same ones where they apply.

import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { CODES } from '../../compiler/diagnostics.ts';
import { NodeManager, defaultDlgRoot } from '../managers/node/node-manager.ts';
import { createNodeServer } from '../managers/node/rest.ts';
import { HttpPeerLink } from '../managers/node/event-sink.ts';
import { CompositeManager, type CompositeRole, ROLES } from '../managers/composite/composite-manager.ts';
import { createCompositeServer } from '../managers/composite/rest.ts';
import { ISLAND_PORT, NODE_PORT, parseAddressList } from '../managers/address.ts';
import { EngineError } from '../errors.ts';
import { type SecurityCliOptions, type SecurityOptions, addSecurityOptions, exposureWarning, securityFromCli } from '../managers/rest/security.ts';
import { UserError, printNote } from './report.ts';
import { serve } from './serve.ts';
import { type PythonCliOptions, addPythonOptions, pythonFromCli } from './python-options.ts';
import { EXIT_WITH_STDIN } from './spawn.ts';

export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export function seconds(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds`);
    return n;
  };
}

export interface ManagerOptions extends SecurityCliOptions {
  host: string;
  port: number;
  dlgRoot: string;
  maxRequestSize: number;
  exitWithStdin?: boolean;
}

/** --host, --port, --dlg-root, --max-request-size and the security options: what every manager takes. */
export function addManagerOptions(cmd: Command, defaultPort: number): Command {
  return addSecurityOptions(cmd)
    .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
    .option('-P, --port <port>', 'port to listen on (0: any free port)', integer('--port', 0, 65535), defaultPort)
    .option('--dlg-root <dir>', 'DALiuGE root; sessions go to <dir>/workspace/<sessionId>', defaultDlgRoot())
    .option('--max-request-size <MB>', 'largest accepted request body, in MiB', integer('--max-request-size', 1, 500), 256)
    .option(EXIT_WITH_STDIN, 'stop when stdin closes (used for managers started by dlg-engine cluster and daemon)');
}

export interface NmOptions extends ManagerOptions, PythonCliOptions {
  maxWorkers: number;
  dataDir: string[];
  appTimeout?: number;
}

export function addNodeOptions(cmd: Command): Command {
  return addManagerOptions(cmd, NODE_PORT)
    .option('--max-workers <n>', 'apps running at once', integer('--max-workers', 1), availableParallelism())
    .option('--data-dir <dir>', 'a directory outside the session directories that FileDROPs may read and write (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--app-timeout <seconds>', "end bash commands and Python apps running longer than this; an app's own timeout parameter wins (default: no limit)", seconds('--app-timeout'));
}

/** nm's options, Python included. */
export function addNmOptions(cmd: Command): Command {
  return addPythonOptions(addNodeOptions(cmd));
}

/** The security options of a manager's command line; warns when it is exposed without a token. */
export function managerSecurity(opts: ManagerOptions): SecurityOptions {
  const security = securityFromCli(opts, opts.host);
  const warning = exposureWarning(security);
  if (warning) printNote('dlg-engine', `warning: ${warning}`);
  return security;
}

export function runNodeManager(opts: NmOptions): Promise<number> {
  const security = managerSecurity(opts);
  // Peers share the hierarchy's token.
  const nm = new NodeManager({
    dlgRoot: opts.dlgRoot,
    maxWorkers: opts.maxWorkers,
    hostLabel: opts.host,
    remote: new HttpPeerLink({ token: security.token }),
    dataDirs: opts.dataDir,
    appTimeout: opts.appTimeout,
    python: pythonFromCli(opts),
  });
  return serve((stop) => ({
    app: createNodeServer(nm, { maxBodyBytes: opts.maxRequestSize * 1024 * 1024, onStop: stop, security }),
    what: 'node manager',
    detail: () => `sessions in ${nm.dlgRoot}/workspace, ${opts.maxWorkers} workers`,
    host: opts.host,
    port: opts.port,
    shutdown: () => nm.shutdown(),
    exitWithStdin: opts.exitWithStdin,
  }));
}

export interface CompositeCliOptions extends ManagerOptions {
  nodes?: string;
  islands?: string;
  probeInterval: number;
  probeDeadline: number;
}

export function addCompositeOptions(cmd: Command, role: CompositeRole): Command {
  const c = addManagerOptions(cmd, role === 'island' ? ISLAND_PORT : ISLAND_PORT + 1);
  if (role === 'island') c.requiredOption('--nodes <h:p,...>', 'the node managers of this island (host[:port], port 8000 by default)');
  else c.requiredOption('--islands <h:p,...>', 'the island managers (host[:port], port 8001 by default)');
  return c
    .option('--probe-interval <s>', 'seconds between health probes of each child manager', seconds('--probe-interval'), 2)
    .option('--probe-deadline <s>', 'a child silent for this long is lost: its running sessions fail', seconds('--probe-deadline'), 6);
}

export function runComposite(role: CompositeRole, opts: CompositeCliOptions): Promise<number> {
  const list = role === 'island' ? opts.nodes! : opts.islands!;
  let children: string[];
  try {
    children = parseAddressList(list, ROLES[role].childPort).map((a) => a.text);
  } catch (err) {
    throw new UserError(CODES.USAGE, `--${role === 'island' ? 'nodes' : 'islands'}: ${err instanceof EngineError ? err.message : String(err)}`);
  }
  if (children.length === 0) throw new UserError(CODES.USAGE, `--${role === 'island' ? 'nodes' : 'islands'} names no manager`);
  const security = managerSecurity(opts);
  const m = new CompositeManager({
    role,
    children,
    token: security.token,
    dlgRoot: opts.dlgRoot,
    probeIntervalMs: opts.probeInterval * 1000,
    probeDeadlineMs: opts.probeDeadline * 1000,
  });
  m.start();
  return serve((stop) => ({
    app: createCompositeServer(m, { maxBodyBytes: opts.maxRequestSize * 1024 * 1024, onStop: stop, security }),
    what: ROLES[role].title,
    detail: () => `${children.length} ${ROLES[role].child}(s): ${children.join(', ')}`,
    host: opts.host,
    port: opts.port,
    shutdown: () => m.shutdown(),
    exitWithStdin: opts.exitWithStdin,
  }));
}
