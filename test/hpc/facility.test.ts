// Facility data: the shipped entries carry the values DALiuGE 6.7.0 uses (read from the
// reference's own configuration classes by Python), and user files are checked field by field.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsShared, daliugeRef } from '../shared.ts';
import { FacilityError, parseFacilities, selectFacility, shippedFacilities } from '../../engine/hpc/facility.ts';

const configs = join(daliugeRef, 'src/daliuge-engine/dlg/deploy/configs');

// Instantiates every facility class of the reference (HOME and USER stand for themselves,
// as the job's shell expands them) and prints the values its SLURM client reads.
const READ_REFERENCE = `
import contextlib, io, json, os, runpy, sys
os.environ["HOME"] = "$HOME"; os.environ["USER"] = "$USER"
g = runpy.run_path(sys.argv[1])
out = {}
for name, cls in g["ConfigFactory"].mapping.items():
    with contextlib.redirect_stdout(io.StringIO()):
        c = cls()
    out[name] = {k: c.getpar(k) for k in ("host", "account", "dlg_root", "modules", "venv")}
print(json.dumps(out))
`;

if (needsShared(test, configs)) {
  test('the shipped facilities are DALiuGE\'s, with the values its configuration classes and templates use', (t) => {
    const r = spawnSync('python3', ['-c', READ_REFERENCE, join(configs, '__init__.py')], { encoding: 'utf8' });
    t.is(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as Record<string, Record<string, string>>;
    const ours = shippedFacilities();
    t.deepEqual([...ours.keys()].filter((k) => k !== 'local').sort(), Object.keys(ref).sort());
    const defaultTemplate = readFileSync(join(configs, 'default.slurm'), 'utf8');
    const setonixTemplate = readFileSync(join(configs, 'setonix.slurm'), 'utf8');
    const templateCpus = Number(/--cpus-per-task=(\d+)/.exec(defaultTemplate)![1]);
    for (const [name, v] of Object.entries(ref)) {
      const f = ours.get(name)!;
      t.is(f.loginNode, v.host || undefined, `${name} login node`);
      t.is(f.account, v.account || undefined, `${name} account`);
      t.is(f.dlgRoot, v.dlg_root, `${name} dlg root`);
      t.deepEqual(f.modules, v.modules.split('\n').map((l) => l.trim()).filter(Boolean), `${name} modules`);
      // The reference writes VENV as a line of the script: a `source` command, or (its default)
      // a bare directory, which we activate as the virtual environment it names.
      const venv = v.venv.trim();
      const activate = venv === '' ? [] : [venv.startsWith('source ') ? venv : `source ${venv}/bin/activate`];
      t.deepEqual(f.setup.filter((l) => l.startsWith('source ')), activate, `${name} environment`);
      if (name === 'setonix') {
        t.is(f.nodeMemory, /--mem=(\S+)/.exec(setonixTemplate)![1]);
        t.true(f.setup.includes(/^umask .*$/m.exec(setonixTemplate)![0]));
        t.is(f.cpusPerTask, undefined);
      } else {
        t.is(f.nodeMemory, undefined);
        t.is(f.cpusPerTask, templateCpus, `${name} cpus per task (default.slurm)`);
      }
    }
  });
}

test('local is the default facility and loads nothing', (t) => {
  const f = selectFacility(undefined, undefined);
  t.is(f.name, 'local');
  t.deepEqual(f.modules, []);
  t.deepEqual(f.setup, []);
  t.is(f.dlgRoot, '$HOME/dlg');
});

test('a facility file: its entries win over the shipped ones; its only entry is the default', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dlg-facility-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'f.json');
  writeFileSync(file, JSON.stringify({ setonix: { dlgRoot: '/scratch/me/dlg', partition: 'work', modules: ['module load nodejs/20'] } }));
  const f = selectFacility(undefined, file);
  t.is(f.name, 'setonix');
  t.is(f.partition, 'work');
  t.deepEqual(f.modules, ['module load nodejs/20']);
  t.is(f.account, undefined, 'nothing is inherited from the shipped entry of the same name');
  t.is(selectFacility('hyades', file).loginNode, 'hyades.icrar.org');
  writeFileSync(file, JSON.stringify({ a: {}, b: {} }));
  t.throws(() => selectFacility(undefined, file), { instanceOf: FacilityError, message: /holds 2 facilities \(a, b\): choose one with --facility/ });
  t.throws(() => selectFacility('nowhere', undefined), { message: /unknown facility "nowhere"; known: .*setonix/ });
  t.throws(() => selectFacility(undefined, join(dir, 'missing.json')), { message: /cannot read the facility file/ });
  writeFileSync(file, '{"a": ');
  t.throws(() => selectFacility(undefined, file), { message: /is not JSON/ });
});

test('bad facility entries are refused, naming the file, the entry and the field', (t) => {
  const bad: [unknown, RegExp][] = [
    [{ x: { module: [] } }, /f\.json: facility "x": unknown field "module"/],
    [{ x: { modules: 'module load a' } }, /field "modules" must be a list/],
    [{ x: { setup: ['echo a\nrm -rf /'] } }, /field "setup" must be a list of one-line/],
    [{ x: { account: '' } }, /field "account" must be a one-line, non-empty string/],
    [{ x: { nodeMemory: 'lots' } }, /field "nodeMemory" must be a size such as 16G/],
    [{ x: { cpusPerTask: 0 } }, /field "cpusPerTask" must be a positive integer/],
    [{ x: { sbatch: ['--qos debug'] } }, /sbatch option "--qos debug" must look like --name or --name=value/],
    [{ 'a b': {} }, /facility name "a b" may only hold/],
    [[], /expected an object of facility name/],
  ];
  for (const [doc, message] of bad) t.throws(() => parseFacilities(doc, 'f.json'), { instanceOf: FacilityError, message });
});
