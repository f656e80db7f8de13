// dlg-engine: DALiuGE-compatible managers. `nm` runs a node manager, `dim` an island manager over
// node managers, `mm` a master manager over island managers, `daemon` starts and stops managers
// on request, `cluster` starts a whole hierarchy on this machine. SIGINT/SIGTERM stop cleanly:
// running apps are cancelled, their sessions end CANCELLED, the server closes.

import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Command } from 'commander';
import { defaultDlgRoot } from '../managers/node/node-manager.ts';
import { DAEMON_PORT, ISLAND_PORT, MASTER_PORT, NODE_PORT } from '../managers/address.ts';
import { EXIT_OK, parseCommandLine, runCommand } from './report.ts';
import { type CompositeCliOptions, type NmOptions, addCompositeOptions, addManagerOptions, addNmOptions, integer, runComposite, runNodeManager, seconds } from './managers.ts';
import { type ClusterOptions, runCluster } from './cluster.ts';
import { type DaemonOptions, runDaemon } from './daemon.ts';
import { addSecurityOptions } from '../managers/rest/security.ts';

const TOOL = 'dlg-engine';

// A graph upload is one big JSON.parse whose objects all survive: a larger young generation
// promotes them in fewer scavenges (measured: appending 10^6 drops over REST about 7% faster). Set before
// the heap grows; an explicit --max-semi-space-size on the command line still wins.
if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) setFlagsFromString('--max-semi-space-size=64');

async function main(argv: string[]): Promise<number> {
  let result: Promise<number> = Promise.resolve(EXIT_OK);
  const program = new Command(TOOL).description('Run DALiuGE-compatible managers').exitOverride().showHelpAfterError();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const sub = (name: string, description: string) => program.command(name).description(description).exitOverride();

  addNmOptions(sub('nm', `node manager: runs sessions and their drops, serves the REST API (default 127.0.0.1:${NODE_PORT})`)).action((opts: NmOptions) => {
    result = runNodeManager(opts);
  });
  addCompositeOptions(sub('dim', `data island manager over node managers (default 127.0.0.1:${ISLAND_PORT})`), 'island').action((opts: CompositeCliOptions) => {
    result = runComposite('island', opts);
  });
  addCompositeOptions(sub('mm', `master manager over island managers (default 127.0.0.1:${MASTER_PORT})`), 'master').action((opts: CompositeCliOptions) => {
    result = runComposite('master', opts);
  });
  addManagerOptions(sub('daemon', `starts and stops a node, island and master manager on request (default 127.0.0.1:${DAEMON_PORT})`), DAEMON_PORT)
    .option('--nm-port <port>', 'port of the node manager it starts', integer('--nm-port', 0, 65535), NODE_PORT)
    .option('--dim-port <port>', 'port of the island manager it starts', integer('--dim-port', 0, 65535), ISLAND_PORT)
    .option('--mm-port <port>', 'port of the master manager it starts', integer('--mm-port', 0, 65535), MASTER_PORT)
    .option('--max-workers <n>', 'apps running at once in the node manager it starts', integer('--max-workers', 1))
    .action((opts: DaemonOptions) => {
      result = runDaemon(opts);
    });
  addSecurityOptions(sub('cluster', 'a master, island and node managers on this machine, as child processes on loopback ports'))
    .requiredOption('--nodes <n>', 'node managers', integer('--nodes', 1, 1000))
    .option('--islands <n>', 'island managers, each over a contiguous group of node managers', integer('--islands', 1, 1000), 1)
    .option('--base-port <port>', `ports from here: node managers, then islands, then the master (0: any free ports)`, integer('--base-port', 0, 65535), NODE_PORT)
    .option('-H, --host <host>', 'address every manager listens on', '127.0.0.1')
    .option('--dlg-root <dir>', 'each manager gets its own folder under it (nm0, nm1, …, dim0, …, mm)', defaultDlgRoot())
    .option('--max-workers <n>', 'apps running at once per node manager', integer('--max-workers', 1), availableParallelism())
    .option('--data-dir <dir>', "passed to every node manager: a directory FileDROPs may read and write (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--app-timeout <seconds>', 'passed to every node manager: end bash commands and Python apps running longer', seconds('--app-timeout'))
    .option('--python <path>', 'passed to every node manager: the interpreter for Python apps')
    .option('--python-path <dir>', 'passed to every node manager: a directory with modules for Python apps (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--probe-interval <s>', 'seconds between health probes', seconds('--probe-interval'))
    .option('--probe-deadline <s>', 'a silent child is lost after this many seconds', seconds('--probe-deadline'))
    .action((opts: ClusterOptions) => {
      result = runCluster(opts);
    });
  return (await parseCommandLine(program, argv)) ?? result;
}

runCommand(TOOL, main);
