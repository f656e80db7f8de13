// dlg-validate end to end: the CLI bundled the way scripts/build.mjs bundles it (esbuild,
// one ESM file), spawned on real files. Only this entry is bundled, into a temporary
// directory, so the test does not depend on other CLIs building.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CODES, type Diagnostic } from '../../compiler/diagnostics.ts';
import { invalidDir, logicalGraphs, paramsDir, repoRoot, shared } from './helpers.ts';
import { needsShared } from '../shared.ts';

const dir = mkdtempSync(join(tmpdir(), 'dlg-validate-'));
const cli = join(dir, 'dlg-validate.js');

test.before(async () => {
  await build({
    entryPoints: [join(repoRoot, 'compiler/cli/dlg-validate.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire as __dlgCreateRequire } from 'node:module';\nconst require = __dlgCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
});
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// A valid graph of the project's own (the bundled example), so these run on a fresh clone.
const hello = join(repoRoot, 'fixtures/graphs/hello_pipeline.graph');
const cycle = join(invalidDir, 'cycle.graph');
const appToApp = join(invalidDir, 'app-to-app.graph');

test('a valid graph: exit 0, a summary on stderr, nothing on stdout', (t) => {
  const r = run([hello]);
  t.is(r.code, 0, r.err);
  t.is(r.out, '');
  t.is(r.err.trim(), '1 file: 1 ok');
});

test('errors: exit 1; every file is checked, the summary counts them all', (t) => {
  const r = run([cycle, hello, join(invalidDir, 'link-missing-node.graph'), 'no-such-file.graph']);
  t.is(r.code, 1);
  t.regex(r.out, new RegExp(`cycle\\.graph:\\d+:\\d+: Producer \\(app-1\\): error ${CODES.CYCLE}`));
  t.regex(r.out, new RegExp(`${CODES.LINK_MISSING_NODE}`));
  t.regex(r.out, new RegExp(`no-such-file\\.graph: error ${CODES.READ_FAILED}: cannot read no-such-file\\.graph: no such file`));
  t.regex(r.err, /^4 files: 1 ok, 3 with errors \(3 errors\)$/m);
  t.false(/\bat .*\.js:\d+/.test(r.out + r.err), 'no stack trace');
});

test('warnings pass, but fail with --strict; --quiet hides them', (t) => {
  t.is(run([appToApp]).code, 0);
  t.is(run([appToApp, '--strict']).code, 1);
  const q = run([appToApp, '--quiet']);
  t.is(q.out, '');
  t.is(q.err, '');
});

test('--format json: one array of every diagnostic with its file', (t) => {
  const r = run([cycle, appToApp, hello, '--format', 'json']);
  t.is(r.code, 1);
  const diags = JSON.parse(r.out) as Diagnostic[];
  t.deepEqual([...new Set(diags.map((d) => d.file))].sort(), [appToApp, cycle].sort());
  const c = diags.find((d) => d.code === CODES.CYCLE)!;
  t.is(c.nodeId, 'app-1');
  t.is(c.nodeName, 'Producer');
  t.is(typeof c.line, 'number');
});

test('--format github: annotation lines', (t) => {
  const r = run([cycle, appToApp, '--format', 'github']);
  t.is(r.code, 1);
  const lines = r.out.trim().split('\n');
  t.true(lines.some((l) => l.startsWith(`::error file=${cycle},line=`) && l.includes(`title=${CODES.CYCLE}::Producer (app-1): `)));
  t.true(lines.some((l) => l.startsWith(`::warning file=${appToApp},`) && l.includes(`title=${CODES.APP_TO_APP_LINK}::`)));
});

test('usage errors exit 2: no files, unknown option, bad format, bad params file', (t) => {
  t.is(run([]).code, 2);
  t.is(run([hello, '--bogus']).code, 2);
  t.is(run([hello, '--format', 'xml']).code, 2);
  const bad = run([hello, '--params', join(paramsDir, 'not-an-object.params.json')]);
  t.is(bad.code, 2);
  t.regex(bad.err, new RegExp(`${CODES.BAD_PARAMS_FILE}.*JSON object`));
  t.is(run([hello, '-p', 'novalue']).code, 2);
  t.is(run(['--help']).code, 0);
});

if (needsShared(test)) {
  test('templates: --params fills them; an unknown name is an error listing what the graph accepts', (t) => {
    const cont = join(logicalGraphs, 'cont_img_mvp.graph');
    t.is(run([cont, '--strict']).code, 1, 'unfilled placeholders warn');
    t.is(run([cont, '--strict', '--params', join(paramsDir, 'cont_img_mvp.params.json')]).code, 1, 'cont_img_mvp still has app→app links');
    const filled = run([cont, '--params', join(paramsDir, 'cont_img_mvp.params.json'), '--format', 'json']);
    t.is(filled.code, 0);
    t.false((JSON.parse(filled.out) as Diagnostic[]).some((d) => d.code === CODES.UNMATCHED_PLACEHOLDER));
    const unknown = run([cont, '-p', 'nope=1']);
    t.is(unknown.code, 1);
    t.regex(unknown.out, new RegExp(`${CODES.UNKNOWN_PARAMETER}: unknown parameter 'nope'.*placeholders: param1, param1\\.param2, param2, param4\\.what`));
  });

  test('configurations from the command line', (t) => {
    const g = join(shared, 'translator/graph_config/ArrayLoopScatter.graph');
    t.is(run([g, '--config', 'LoopConfig']).code, 0);
    const r = run([g, '--config', 'Nope']);
    t.is(r.code, 1);
    t.regex(r.out, new RegExp(`${CODES.UNKNOWN_CONFIG}.*LoopConfig.*ScatterConfig`));
    t.is(run([g, '--config-file', join(paramsDir, 'arrayloop-copies.config.json')]).code, 0);
    const stale = run([g, '--config-file', join(paramsDir, 'stale-ids.config.json')]);
    t.is(stale.code, 1);
    t.regex(stale.out, /stale-ids\.config\.json.*DLG2005.*no-such-node/);
  });

  test('directories are searched; drop lists are validated too; stdin works', (t) => {
    const r = run([join(shared, 'engine/graphs'), '--format', 'json']);
    t.is(r.code, 0, r.out);
    t.deepEqual(JSON.parse(r.out), []);
    const stdin = run(['-'], JSON.stringify([{ oid: 'a', categoryType: 'Application', dropclass: 'x.Y', outputs: ['b'] }, {}]));
    t.is(stdin.code, 1);
    t.regex(stdin.out, new RegExp(`^-:1:\\d+: node a: error ${CODES.PGT_UNKNOWN_OID}`));
  });
}

test('a file that is not JSON, or truncated, is a clear error, not a crash', (t) => {
  const bad = join(dir, 'bad.graph');
  writeFileSync(bad, '{"nodeDataArray": [ {"id": "x",');
  const r = run([bad]);
  t.is(r.code, 1);
  t.regex(r.out, new RegExp(`bad\\.graph:1:\\d+: error ${CODES.TRUNCATED_JSON}`));
});
