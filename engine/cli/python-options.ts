// --python and --python-path, shared by dlg-engine nm and dlg-deploy's embedded engine.

import type { Command } from 'commander';
import type { PythonOptions } from '../drops/apps/python/pool.ts';

export interface PythonCliOptions {
  python?: string;
  pythonPath: string[];
}

export function addPythonOptions(cmd: Command, scope = ''): Command {
  return cmd
    .option('--python <path>', `${scope}interpreter for Python apps (default: python3 on PATH)`)
    .option(
      '--python-path <dir>',
      `${scope}directory with modules for Python apps, before the inherited PYTHONPATH (repeatable)`,
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    );
}

export function pythonFromCli(opts: PythonCliOptions): PythonOptions {
  return { python: opts.python, paths: opts.pythonPath };
}
