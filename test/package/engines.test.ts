// `npm ci` warns EBADENGINE when a locked package wants a newer Node than the one running.
// The package declares Node 20, so every locked package must accept a current Node 20
// release (20.19, the line's maintenance release; dev tools such as ava need ≥ 20.8).

import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { repoRoot } from '../helpers.ts';

const NODE_20 = '20.19.0';
const read = (f: string) => JSON.parse(readFileSync(join(repoRoot, f), 'utf8'));

test(`the package declares an engine range that admits Node ${NODE_20}`, (t) => {
  const range = read('package.json').engines?.node as string;
  t.true(semver.satisfies(NODE_20, range), range);
});

test(`every package in package-lock.json accepts Node ${NODE_20}`, (t) => {
  const packages = Object.entries(read('package-lock.json').packages as Record<string, { engines?: { node?: string } }>);
  const withEngine = packages.filter(([, p]) => typeof p.engines?.node === 'string');
  t.true(withEngine.length > 10, 'the lock lists engine ranges');
  const refused = withEngine.filter(([, p]) => !semver.satisfies(NODE_20, p.engines!.node!)).map(([k, p]) => `${k} wants node ${p.engines!.node}`);
  t.deepEqual(refused, []);
});
