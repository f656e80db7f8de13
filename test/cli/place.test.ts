// dlg-translate --emit pgtp | pg: partitions, islands and hosts, as a user runs it.
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lgDir, repoRoot, shared } from '../helpers.ts';
import { needsShared } from '../shared.ts';

const cli = join(repoRoot, 'dist/dlg-translate.js');
const tmp = mkdtempSync(join(tmpdir(), 'dlg-place-'));
test.before(() => execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot }));
test.after.always(() => rmSync(tmp, { recursive: true, force: true }));

// Async so a test's HTTP server can answer while the CLI runs.
function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => (out += b));
    p.stderr.on('data', (b) => (err += b));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

const drops = (out: string) => (JSON.parse(out) as any[]).filter((d) => d.oid);

if (needsShared(test)) {
  for (const algorithm of ['none', 'metis', 'mysarkar', 'min_num_parts', 'pso']) {
    test(`-a ${algorithm} -N 3 -i 2 --emit pgtp: every drop labelled, ≤ 3 partitions, ≤ 2 islands`, async (t) => {
      const seeded = algorithm === 'metis' || algorithm === 'pso' ? ['-A', 'seed=7'] : [];
      const r = await run([join(lgDir, 'cont_img_mvp.graph'), '--emit', 'pgtp', '-a', algorithm, '-N', '3', '-i', '2', ...seeded]);
      t.is(r.code, 0, r.err);
      const list = drops(r.out);
      t.is(list.length, 144);
      const nodes = new Set(list.map((d) => d.node));
      const islands = new Set(list.map((d) => d.island));
      t.true(list.every((d) => /^#\d+$/.test(d.node) && /^#\d+$/.test(d.island)));
      t.true(nodes.size <= 3 && nodes.size >= 1);
      t.true(islands.size <= 2);
      // A partition lives on one island.
      const islandOf = new Map<string, string>();
      for (const d of list) t.is(islandOf.get(d.node) ?? (islandOf.set(d.node, d.island), d.island), d.island);
      if (algorithm === 'none') t.is(nodes.size, 1);
    });
  }

  test('--emit pg places drops only on the given hosts; the first --islands host the island managers', async (t) => {
    const hosts = ['10.0.0.1:8001', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
    const r = await run([join(lgDir, 'chiles_simple.graph'), '--emit', 'pg', '-N', '3', '-i', '1', '--nodes', hosts.join(',')]);
    t.is(r.code, 0, r.err);
    const list = drops(r.out);
    t.true(list.length > 0);
    t.true(list.every((d) => d.island === '10.0.0.1:8001'));
    t.true(list.every((d) => hosts.slice(1).includes(d.node)));
  });

  test('output is deterministic: the same input and options give the same bytes', async (t) => {
    const args = [join(lgDir, 'cont_img_mvp.graph'), '--emit', 'pg', '-N', '4', '-i', '2', '--nodes', 'a,b,c,d,e,f'];
    const [a, b] = [await run(args), await run(args)];
    t.is(a.code, 0, a.err);
    t.is(a.out, b.out);
  });

  test('a partitioned PGT is mapped to hosts without re-partitioning (dlg map)', async (t) => {
    const pgtp = join(tmp, 'loop.pgtp.json');
    const r1 = await run([join(lgDir, 'ArrayLoop.graph'), '--emit', 'pgtp', '-N', '2', '-o', pgtp]);
    t.is(r1.code, 0, r1.err);
    const labelled = drops(readFileSync(pgtp, 'utf8'));
    const r2 = await run([pgtp, '--emit', 'pg', '--nodes', 'dim,nm0,nm1']);
    t.is(r2.code, 0, r2.err);
    const mapped = drops(r2.out);
    t.true(labelled.length > 0);
    t.deepEqual(mapped.map((d) => d.node), labelled.map((d) => (d.node === '#0' ? 'nm0' : 'nm1')));
    t.true(mapped.every((d) => d.island === 'dim'));
  });

  test('--nodes-from asks a manager; both answers of GET /api/nodes are understood (Q28)', async (t) => {
    for (const answer of [['n1:8000', 'n2:8000'], { nodes: ['n1:8000', 'n2:8000'] }]) {
      const server = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.url === '/api/nodes' ? answer : {}));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      const r = await run([join(lgDir, 'SuperBasicScatterGather.graph'), '--emit', 'pg', '-N', '2', '--nodes-from', `http://127.0.0.1:${port}`]);
      server.close();
      t.is(r.code, 0, r.err);
      const list = drops(r.out);
      t.true(list.length > 0);
      t.true(list.every((d) => d.island === `127.0.0.1:${port}`));
      t.true(list.every((d) => ['n1:8000', 'n2:8000'].includes(d.node)));
    }
  });

  test('too few nodes, a missing node list and bad algorithm parameters are clear errors', async (t) => {
    const g = join(lgDir, 'testLoop.graph');
    const few = await run([g, '--emit', 'pg', '-N', '2', '-i', '2', '--nodes', 'a,b']);
    t.is(few.code, 1);
    t.regex(few.err, /DLG6001.*at least 3/);
    const none = await run([g, '--emit', 'pg']);
    t.is(none.code, 2);
    t.regex(none.err, /--nodes/);
    const bad = await run([g, '--emit', 'pgtp', '-a', 'metis', '-A', 'foo=1']);
    t.is(bad.code, 2);
    t.regex(bad.err, /accepted parameters: min_goal, ptype, max_load_imb/);
  });

  test('a DALiuGE PGT drop list can be partitioned too', async (t) => {
    const r = await run([join(shared, 'translator/drop_spec/cont_img_mvp.spec'), '--emit', 'pgtp', '-N', '4']);
    t.is(r.code, 0, r.err);
    const list = drops(r.out);
    t.is(list.length, 144);
    t.true(new Set(list.map((d) => d.node)).size <= 4);
  });
}
