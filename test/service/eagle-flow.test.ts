// The browser sequence of reference §7.11 ("EAGLE / browser flow", direct REST deploy),
// replayed against the two commands a user starts: `dlg-translate serve` and `dlg-engine nm`.
// Requests carry the Origin a browser would send (EAGLE's, then the translator's page's).

import test from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionProgress } from '../../views/model.ts';
import { SessionState } from '../../engine/states.ts';
import { ourGraphs, repoRoot, tempDir } from './helpers.ts';

/** Starts a CLI from the sources and resolves with the URL it reports on stderr. */
function start(t: import('ava').ExecutionContext, script: string, args: string[], ready: RegExp): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script), ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  // SIGTERM lets the command stop cleanly (its workers and temporary files go with it).
  t.teardown(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (b: Buffer) => {
      err += b;
      const m = ready.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${err}`)));
  });
}

test('EAGLE flow: gen_pgt form → pgt_jsonbody → gen_pg_spec → create, append, deploy on the node manager → session page', async (t) => {
  const dir = tempDir(t);
  const translator = await start(t, 'compiler/cli/dlg-translate.ts', ['serve', '--port', '0', '--pgt-dir', join(dir, 'pgts')], /translator on (http:\/\/127\.0\.0\.1:\d+)/);
  // The translator's pages call the manager from the translator's origin.
  const nm = await start(t, 'engine/cli/dlg-engine.ts', ['nm', '--port', '0', '--dlg-root', join(dir, 'dlg'), '--allow-origin', translator.url], /node manager on (http:\/\/127\.0\.0\.1:\d+)/);
  const eagle = { origin: 'https://eagle.icrar.org' };
  const page = { origin: translator.url };

  // 1. EAGLE posts the graph as a form and opens the page it gets back.
  const lg = readFileSync(join(ourGraphs, 'hello_pipeline.graph'), 'utf8');
  const gen = await fetch(`${translator.url}/gen_pgt`, {
    method: 'POST', headers: eagle,
    body: new URLSearchParams({ lg_name: 'hello_pipeline.graph', json_data: lg, num_par: '1', algo: 'metis', num_islands: '0', test: 'true', par_label: 'Partition' }),
  });
  t.is(gen.status, 200);
  t.regex(gen.headers.get('content-type')!, /^text\/html/);
  const html = await gen.text();
  const pgtName = /"pgtId":"([^"]+)"/.exec(html)![1]!;
  t.regex(pgtName, /^hello_pipeline_[0-9a-f]{16}_pgt\.graph$/);

  // 2. The viewer loads the PGT: a JSON string of the GoJS JSON.
  const body = await fetch(`${translator.url}/pgt_jsonbody?pgt_name=${pgtName}`, { headers: page });
  t.is(body.status, 200);
  const gojs = JSON.parse((await body.json()) as string);
  t.is(gojs.class, 'go.GraphLinksModel');
  t.is(gojs.nodeDataArray.filter((n: { isGroup?: boolean }) => !n.isGroup).length, 10);

  // 3. Direct REST deploy: the template PG (unused by the client), then the PG spec.
  const tpl = await fetch(`${translator.url}/gen_pg?tpl_nodes_len=1&pgt_id=${pgtName}`, { headers: page });
  t.is(tpl.status, 200);
  t.true(Array.isArray(await tpl.json()));
  const nmHost = new URL(nm.url).host;
  const specRes = await fetch(`${translator.url}/gen_pg_spec`, {
    method: 'POST', headers: { ...page, 'content-type': 'application/json' },
    body: JSON.stringify({ manager_host: nmHost, node_list: [], pgt_id: pgtName }),
  });
  t.is(specRes.status, 200);
  const spec = JSON.parse((await specRes.json()) as string) as { pg_spec: Record<string, unknown>[]; root_uids: string[] };
  t.is(spec.pg_spec.length, 10);
  t.true(spec.pg_spec.every((d) => d.node === nmHost && d.island === nmHost), 'a lone node manager runs every drop');
  t.true(spec.root_uids.length > 0);

  const lgName = pgtName.substring(0, pgtName.lastIndexOf('_pgt.graph'));
  const sessionId = `${lgName}-${new Date().toISOString().replace(/:/g, '-')}`;
  const created = await fetch(`${nm.url}/api/sessions`, { method: 'POST', headers: { ...page, 'content-type': 'application/json' }, body: JSON.stringify({ sessionId }) });
  t.is(created.status, 200);
  t.deepEqual(await created.json(), { sessionId });
  const appended = await fetch(`${nm.url}/api/sessions/${sessionId}/graph/append`, {
    method: 'POST', headers: { ...page, 'content-type': 'application/json' }, body: JSON.stringify(spec.pg_spec),
  });
  t.is(appended.status, 200, await appended.clone().text());
  t.deepEqual(await appended.json(), { Status: 'Success' });
  const deployed = await fetch(`${nm.url}/api/sessions/${sessionId}/deploy`, { method: 'POST', headers: page, body: new URLSearchParams({ completed: spec.root_uids.join(',') }) });
  t.is(deployed.status, 200);

  // 4. The client opens the manager's session page; the dashboard's data routes follow it.
  const session = await fetch(`${nm.url}/session?sessionId=${encodeURIComponent(sessionId)}`);
  t.is(session.status, 200);
  t.regex(await session.text(), new RegExp(`"sessionId":"${sessionId.replace(/[.]/g, '\\.')}"`));
  let progress: SessionProgress | undefined;
  for (let i = 0; i < 400; i++) {
    progress = (await (await fetch(`${nm.url}/api/sessions/${sessionId}/graph/progress`)).json()) as SessionProgress;
    if (progress.status >= SessionState.FINISHED) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  t.is(progress!.status, SessionState.FINISHED);
  t.is(progress!.counts[2], 10, 'all 10 drops COMPLETED');
});

test('dlg-translate serve: usage errors exit 2 with a message, no stack trace', (t) => {
  for (const [args, pattern] of [
    [['--port', 'eighty'], /--port must be an integer/],
    [['--max-drops', '0'], /--max-drops must be an integer from 1/],
    [['--allow-origin', 'ftp://x'], /must be http or https/],
  ] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'compiler/cli/dlg-translate.ts'), 'serve', ...args], { cwd: repoRoot, encoding: 'utf8' });
    t.is(r.status, 2, args.join(' '));
    t.regex(r.stderr, pattern);
    t.notRegex(r.stderr, /\n\s+at /);
  }
});
