// How the job runs this project's commands on a compute node: the same Node.js and the same
// build as the process asking. From dist/ that is `node dist/<name>.js`; from the sources
// (tests, development) `node --import <tsx> <dir>/cli/<name>.ts`, with the loader resolved
// to an absolute URL because a job's working directory is not the repository.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Cli = 'dlg-engine' | 'dlg-translate' | 'dlg-deploy' | 'dlg-slurm-job';

/** The node executable and the leading arguments that load `name`. */
export interface Command {
  node: string;
  args: string[];
}

/** Node flags to keep: loaders (--import/--loader/--require) with absolute specifiers. */
function loaderArgs(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^(--import|--loader|--experimental-loader|--require|-r)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const spec = m[2] ?? argv[++i];
    if (spec === undefined) continue;
    out.push(`${m[1]}=${absoluteSpecifier(spec)}`);
  }
  return out;
}

function absoluteSpecifier(spec: string): string {
  if (/^(file|data|node):/.test(spec) || spec.startsWith('/')) return spec;
  if (spec.startsWith('.')) return resolve(spec);
  try {
    return import.meta.resolve(spec);
  } catch {
    return spec;
  }
}

/** The directory this module was loaded from: dist/ when bundled, engine/hpc/job/ otherwise. */
function selfDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

export function cliCommand(name: Cli): Command {
  const here = selfDir();
  const bundled = join(here, `${name}.js`);
  if (existsSync(bundled)) return { node: process.execPath, args: [bundled] };
  const repo = resolve(here, '../../..');
  const source = name === 'dlg-translate' ? join(repo, 'compiler/cli', `${name}.ts`) : join(repo, 'engine/cli', `${name}.ts`);
  if (!existsSync(source)) throw new Error(`cannot find the ${name} command beside ${here}`);
  return { node: process.execPath, args: [...loaderArgs(), source] };
}
