// The PGT store's listing (GET /pgts) keeps what it has read: it must follow PGTs being added
// and removed, leave out half-stored ones, and not re-read every meta file on each call.

import test from 'ava';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgtStore, STORED } from '../../service/repo.ts';

function store(t: import('ava').ExecutionContext): { dir: string; pgts: PgtStore; add: (id: string, created: string, bytes: number) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dlg-pgt-list-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const add = (id: string, created: string, bytes: number) => {
    writeFileSync(join(dir, id), 'x'.repeat(bytes));
    writeFileSync(join(dir, id + STORED.meta), JSON.stringify({ lg_name: `${id}.graph`, created, drops: bytes, partitions: 2, islands: 1, algo: 'metis' }));
  };
  return { dir, pgts: new PgtStore(dir), add };
}

test('the listing follows additions and removals, newest first, and skips half-stored PGTs', (t) => {
  const { dir, pgts, add } = store(t);
  t.deepEqual(pgts.list(), []);
  add('a_0001_pgt.graph', '2026-12-01T01:00:00Z', 10);
  add('b_0002_pgt.graph', '2026-12-01T02:00:00Z', 20);
  t.deepEqual(pgts.list().map((e) => [e.pgt_id, e.bytes, e.drops]), [['b_0002_pgt.graph', 20, 20], ['a_0001_pgt.graph', 10, 10]]);
  // A meta file whose PGT file is not there yet (being stored) is not listed.
  writeFileSync(join(dir, 'c_0003_pgt.graph' + STORED.meta), JSON.stringify({ created: '2026-12-01T03:00:00Z' }));
  t.is(pgts.list().length, 2);
  writeFileSync(join(dir, 'c_0003_pgt.graph'), 'xyz');
  t.deepEqual(pgts.list().map((e) => e.pgt_id), ['c_0003_pgt.graph', 'b_0002_pgt.graph', 'a_0001_pgt.graph']);
  unlinkSync(join(dir, 'b_0002_pgt.graph'));
  t.deepEqual(pgts.list().map((e) => e.pgt_id), ['c_0003_pgt.graph', 'a_0001_pgt.graph']);
  // A damaged meta file is left out, and listed once it is readable.
  add('d_0004_pgt.graph', '2026-12-01T04:00:00Z', 4);
  writeFileSync(join(dir, 'd_0004_pgt.graph' + STORED.meta), '{"created": ');
  t.deepEqual(pgts.list().map((e) => e.pgt_id), ['c_0003_pgt.graph', 'a_0001_pgt.graph']);
  writeFileSync(join(dir, 'd_0004_pgt.graph' + STORED.meta), JSON.stringify({ created: '2026-12-01T04:00:00Z' }));
  t.is(pgts.list()[0]!.pgt_id, 'd_0004_pgt.graph');
});

test('a listing of 2,000 PGTs reads each meta file once', (t) => {
  const { dir, pgts, add } = store(t);
  for (let i = 0; i < 2000; i++) add(`g_${String(i).padStart(4, '0')}_pgt.graph`, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), 1);
  t.is(pgts.list().length, 2000);
  // Rewriting every meta file on disk does not change a listing already read: the entries were
  // kept (a stored PGT is immutable: its id is the hash of its content).
  for (let i = 0; i < 2000; i++) writeFileSync(join(dir, `g_${String(i).padStart(4, '0')}_pgt.graph${STORED.meta}`), JSON.stringify({ created: 'changed', lg_name: 'changed' }));
  const again = pgts.list();
  t.is(again.length, 2000);
  t.true(again.every((e) => e.lg_name !== 'changed'));
  t.is(again[0]!.pgt_id, 'g_1999_pgt.graph');
});
