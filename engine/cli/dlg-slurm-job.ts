// dlg-slurm-job: the node side of `dlg-deploy --slurm`, run by the batch script it writes.
//   run   the job driver (first node): managers, translation, deployment, summary.json
//   task  one task of the node-manager srun step (started by `run`, one per task)
// Not meant to be typed by hand; the batch script shows the exact command line.

import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { defaultDlgRoot } from '../managers/node/node-manager.ts';
import { JobDriver } from '../hpc/job/driver.ts';
import { runTask } from '../hpc/job/task.ts';
import { DEFAULT_BASE_PORT } from '../hpc/layout.ts';
import { EXIT_OK, parseCommandLine, runCommand } from './report.ts';

const TOOL = 'dlg-slurm-job';

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

function seconds(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number of seconds above 0`);
    return n;
  };
}

const collect = (v: string, acc: string[]) => [...acc, v];

interface Common {
  jobDir: string;
  basePort: number;
  dlgRoot: string;
  maxWorkers?: number;
  python?: string;
  pythonPath: string[];
  startTimeout: number;
  dataDir: string[];
  appTimeout?: number;
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--job-dir <dir>', 'the job directory (logs, pg.json, summary.json)')
    .option('--base-port <port>', 'node manager of SLURM_PROCID i on base + i, then island managers, then the master', integer('--base-port', 1, 65535), DEFAULT_BASE_PORT)
    .option('--dlg-root <dir>', 'DALiuGE root; each manager gets a folder under it (nm<rank>, dim<k>, mm)', defaultDlgRoot())
    .option('--max-workers <n>', 'apps running at once per node manager', integer('--max-workers', 1))
    .option('--python <path>', 'the Python interpreter of the node managers (for Python apps)')
    .option('--python-path <dir>', 'node managers: a directory of modules for Python apps (repeatable)', collect, [] as string[])
    .option('--start-timeout <s>', 'seconds a manager may take to answer', integer('--start-timeout', 1, 3600), 60)
    .option('--data-dir <dir>', 'node managers: a directory outside the session directories that FileDROPs may use (repeatable)', collect, [] as string[])
    .option('--app-timeout <s>', 'node managers: end bash commands running longer than this', seconds('--app-timeout'));
}

async function main(argv: string[]): Promise<number> {
  let result: Promise<number> = Promise.resolve(EXIT_OK);
  const program = new Command(TOOL).description('The node side of dlg-deploy --slurm').exitOverride().showHelpAfterError();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  common(program.command('run').description('the job driver: start the managers, deploy the graph, write summary.json').exitOverride())
    .requiredOption('--graph <file>', 'the graph (logical graph, PGT or PG)')
    .option('--params <file>', 'a JSON file of parameters (repeatable)', collect, [] as string[])
    .option('-p, --param <name=value>', 'one parameter (repeatable)', collect, [] as string[])
    .option('--islands <n>', 'island managers', integer('--islands', 1), 1)
    .option('--session-id <id>', 'session id (default <graph>-<job id>)')
    .option('--max-drops <n>', 'refuse graphs that would unroll into more drops (dlg-translate --max-drops)', integer('--max-drops', 1))
    .action((o: Common & { graph: string; params: string[]; param: string[]; islands: number; sessionId?: string; maxDrops?: number }) => {
      result = new JobDriver({
        jobDir: resolve(o.jobDir), graph: resolve(o.graph), paramFiles: o.params.map((f) => resolve(f)), params: o.param,
        islands: o.islands, basePort: o.basePort, dlgRoot: resolve(o.dlgRoot), maxWorkers: o.maxWorkers, python: o.python,
        startTimeout: o.startTimeout, sessionId: o.sessionId, maxDrops: o.maxDrops, dataDirs: o.dataDir.map((d) => resolve(d)), appTimeout: o.appTimeout, pythonPaths: o.pythonPath.map((p) => resolve(p)),
      }).run();
    });
  common(program.command('task').description('one task of the node-manager step: a node manager at base + SLURM_PROCID').exitOverride())
    .action((o: Common) => {
      result = runTask({ ...o, jobDir: resolve(o.jobDir), dlgRoot: resolve(o.dlgRoot), dataDirs: o.dataDir.map((d) => resolve(d)), pythonPaths: o.pythonPath.map((p) => resolve(p)) });
    });
  return (await parseCommandLine(program, argv)) ?? result;
}

runCommand(TOOL, main);
