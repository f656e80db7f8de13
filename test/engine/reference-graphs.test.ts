// The reference's engine test PGs, and a hand-written HelloWorld_simple, run to the end
// through the node manager REST API.

import test from 'ava';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DropState, AppState, SessionState } from '../../engine/states.ts';
import { fixture, referenceGraph, runThroughRest, startNode } from './helpers.ts';
import { needsShared } from '../shared.ts';

const withShared = needsShared(test);

type Spec = Record<string, any>;

/** The FileDROP default name of reference §8.8, derived here independently of the engine. */
function expectedDefaultName(uid: string): string {
  const [first, second = '', ...rest] = uid.split('_');
  const human = rest.length ? `${second.slice(0, 4)}_${rest.join('_')}` : second.slice(0, 4);
  return `${first}_${human}`;
}

function ddBytes(pg: Spec[]): number {
  // count × bs from the graph itself: from applicationArgs, or from the pydata of the drops
  // wired to the app's "count" and "bs" ports (ddExample_mixedPorts).
  const dd = pg.find((s) => s.dropclass === 'dlg.apps.bash_shell_app.BashShellApp')!;
  const value = (name: string): number => {
    const direct = dd.applicationArgs?.[name]?.value;
    if (typeof direct === 'number') return direct;
    const entry = (dd.inputs as Spec[]).find((e) => Object.values(e)[0] === name)!;
    const oid = Object.keys(entry)[0];
    return Number(pg.find((s) => s.oid === oid)!.pydata);
  };
  return value('count') * value('bs');
}

if (withShared) {
  test('HelloWorld_simplePG.graph finishes and writes hello.txt', async (t) => {
    const node = await startNode(t);
    const pg = referenceGraph('HelloWorld_simplePG.graph') as Spec[];
    const r = await runThroughRest(node, pg);
    t.is(r.status, SessionState.FINISHED);
    const app = pg.find((s) => s.categoryType === 'Application')!;
    t.is(readFileSync(join(r.dir, 'hello.txt'), 'utf8'), `Hello ${app.greet}`);
    t.deepEqual(r.drops[app.oid], { status: DropState.COMPLETED, execStatus: AppState.FINISHED });
  });
}

test('a hand-written HelloWorld_simple PG gives "Hello Everybody" in hello.txt', async (t) => {
  const node = await startNode(t);
  const r = await runThroughRest(node, fixture('hello-world.pg.json'));
  t.is(r.status, SessionState.FINISHED);
  t.is(readFileSync(join(r.dir, 'hello.txt'), 'utf8'), 'Hello Everybody');
  // No temporary file is left next to the result.
  t.deepEqual(readdirSync(r.dir).filter((f) => f.endsWith('.partial')), []);
});

if (withShared) {
  for (const name of ['ddExamplePG.graph', 'ddExample_mixedPortsPG.graph']) {
    test(`${name} runs dd into a generated file of count × bs bytes`, async (t) => {
      // The graph reads /dev/urandom: absolute inputs need their directory named (--data-dir).
      const node = await startNode(t, { dataDirs: ['/dev'] });
      const pg = referenceGraph(name) as Spec[];
      const r = await runThroughRest(node, pg);
      t.is(r.status, SessionState.FINISHED);
      const out = pg.find((s) => s.name === 'OutputFile')!;
      const file = join(r.dir, expectedDefaultName(out.oid));
      t.true(existsSync(file), `expected ${file}`);
      t.is(statSync(file).size, ddBytes(pg));
      for (const s of pg.filter((x) => x.oid)) t.not(r.drops[s.oid]!.status, DropState.ERROR, s.oid);
      const dd = pg.find((s) => s.dropclass === 'dlg.apps.bash_shell_app.BashShellApp')!;
      const logs = await node.client.dropLogs(r.sessionId, dd.oid);
      t.true(logs.logs.some((l) => l.Message.includes(`of=${file}`)), 'the command names the output file');
      // The data file path is reported by the drop data route.
      t.deepEqual(await node.client.dropData(r.sessionId, out.oid), { filepath: file });
    });
  }
}
