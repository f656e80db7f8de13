// dlg-translate as a user runs it: the bundled CLI, exit codes, files, stdin, diagnostics.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lgDir, repoRoot, shared } from '../helpers.ts';
import { needsShared } from '../shared.ts';

const withShared = needsShared(test);

const cli = join(repoRoot, 'dist/dlg-translate.js');
const tmp = mkdtempSync(join(tmpdir(), 'dlg-translate-'));

test.before(() => {
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot });
});
test.after.always(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

if (withShared) {
  test('HelloWorld_simple to stdout: the drop list with its trailing element', (t) => {
    const r = run([join(lgDir, 'HelloWorld_simple.graph')]);
    t.is(r.code, 0, r.err);
    const list = JSON.parse(r.out);
    t.is(list.length, 3);
    t.deepEqual(list[2], {});
    t.is(list[0].oid, '1_19877332-6fd7-455c-b7b5-9e3dc90560ac_0');
  });

  test('-o writes the file; stdin input works; --oid-prefix applies', (t) => {
    const out = join(tmp, 'hello.pgt.json');
    const text = readFileSync(join(lgDir, 'HelloWorld_simple.graph'), 'utf8');
    const r = run(['-', '-o', out, '--oid-prefix', 'abc'], text);
    t.is(r.code, 0, r.err);
    t.is(r.out, '');
    const list = JSON.parse(readFileSync(out, 'utf8'));
    t.is(list[0].oid, 'abc_19877332-6fd7-455c-b7b5-9e3dc90560ac_0');
  });

  test('a truncated graph: exit 1, DLG1002 with a position, no stack trace, no output file', (t) => {
    const bad = join(tmp, 'truncated.graph');
    const text = readFileSync(join(lgDir, 'HelloWorld_simple.graph'), 'utf8');
    writeFileSync(bad, text.slice(0, text.length / 2));
    const out = join(tmp, 'never.json');
    const r = run([bad, '-o', out]);
    t.is(r.code, 1);
    t.regex(r.err, /DLG1002/);
    t.regex(r.err, /truncated\.graph:\d+:\d+/);
    t.notRegex(r.err, /at .*\.js:\d+/);
    t.false(existsSync(out));
  });

  test('an unknown parameter: exit 1, DLG2001 listing the accepted names', (t) => {
    const r = run([join(lgDir, 'cont_img_mvp.graph'), '-p', 'nosuch=1']);
    t.is(r.code, 1);
    t.regex(r.err, /DLG2001/);
    t.regex(r.err, /param4\.what/);
  });

  test('--emit lg writes a filled graph that loads and translates again', (t) => {
    const out = join(tmp, 'filled.graph');
    const r = run([join(lgDir, 'cont_img_mvp.graph'), '--emit', 'lg', '-o', out, '-p', 'param1=1', '-p', 'param2=2', '-p', 'param1.param2=true', '-p', '{"param4": {"what": "hi"}}']);
    t.is(r.code, 0, r.err);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    t.is(doc.modelData.schemaVersion, 'OJS');
    const values = doc.nodeDataArray.flatMap((n: any) => n.fields.map((f: any) => f.value));
    t.false(values.some((v: unknown) => typeof v === 'string' && v.startsWith('~param')));
    const again = run([out]);
    t.is(again.code, 0, again.err);
    t.is(JSON.parse(again.out).length, 145);
  });

  test('a PGT from DALiuGE is re-emitted normalised', (t) => {
    const r = run([join(shared, 'engine/graphs/HelloWorld_simplePG.graph')]);
    t.is(r.code, 0, r.err);
    const list = JSON.parse(r.out);
    const [app, file] = list;
    t.deepEqual(file.producers.map((e: any) => (typeof e === 'string' ? e : Object.keys(e)[0])), [app.oid], 'the missing side is added');
    t.deepEqual(list.at(-1), {});
  });

  test('--summary explains the drop count on stderr', (t) => {
    const r = run([join(lgDir, 'ArrayLoop.graph'), '--summary', '-o', join(tmp, 'al.json')]);
    t.is(r.code, 0, r.err);
    t.regex(r.err, /total: 73 drops, 72 edges/);
    t.regex(r.err, /Scatter\(10\) > Loop\(2\)/);
    t.regex(r.err, /largest fan-out: 10 from/);
  });
}

test('usage errors exit 2; --format json prints an array of diagnostics', (t) => {
  t.is(run(['--emit', 'nonsense', join(lgDir, 'HelloWorld_simple.graph')]).code, 2);
  t.is(run([]).code, 2);
  const r = run([join(tmp, 'missing.graph'), '--format', 'json']);
  t.is(r.code, 1);
  const diags = JSON.parse(r.err);
  t.is(diags[0].code, 'DLG1012');
});

if (withShared) {
  test('--params obs.json and --config-file change what is unrolled', (t) => {
    const hello = run([join(lgDir, 'HelloWorld_simple.graph'), '--params', join(repoRoot, 'fixtures/params/helloworld.params.json')]);
    t.is(hello.code, 0, hello.err);
    const [app, file] = JSON.parse(hello.out);
    t.is(app.greet, 'Universe');
    t.is(file.filepath, 'universe.txt');
    // ArrayLoop with an external configuration of 3 copies: 3 + s + 3·s·l drops with s = 3, l = 2.
    const loop = run([join(lgDir, 'ArrayLoop.graph'), '--config-file', join(repoRoot, 'fixtures/params/arrayloop-copies.config.json')]);
    t.is(loop.code, 0, loop.err);
    t.is(JSON.parse(loop.out).length - 1, 3 + 3 + 3 * 3 * 2);
  });

  test('-o onto a pipe writes through it and leaves it a pipe (no temp file renamed over it)', async (t) => {
    const fifo = join(tmp, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const { createReadStream, statSync } = await import('node:fs');
    const received = new Promise<string>((resolve) => {
      let s = '';
      createReadStream(fifo, 'utf8').on('data', (c) => (s += c)).on('end', () => resolve(s));
    });
    // Asynchronous: the reader above lives in this process and must run meanwhile.
    const { spawn } = await import('node:child_process');
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [cli, join(lgDir, 'HelloWorld_simple.graph'), '-o', fifo]).on('close', resolve);
    });
    t.is(code, 0);
    t.is(JSON.parse(await received).length, 3);
    t.true(statSync(fifo).isFIFO());
  });
}
