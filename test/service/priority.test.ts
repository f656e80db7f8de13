// A long translation must not starve short requests of the cores: the pool lowers the
// priority of a worker thread whose job runs long, and replaces that worker afterwards (an
// unprivileged process cannot raise a priority again). Thread priorities are read from
// /proc, so this is Linux only.

import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { form, ourGraphs, startTranslator } from './helpers.ts';

const hello = readFileSync(join(ourGraphs, 'hello_pipeline.graph'), 'utf8');

/** The nice value of every thread of this process, by thread id (field 19 of stat). */
function niceOfThreads(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The command name may contain spaces: the fields start after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

const lowered = () => [...niceOfThreads().values()].filter((n) => n === 10).length;

async function settled(): Promise<void> {
  for (let i = 0; i < 400 && lowered() > 0; i++) await new Promise((r) => setTimeout(r, 25));
}

if (!existsSync('/proc/thread-self')) {
  test('thread priorities (Linux only)', (t) => t.pass('skipped: no /proc/thread-self on this platform'));
} else {
  test('a long job runs at a lower priority; the lowered worker is replaced by one at normal priority', async (t) => {
    const tr = await startTranslator(t, { workers: 2, longJobMs: 50 });
    const pool = tr.server.service.pool;
    t.is(lowered(), 0, 'no thread starts lowered');

    const filled = await (await form(tr.base, '/lg_fill', { lg_content: hello, parameters: JSON.stringify({ 'Greetings.num_of_copies': 15000 }) })).text();
    // On a loaded machine even the fill may run long enough to be lowered: wait until its
    // worker has been replaced, and count from here.
    await settled();
    const before = pool.demotions;
    const big = form(tr.base, '/unroll', { lg_content: filled }).then(async (r) => ({ status: r.status, bytes: (await r.arrayBuffer()).byteLength }));
    let seen = 0;
    let done = false;
    void big.finally(() => (done = true));
    while (!done) {
      seen = Math.max(seen, lowered());
      await new Promise((r) => setTimeout(r, 20));
    }
    const answer = await big;
    t.is(answer.status, 200);
    t.true(answer.bytes > 1e6, `a big answer (${answer.bytes} bytes)`);
    t.is(seen, 1, 'exactly one thread ran at nice 10 while the big job ran');
    t.is(pool.demotions - before, 1);

    // The lowered worker is stopped and a fresh one, at normal priority, takes its place.
    await settled();
    t.is(lowered(), 0, 'no lowered thread is left');
    const again = await form(tr.base, '/unroll', { lg_content: hello });
    t.is(again.status, 200);
    t.regex(await again.text(), /"oid"/);
  });
}
