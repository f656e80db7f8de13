// Where our Python package (engine/python/dlg_ts_worker) is: beside the sources when run
// from the repository, beside dist/ in the npm package.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function workerPackageDir(): string {
  if (found !== undefined) return found;
  const here = dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../../../python', '../engine/python', '../../engine/python']) {
    const dir = resolve(here, rel);
    if (existsSync(join(dir, 'dlg_ts_worker', '__init__.py'))) return (found = dir);
  }
  throw new Error(`the Python worker package (engine/python/dlg_ts_worker) was not found near ${here}`);
}
