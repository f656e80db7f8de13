// The form-encoded CLI-mirror routes of reference §7.11 (/lg_fill, /unroll, /partition,
// /unroll_and_partition, /map), their fields and errors; and the request-field rules that
// guard the service (names confined to the repository, pgt_ids, numbers), fuzzed.

import test from 'ava';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HttpError, formDecode, formPairs } from '../../service/http.ts';
import { checkPgtId, confined } from '../../service/repo.ts';
import { dropsOf, form, ourGraphs, startTranslator } from './helpers.ts';

const hello = readFileSync(join(ourGraphs, 'hello_pipeline.graph'), 'utf8');

async function json(r: Response): Promise<any> {
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${r.status}: ${text}`);
  return JSON.parse(text);
}

test('POST /lg_fill fills parameters and field addresses; unknown names are 400 with the accepted ones', async (t) => {
  const tr = await startTranslator(t);
  const doc = await json(await form(tr.base, '/lg_fill', { lg_content: hello, parameters: JSON.stringify({ 'Greetings.num_of_copies': 5 }) }));
  const scatter = doc.nodeDataArray.find((n: any) => n.name === 'Greetings');
  t.is(scatter.fields.find((f: any) => f.name === 'num_of_copies').value, 5);
  const byName = await json(await form(tr.base, '/lg_fill', { lg_name: 'ours/hello_pipeline.graph', rmode: 'RERUN' }));
  t.is(byName.reprodata.rmode, '1');

  const unknown = await form(tr.base, '/lg_fill', { lg_content: hello, parameters: '{"nope": 1}' });
  t.is(unknown.status, 400);
  const body = (await unknown.json()) as any;
  t.is(body.diagnostics[0].code, 'DLG2001');
  t.regex(body.diagnostics[0].message, /Greetings\.num_of_copies/);
  t.is((await form(tr.base, '/lg_fill', { lg_content: hello, parameters: '[1]' })).status, 400);
  t.is((await form(tr.base, '/lg_fill', { lg_content: hello, lg_name: 'ours/hello_pipeline.graph' })).status, 400, 'both');
  t.is((await form(tr.base, '/lg_fill', {})).status, 400, 'neither');
  t.is((await form(tr.base, '/lg_fill', { lg_name: 'ours/missing.graph' })).status, 404);
});

test('POST /unroll: the PGT with its trailing element; oid_prefix, zero_run and default_app; errors', async (t) => {
  const tr = await startTranslator(t);
  const pgt = await json(await form(tr.base, '/unroll', { lg_content: hello }));
  t.is(dropsOf(pgt).length, 10);
  t.is(typeof pgt[pgt.length - 1].oid, 'undefined');
  const x = dropsOf(await json(await form(tr.base, '/unroll', { lg_name: 'ours/hello_pipeline.graph', oid_prefix: 'x', default_app: 'dlg.apps.simple.SleepApp' })));
  t.true(x.every((d) => String(d.oid).startsWith('x_')));
  const apps = x.filter((d) => d.categoryType === 'Application');
  t.true(apps.length > 0 && apps.every((d) => d.dropclass === 'dlg.apps.simple.SleepApp'));
  t.is((await form(tr.base, '/unroll', { lg_content: hello, default_app: 'my.App' })).status, 400);
  t.is((await form(tr.base, '/unroll', { lg_content: hello, zero_run: 'maybe' })).status, 400);
  t.is((await form(tr.base, '/unroll', { lg_content: JSON.stringify(pgt) })).status, 400, 'a drop list is not an LG');
});

test('POST /partition honours algorithm and algo_params (Q33); num_partitions is the exact maximum (Q8)', async (t) => {
  const tr = await startTranslator(t);
  const pgt = await json(await form(tr.base, '/unroll', { lg_content: hello }));
  const metis = dropsOf(await json(await form(tr.base, '/partition', { pgt_content: JSON.stringify(pgt), num_partitions: '2' })));
  t.is(metis.length, 10);
  const labels = new Set(metis.map((d) => d.node));
  t.true(labels.size <= 2 && [...labels].every((l) => /^#[01]$/.test(String(l))));
  const parts = async (maxCpu: string) => new Set(dropsOf(await json(await form(tr.base, '/partition', {
    pgt_content: JSON.stringify(pgt), num_partitions: '10', algorithm: 'mysarkar', algo_params: JSON.stringify({ max_cpu: Number(maxCpu) }),
  }))).map((d) => d.node)).size;
  t.true((await parts('1')) > (await parts('8')));
  const direct = dropsOf(await json(await form(tr.base, '/partition', { pgt_content: JSON.stringify(pgt), num_partitions: '10', algorithm: 'mysarkar', max_cpu: '1' })));
  t.is(new Set(direct.map((d) => d.node)).size, await parts('1'), 'parameters as plain fields too');
  t.is((await form(tr.base, '/partition', { pgt_content: JSON.stringify(pgt), algorithm: 'nope' })).status, 400);
  t.is((await form(tr.base, '/partition', { pgt_content: JSON.stringify(pgt), algo_params: '{bad' })).status, 400);
  t.is((await form(tr.base, '/partition', { pgt_content: hello })).status, 400, 'an LG is not a drop list');
});

test('POST /unroll_and_partition and POST /map: labels, then hosts with the island manager first', async (t) => {
  const tr = await startTranslator(t);
  const pgtp = await json(await form(tr.base, '/unroll_and_partition', { lg_content: hello, num_partitions: '2', algorithm: 'metis', oid_prefix: '7' }));
  t.true(dropsOf(pgtp).every((d) => String(d.oid).startsWith('7_') && /^#[01]$/.test(String(d.node)) && d.island === '#0'));
  const pg = dropsOf(await json(await form(tr.base, '/map', { pgt_content: JSON.stringify(pgtp), nodes: 'isl:8001,n1:8000,n2:8000', num_islands: '1', co_host_dim: 'false' })));
  t.is(pg.length, 10);
  t.true(pg.every((d) => d.island === 'isl:8001' && ['n1:8000', 'n2:8000'].includes(String(d.node))));
  const few = await form(tr.base, '/map', { pgt_content: JSON.stringify(pgtp), nodes: 'isl:8001', co_host_dim: 'false' });
  t.is(few.status, 400);
  t.regex(((await few.json()) as any).diagnostics[0].code, /DLG6001/);
  t.is((await form(tr.base, '/map', { pgt_content: JSON.stringify(pgtp) })).status, 400, 'neither nodes nor host');
  const down = await form(tr.base, '/map', { pgt_content: JSON.stringify(pgtp), host: '127.0.0.1', port: '9' });
  t.is(down.status, 502);
});

test('GET /pgt_view: the viewer model of a stored PGT (groups, partitions, per-drop detail)', async (t) => {
  const tr = await startTranslator(t);
  const page = await (await form(tr.base, '/gen_pgt', { lg_name: 'hello_pipeline.graph', json_data: hello, num_par: '2' })).text();
  const id = /"pgtId":"([^"]+)"/.exec(page)![1]!;
  const m = await json(await fetch(`${tr.base}/pgt_view?pgt_id=${id}`));
  t.is(m.drops, 10);
  t.is(m.edges, 9);
  t.is(m.pgtId, id);
  t.deepEqual(m.groups.map((g: any) => g.count).reduce((a: number, b: number) => a + b, 0), 10);
  t.is(m.detail.oid.length, 10);
  t.is(m.parts.reduce((a: number, p: any) => a + p.drops, 0), 10);
  t.true(m.summary.some(([k]: [string]) => k === 'completion time'));
  t.is((await fetch(`${tr.base}/pgt_view?pgt_id=nope_1_pgt.graph`)).status, 404);
});

test('names from requests stay inside their directory, whatever they are (fuzzed)', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'dlg-confined-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  symlinkSync('/etc', join(root, 'escape'));
  const segment = fc.oneof(fc.constantFrom('..', '.', '', 'escape', '/', '\0', 'a', '~'), fc.string({ maxLength: 6 }));
  fc.assert(fc.property(fc.array(segment, { maxLength: 6 }), (parts) => {
    const name = parts.join('/');
    let resolved: string;
    try {
      resolved = confined(root, name, 'lg_name');
    } catch (e) {
      return e instanceof HttpError && e.status === 400;
    }
    const rel = relative(root, resolved);
    return !rel.startsWith('..') && !rel.startsWith('/') && !rel.startsWith('escape');
  }), { numRuns: 2000 });
  t.throws(() => confined(root, 'escape/passwd', 'lg_name'), { message: /leads outside the repository/ });
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (id) => {
    try {
      const ok = checkPgtId(id);
      return !ok.includes('/') && !ok.includes('..') && ok.endsWith('_pgt.graph');
    } catch (e) {
      return e instanceof HttpError && e.status === 404;
    }
  }), { numRuns: 2000 });
});

test('form bodies decode as URLSearchParams does; a broken %-escape is a 400 (fuzzed)', async (t) => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 40 })), { maxLength: 6 }), (pairs) => {
    const body = new URLSearchParams(pairs).toString();
    const ours = [...formPairs(body)].map(([k, v]) => [k, formDecode(v)]);
    return JSON.stringify(ours) === JSON.stringify([...new URLSearchParams(body)]);
  }), { numRuns: 1000 });
  t.throws(() => formDecode('%E0%A4%A'), { instanceOf: HttpError, message: /bad %-escape/ });
  const tr = await startTranslator(t);
  const r = await fetch(`${tr.base}/unroll`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'lg_content=%ZZ' });
  t.is(r.status, 400);
  t.regex(((await r.json()) as { detail: string }).detail, /malformed form body/);
});
