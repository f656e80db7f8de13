// Build outputs are written under a temporary name and renamed into place: tests build dist/
// from several test files at once, and a command started meanwhile must load either the old
// bundle or the new one, never a half-written file.
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';

export function writeAtomic(path, contents, mode = 0o644) {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, contents, { mode });
  renameSync(temp, path);
}
