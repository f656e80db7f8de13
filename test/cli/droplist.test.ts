// A drop list given to dlg-translate is checked with dlg-validate's drop-list rules (issue 8
// item 10): the broken lists of fixtures/invalid make both commands report the same errors
// and exit 1, with nothing written; a one-sided list only warns, and comes out two-sided.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers.ts';

const invalid = join(repoRoot, 'fixtures/invalid');
const tmp = mkdtempSync(join(tmpdir(), 'dlg-droplist-'));
test.before(() => execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot }));
test.after.always(() => rmSync(tmp, { recursive: true, force: true }));

interface Diag { code: string; severity: string; nodeId?: string; pointer?: string }

function run(cli: string, args: string[]): { code: number | null; diags: Diag[]; out: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', cli), ...args, '--format', 'json'], { encoding: 'utf8' });
  const json = cli === 'dlg-validate.js' ? r.stdout : r.stderr;
  return { code: r.status, diags: json.trim() ? (JSON.parse(json) as Diag[]) : [], out: r.stdout };
}

const key = (d: Diag) => `${d.severity} ${d.code} ${d.nodeId ?? ''} ${d.pointer ?? ''}`;
const broken = readdirSync(invalid).filter((f) => f.startsWith('pgt-') && f !== 'pgt-one-sided.json').sort();

test('the broken drop lists of fixtures/invalid are the ones these tests expect', (t) => {
  t.deepEqual(broken, ['pgt-bad-category-type.json', 'pgt-bad-entry.json', 'pgt-cycle.json', 'pgt-duplicate-oid.json', 'pgt-missing-category-type.json', 'pgt-missing-dropclass.json', 'pgt-unknown-oid.json']);
});

for (const f of broken) {
  test(`${f}: dlg-translate exits 1 with dlg-validate's errors, writes nothing`, (t) => {
    const out = join(tmp, `${f}.out.json`);
    const translated = run('dlg-translate.js', [join(invalid, f), '--emit', 'pgt', '-o', out]);
    const validated = run('dlg-validate.js', [join(invalid, f)]);
    t.is(validated.code, 1);
    t.is(translated.code, 1);
    const errors = validated.diags.filter((d) => d.severity === 'error');
    t.true(errors.length > 0);
    t.deepEqual(translated.diags.map(key).sort(), validated.diags.map(key).sort());
    t.false(existsSync(out));
  });
}

test('each drop-list error code is among those reported on the broken lists', (t) => {
  const codes = new Set(broken.flatMap((f) => run('dlg-translate.js', [join(invalid, f)]).diags.map((d) => d.code)));
  // duplicate oid, unknown oid, missing categoryType (schema), missing dropclass, bad categoryType, cycle
  t.deepEqual([...codes].sort(), ['DLG3001', 'DLG3102', 'DLG3103', 'DLG3105', 'DLG3106', 'DLG3107']);
});

test('a one-sided list warns (DLG3104), exits 0, and is written with both ends', (t) => {
  const out = join(tmp, 'one-sided.json');
  const r = run('dlg-translate.js', [join(invalid, 'pgt-one-sided.json'), '-o', out]);
  t.is(r.code, 0);
  t.deepEqual(r.diags.map((d) => `${d.severity} ${d.code} ${d.nodeId}`), ['warning DLG3104 1_a_0']);
  const [a, b, trailing] = JSON.parse(readFileSync(out, 'utf8'));
  t.deepEqual(a.outputs, [{ '1_b_0': 'out' }]);
  t.deepEqual(b.producers, ['1_a_0']);
  t.deepEqual(trailing, {});
  t.is(run('dlg-validate.js', [out]).diags.length, 0);
});

test('the same rules run for --emit pgtp and pg, before any partitioning', (t) => {
  for (const args of [['--emit', 'pgtp'], ['--emit', 'pg', '--nodes', 'dim,nm0']]) {
    const r = run('dlg-translate.js', [join(invalid, 'pgt-cycle.json'), ...args]);
    t.is(r.code, 1);
    t.deepEqual(r.diags.map((d) => d.code), ['DLG3105']);
  }
});

test('an old-form list (§1.11: "/" in iids, dt, type/app, plain oid lists) is converted, not refused', (t) => {
  const file = join(tmp, 'old.json');
  writeFileSync(file, JSON.stringify(['old', [
    { oid: 'a', type: 'app', app: 'dlg.apps.simple.SleepApp', iid: '0/1', lg_key: -3, outputs: ['b'] },
    { oid: 'b', dt: 'Memory', dropclass: 'dlg.data.drops.memory.InMemoryDROP', iid: '0/1', lg_key: -4, producers: ['a'] },
  ]]));
  const r = run('dlg-translate.js', [file]);
  t.is(r.code, 0, JSON.stringify(r.diags));
  const [a, b] = JSON.parse(r.out);
  t.like(a, { categoryType: 'Application', dropclass: 'dlg.apps.simple.SleepApp', iid: '0-1' });
  t.like(b, { categoryType: 'Data', category: 'Memory', iid: '0-1' });
});
