// dlg-deploy's --slurm options, added to its command in one call. An option the command
// already has (e.g. --python, --data-dir of the embedded engine) is kept, not redefined: the
// job reads the same value.

import { type Command, InvalidArgumentError } from 'commander';

function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

const repeat = (v: string, acc: string[]) => [...acc, v];

type Def = [flags: string, description: string, parse?: (v: string, acc: never) => unknown, initial?: unknown];

const OPTIONS: Def[] = [
  ['--slurm', 'write a SLURM batch job that starts the managers on its allocation, deploys the graph and writes summary.json; submit it with sbatch'],
  ['--print', 'with --slurm: print the batch script instead of submitting it'],
  ['--facility <name>', 'with --slurm: module loads, account, DLG root... of a known facility (default: local)'],
  ['--facility-file <file>', 'with --slurm: a JSON file of facilities ({name: {dlgRoot, modules, setup, account, partition, nodeMemory, ...}})'],
  ['--nodes <n>', 'with --slurm: nodes to allocate (default 1)', positive('--nodes')],
  ['--ntasks-per-node <n>', 'with --slurm: node managers per node (default 1)', positive('--ntasks-per-node')],
  ['--ntasks <n>', 'with --slurm: node managers in all, placed by SLURM (instead of --ntasks-per-node)', positive('--ntasks')],
  ['--islands <n>', 'with --slurm: data islands, each with its island manager; a master manager above several (default 1)', positive('--islands')],
  ['--partition <p>', 'with --slurm: SLURM partition (default: the facility\'s, else SLURM\'s default)'],
  ['--account <a>', 'with --slurm: account to charge (default: the facility\'s)'],
  ['--time <HH:MM:SS>', 'with --slurm: time limit of the job (default 00:30:00)'],
  ['--python <path>', 'with --slurm: the Python interpreter of the node managers, for Python apps'],
  ['--python-path <dir>', 'with --slurm: a directory of modules for the node managers\' Python apps (repeatable)', repeat, []],
  ['--job-dir <dir>', 'with --slurm: where the script, logs, pg.json and summary.json go (default ./dlg-jobs/<graph>-<time>/)'],
  ['--sbatch <option>', 'with --slurm: an extra sbatch option such as --qos=debug (repeatable)', repeat, []],
  ['--base-port <port>', 'with --slurm: node manager of task i on base + i, then the island and master managers (default 8000)', positive('--base-port')],
  ['--start-timeout <s>', 'with --slurm: seconds each manager may take to answer (default 60)', positive('--start-timeout')],
  ['--tunnel', 'with --slurm: once the job runs, print the ssh -L command that reaches the managers\' dashboard'],
];

/** Adds the options; returns the keys of those that mean something only with --slurm. */
export function addSlurmOptions(cmd: Command): string[] {
  const have = new Set(cmd.options.map((o) => o.long));
  const added: string[] = [];
  for (const [flags, description, parse, initial] of OPTIONS) {
    const long = flags.split(' ')[0]!;
    if (have.has(long)) continue;
    if (parse) cmd.option(flags, description, parse as (v: string, acc: unknown) => unknown, initial);
    else cmd.option(flags, description);
    if (long !== '--slurm') added.push(long.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
  }
  return added;
}
