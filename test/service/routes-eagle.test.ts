// The translator's original (EAGLE-facing) routes of reference §7.11, one by one: response
// shapes, the double-encoded bodies, and the error codes (400 with diagnostics, 404, 413).

import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode } from '../engine/helpers.ts';
import { SessionState } from '../../engine/states.ts';
import { waitForSession } from '../../engine/client/deploy.ts';
import { dropsOf, form, ourGraphs, pgtIdOfPage, postJson, startTranslator } from './helpers.ts';

const hello = readFileSync(join(ourGraphs, 'hello_pipeline.graph'), 'utf8');
const cycle = readFileSync(join(ourGraphs, '../invalid/cycle.graph'), 'utf8');

async function genPgt(base: string, fields: Record<string, string> = {}): Promise<string> {
  const r = await form(base, '/gen_pgt', { lg_name: 'hello_pipeline.graph', json_data: hello, ...fields });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`gen_pgt: ${r.status} ${text}`);
  return pgtIdOfPage(text);
}

async function meta(tr: { pgtDir: string }, id: string): Promise<Record<string, any>> {
  return JSON.parse(readFileSync(join(tr.pgtDir, `${id}.meta.json`), 'utf8'));
}

test('POST /gen_pgt answers the viewer page for a content-hash pgt_id, stored once and listed at /pgts', async (t) => {
  const tr = await startTranslator(t);
  const r = await form(tr.base, '/gen_pgt', { lg_name: 'hello_pipeline.graph', json_data: hello, num_par: '2' });
  t.is(r.status, 200);
  t.regex(r.headers.get('content-type') ?? '', /text\/html/);
  const page = await r.text();
  const id = pgtIdOfPage(page);
  t.regex(id, /^hello_pipeline_[0-9a-f]{16}_pgt\.graph$/);
  t.regex(page, /"partInfo":"algo:METIS_LB\d+ - min_exec_time:\d+/);
  t.is(await genPgt(tr.base, { num_par: '2' }), id, 'the same translation gets the same id');
  const list = (await (await fetch(`${tr.base}/pgts`)).json()) as Record<string, any>[];
  t.is(list.length, 1);
  t.like(list[0], { pgt_id: id, lg_name: 'hello_pipeline.graph', drops: 10, algo: 'metis' });
  t.true(list[0]!.partitions >= 1 && list[0]!.partitions <= 2);
});

test('gen_pgt errors: missing fields, bad JSON, graph errors as 400 diagnostics, bad numbers', async (t) => {
  const tr = await startTranslator(t);
  const missing = await form(tr.base, '/gen_pgt', { lg_name: 'x.graph' });
  t.is(missing.status, 400);
  t.like(await missing.json(), { detail: 'json_data: this field is required', diagnostics: [{ code: 'DLG9001', field: 'json_data' }] });

  const broken = await form(tr.base, '/gen_pgt', { lg_name: 'x.graph', json_data: '{"nodeDataArray": [\n  {"key": 1,}]}' });
  t.is(broken.status, 400);
  const b = (await broken.json()) as any;
  t.is(b.diagnostics[0].code, 'DLG1001');
  t.is(b.diagnostics[0].line, 2);

  const bad = await form(tr.base, '/gen_pgt', { lg_name: 'cycle.graph', json_data: cycle });
  t.is(bad.status, 400);
  const body = (await bad.json()) as any;
  const d = body.diagnostics.find((x: any) => x.code === 'DLG3010');
  t.truthy(d, JSON.stringify(body));
  t.is(d.nodeId, 'app-1');
  t.is(d.nodeName, 'Producer');
  t.regex(body.detail, /^DLG3010: .*node app-1 'Producer'/);

  for (const [field, value, pattern] of [
    ['algo', 'magic', /unknown algorithm "magic"/],
    ['num_par', '0', /num_par: must be at least 1/],
    ['num_par', 'two', /num_par: expected an integer/],
    ['num_islands', '-1', /num_islands: must be at least 0/],
    ['rmode', '42', /unknown reproducibility mode/],
    ['max_cpu', '0', /parameter "max_cpu" .* at least 1/],
  ] as const) {
    const r = await form(tr.base, '/gen_pgt', { lg_name: 'hello_pipeline.graph', json_data: hello, algo: field === 'max_cpu' ? 'mysarkar' : 'metis', [field]: value });
    t.is(r.status, 400, `${field}=${value}`);
    t.regex(((await r.json()) as any).detail, pattern);
  }
});

test('algorithm parameters are honoured on POST and GET /gen_pgt (Q34), and GET reads --lg-dir', async (t) => {
  const tr = await startTranslator(t);
  const tight = await genPgt(tr.base, { algo: 'mysarkar', max_cpu: '1', num_par: '8' });
  const loose = await genPgt(tr.base, { algo: 'mysarkar', max_cpu: '8', num_par: '8' });
  const mt = await meta(tr, tight);
  const ml = await meta(tr, loose);
  t.is(mt.algo_params.max_cpu, 1);
  t.is(ml.algo_params.max_cpu, 8);
  // With one CPU per partition the three parallel greetings cannot share a partition.
  t.true(mt.result.num_parts > ml.result.num_parts, `${mt.result.num_parts} vs ${ml.result.num_parts}`);

  const get = await fetch(`${tr.base}/gen_pgt?lg_name=ours/hello_pipeline.graph&algo=mysarkar&max_cpu=1&num_par=8`);
  t.is(get.status, 200);
  t.is(pgtIdOfPage(await get.text()), tight, 'the GET translation of the same file and parameters is the same PGT');

  t.is((await fetch(`${tr.base}/gen_pgt?lg_name=ours/none.graph`)).status, 404);
  const escape = await fetch(`${tr.base}/gen_pgt?lg_name=${encodeURIComponent('../../../etc/passwd')}`);
  t.is(escape.status, 400);
  t.regex(((await escape.json()) as any).detail, /outside the repository/);
});

test('num_islands 0 (EAGLE default) and 1 both give one island and at most num_par node slots (Q8)', async (t) => {
  const tr = await startTranslator(t);
  for (const islands of ['0', '1']) {
    const id = await genPgt(tr.base, { num_par: '2', num_islands: islands, algo: 'mysarkar', max_cpu: '1' });
    const m = await meta(tr, id);
    t.is(m.islands, 1);
    t.is(m.num_islands, Number(islands), 'what was asked is recorded');
    t.true(m.partitions <= 2, `${m.partitions} partitions`);
    const gojs = JSON.parse(JSON.parse(await (await fetch(`${tr.base}/pgt_jsonbody?pgt_name=${id}`)).text()));
    t.is(gojs.nodeDataArray.filter((n: any) => n.isGroup).length, m.partitions);
  }
});

test('--max-drops: a translation into more drops is refused with 413 and the count', async (t) => {
  const tr = await startTranslator(t, { maxDrops: 5 });
  const r = await form(tr.base, '/gen_pgt', { lg_name: 'hello_pipeline.graph', json_data: hello });
  t.is(r.status, 413);
  const body = (await r.json()) as any;
  t.is(body.drops, 10);
  t.regex(body.detail, /10 drops, more than the limit of 5/);
  t.is((await form(tr.base, '/unroll', { lg_content: hello })).status, 413);
});

test('GET /pgt_jsonbody: the GoJS JSON as a JSON string (double-encoded); 404 for unknown ids', async (t) => {
  const tr = await startTranslator(t);
  const id = await genPgt(tr.base, { num_par: '2', par_label: 'Node' });
  const r = await fetch(`${tr.base}/pgt_jsonbody?pgt_name=${id}`);
  t.is(r.status, 200);
  const outer = await r.json();
  t.is(typeof outer, 'string');
  const g = JSON.parse(outer as string);
  t.is(g.class, 'go.GraphLinksModel');
  const drops = g.nodeDataArray.filter((n: any) => !n.isGroup);
  const groups = g.nodeDataArray.filter((n: any) => n.isGroup);
  t.is(drops.length, 10);
  t.deepEqual(drops.map((n: any) => n.key), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.true(drops.every((n: any) => ['Application', 'Data'].includes(n.category) && typeof n.oid === 'string' && groups.some((gr: any) => gr.key === n.group)));
  t.true(groups.every((gr: any, i: number) => gr.name === `Node_${i + 1}`));
  t.is(g.linkDataArray.length, 9);
  t.true('reprodata' in g);
  t.is((await fetch(`${tr.base}/pgt_jsonbody?pgt_name=nope_0000_pgt.graph`)).status, 404);
  t.is((await fetch(`${tr.base}/pgt_jsonbody?pgt_name=${encodeURIComponent('../x_pgt.graph')}`)).status, 404);
  t.is((await fetch(`${tr.base}/pgt_jsonbody`)).status, 400);
});

test('pages: /, HEAD /, /pg_viewer, /show_gantt_chart, /show_schedule_mat; 404 for unknown PGTs and routes', async (t) => {
  const tr = await startTranslator(t);
  t.is((await fetch(`${tr.base}/pg_viewer`)).status, 404, 'nothing stored yet');
  const id = await genPgt(tr.base);
  for (const path of ['/', `/pg_viewer?pgt_view_name=${id}`, '/pg_viewer', `/show_gantt_chart?pgt_id=${id}`, `/show_schedule_mat?pgt_id=${id}`]) {
    const r = await fetch(tr.base + path);
    t.is(r.status, 200, path);
    t.regex(r.headers.get('content-type') ?? '', /text\/html/);
    t.regex(await r.text(), /<script src="\/static\/views\/(viewer|gantt)\.js">/);
  }
  t.is((await fetch(`${tr.base}/`, { method: 'HEAD' })).status, 200);
  t.is((await fetch(`${tr.base}/show_gantt_chart?pgt_id=nope_1_pgt.graph`)).status, 404);
  const none = await fetch(`${tr.base}/no/such/route`);
  t.is(none.status, 404);
  t.regex(((await none.json()) as any).detail, /No route for GET \/no\/such\/route/);
});

test('GET /jsonbody reads the repository; POST /jsonbody rewrites an existing graph only', async (t) => {
  const tr = await startTranslator(t);
  const r = await fetch(`${tr.base}/jsonbody?lg_name=ours/hello_pipeline.graph`);
  t.is(r.status, 200);
  t.deepEqual(await r.json(), JSON.parse(hello));
  t.is((await fetch(`${tr.base}/jsonbody`)).status, 200, 'no name: the first graph');
  t.is((await fetch(`${tr.base}/jsonbody?lg_name=ours/none.graph`)).status, 404);

  const doc = JSON.parse(hello);
  doc.modelData = { ...doc.modelData, description: 'edited' };
  const w = await form(tr.base, '/jsonbody', { lg_name: 'ours/hello_pipeline.graph', lg_content: JSON.stringify(doc), rmode: '1' });
  t.is(w.status, 200);
  const back = (await (await fetch(`${tr.base}/jsonbody?lg_name=ours/hello_pipeline.graph`)).json()) as any;
  t.is(back.modelData.description, 'edited');
  t.is(back.reprodata.rmode, '1');
  t.is((await form(tr.base, '/jsonbody', { lg_name: 'ours/new.graph', lg_content: '{}' })).status, 404);
  t.is((await form(tr.base, '/jsonbody', { lg_name: 'ours/hello_pipeline.graph', lg_content: 'not json' })).status, 400);
});

test('GET /gen_pg: template PG, PG mapped onto a manager, and deploy with a 307 to the session page', async (t) => {
  const tr = await startTranslator(t);
  const node = await startNode(t);
  const id = await genPgt(tr.base, { num_par: '2', test: 'true' });

  const tpl = await fetch(`${tr.base}/gen_pg?tpl_nodes_len=2&pgt_id=${id}`);
  t.is(tpl.status, 200);
  const tplList = (await tpl.json()) as Record<string, any>[];
  t.is(dropsOf(tplList).length, 10);
  t.true(dropsOf(tplList).every((d) => /^#\d$/.test(String(d.node)) && d.island === '#0'));
  t.is(typeof tplList[tplList.length - 1]!.oid, 'undefined', 'trailing reprodata');
  t.is((await fetch(`${tr.base}/gen_pg?pgt_id=${id}`)).status, 400, 'no manager and no tpl_nodes_len');
  t.is((await fetch(`${tr.base}/gen_pg?tpl_nodes_len=1&pgt_id=nope_1_pgt.graph`)).status, 404);

  const mgr = `dlg_mgr_host=127.0.0.1&dlg_mgr_port=${node.port}`;
  const pg = (await (await fetch(`${tr.base}/gen_pg?pgt_id=${id}&${mgr}`)).json()) as Record<string, any>[];
  // A node manager has no /api/nodes: it is the island and runs every drop itself.
  t.true(dropsOf(pg).every((d) => d.node === `127.0.0.1:${node.port}` && d.island === `127.0.0.1:${node.port}`));

  const dep = await fetch(`${tr.base}/gen_pg?pgt_id=${id}&dlg_mgr_url=${encodeURIComponent(node.url)}&dlg_mgr_deploy=on`, { redirect: 'manual' });
  t.is(dep.status, 307);
  const loc = new URL(dep.headers.get('location')!);
  t.is(loc.origin, node.url);
  t.is(loc.pathname, '/session');
  const sid = loc.searchParams.get('sessionId')!;
  t.regex(sid, new RegExp(`^${id.replace('_pgt.graph', '')}_\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{6}$`));
  t.is(await waitForSession(node.client, sid, { pollIntervalMs: 25 }), SessionState.FINISHED);
  t.is((await fetch(loc.href)).status, 200, 'the session page answers');

  const down = await fetch(`${tr.base}/gen_pg?pgt_id=${id}&dlg_mgr_host=127.0.0.1&dlg_mgr_port=9`);
  t.is(down.status, 502);
  t.regex(((await down.json()) as any).detail, /Failed to interact with DALiuGE Drop Manager at http:\/\/127\.0\.0\.1:9/);
});

test('POST /gen_pg_spec: {"pg_spec", "root_uids"} as a JSON string, the manager as island', async (t) => {
  const tr = await startTranslator(t);
  const id = await genPgt(tr.base, { num_par: '2' });
  const r = await postJson(tr.base, '/gen_pg_spec', { pgt_id: id, node_list: ['n1:8000', 'n2:8000'], manager_host: 'mgr' });
  t.is(r.status, 200);
  const outer = await r.json();
  t.is(typeof outer, 'string');
  const spec = JSON.parse(outer as string);
  t.deepEqual(Object.keys(spec), ['pg_spec', 'root_uids']);
  t.is(spec.pg_spec.length, 10, 'no trailing element');
  t.true(spec.pg_spec.every((d: any) => d.island === 'mgr:8001' && ['n1:8000', 'n2:8000'].includes(d.node)));
  // The roots: drops nothing flows into.
  const targets = new Set(spec.pg_spec.flatMap((d: any) => [...(d.outputs ?? []), ...(d.consumers ?? [])].map((e: any) => (typeof e === 'string' ? e : Object.keys(e)[0]))));
  t.deepEqual(spec.root_uids.sort(), spec.pg_spec.map((d: any) => d.oid).filter((o: string) => !targets.has(o)).sort());
  t.is((await postJson(tr.base, '/gen_pg_spec', { pgt_id: 'nope_1_pgt.graph', manager_host: 'm' })).status, 404);
  t.is((await postJson(tr.base, '/gen_pg_spec', { pgt_id: id })).status, 400);
  t.is((await fetch(`${tr.base}/gen_pg_helm?pgt_id=${id}`)).status, 501);
});

test('schedule data: Gantt matrix and schedule matrices (double-encoded) agree with /pgt_schedule', async (t) => {
  const tr = await startTranslator(t);
  const id = await genPgt(tr.base, { num_par: '2', algo: 'mysarkar' });
  const s = (await (await fetch(`${tr.base}/pgt_schedule?pgt_id=${id}`)).json()) as any;
  t.is(s.drops, 10);
  const bars: number[][] = [];
  for (let k = 0; k < s.bars.length; k += 5) bars.push(s.bars.slice(k, k + 5));
  const busy = bars.reduce((sum, b) => sum + (b[4]! - b[3]!), 0);
  t.true(bars.length > 0 && s.makespan >= Math.max(...bars.map((b) => b[4]!)));
  t.true(s.critical.length > 0);

  const g = JSON.parse((await (await fetch(`${tr.base}/pgt_gantt_chart?pgt_id=${id}`)).json()) as string) as number[][];
  t.is(g.length, 10);
  t.true(g.every((row) => row.length === Math.ceil(s.makespan)));
  t.is(g.flat().filter((x) => x === 1).length, busy);

  const m = JSON.parse((await (await fetch(`${tr.base}/get_schedule_matrices?pgt_id=${id}`)).json()) as string) as number[][];
  const lanes = s.lanes.reduce((a: number, b: number) => a + b, 0);
  t.is(m.length, lanes + s.lanes.length - 1, 'lanes plus one zero row between partitions');
  for (const [drop, , , start, end] of bars) t.is(m.flat().filter((x) => x === drop! + 1).length, end! - start!, `drop ${drop}`);
  t.is((await fetch(`${tr.base}/pgt_gantt_chart?pgt_id=nope_1_pgt.graph`)).status, 404);
});

test('GET /api/submission_method: the manager\'s own answer, [] without one or when it is down', async (t) => {
  const tr = await startTranslator(t);
  const node = await startNode(t);
  t.deepEqual(await (await fetch(`${tr.base}/api/submission_method`)).json(), { methods: [] });
  t.deepEqual(await (await fetch(`${tr.base}/api/submission_method?dlg_mgr_url=${encodeURIComponent(node.url)}`)).json(), { methods: ['BROWSER', 'SERVER'] });
  t.deepEqual(await (await fetch(`${tr.base}/api/submission_method?dlg_mgr_host=127.0.0.1&dlg_mgr_port=9`)).json(), { methods: [] });
  t.is((await fetch(`${tr.base}/api/submission_method?dlg_mgr_url=ftp://x`)).status, 400);
});
