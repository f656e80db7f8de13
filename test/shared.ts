// Where the reference material lives (../shared beside the clone) and how a test file that
// needs it behaves when it is absent: outside CI it registers one skipped test naming the
// missing folder and registers nothing else; under CI (env CI set) its absence is a failure.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestFn } from 'ava';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sharedRoot = resolve(repoRoot, '../shared');
export const referenceFixtures = join(sharedRoot, 'fixtures/daliuge');
export const daliugeRef = join(sharedRoot, 'daliuge-ref');

/**
 * True when `path` (default: the reference fixtures) exists. Otherwise: under CI, a failing
 * test; elsewhere one skipped test whose title names the missing folder. Use as
 * `if (needsShared(test)) { ...register the file's tests... }`, and read shared files only
 * inside that block.
 */
export function needsShared(test: TestFn, path: string = referenceFixtures): boolean {
  if (existsSync(path)) return true;
  if (process.env.CI) test(`${path} is required under CI`, (t) => t.fail(`missing: ${path}`));
  else test.skip(`skipped: ${path} is missing (the reference material beside the clone)`, () => {});
  return false;
}
