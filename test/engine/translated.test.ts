// Graphs translated by our compiler, run through the node manager REST API.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translateForDeploy } from '../../engine/client/translate.ts';
import { AppState, DropState, SessionState } from '../../engine/states.ts';
import { readJson, referenceFixtures, repoRoot, runThroughRest, startNode } from './helpers.ts';
import { needsShared } from '../shared.ts';

const withShared = needsShared(test);

const lgs = join(referenceFixtures, 'translator/logical_graphs');

if (withShared) {
  test('our translation of HelloWorld_simple runs to FINISHED through REST and writes "Hello Everybody"', async (t) => {
    const node = await startNode(t);
    const { drops } = await translateForDeploy(readJson(join(lgs, 'HelloWorld_simple.graph')), { file: 'HelloWorld_simple.graph' });
    t.deepEqual(drops.at(-1), {}, 'the PGT keeps its trailing element');
    const r = await runThroughRest(node, drops);
    t.is(r.status, SessionState.FINISHED);
    t.is(readFileSync(join(r.dir, 'hello.txt'), 'utf8'), 'Hello Everybody');
    t.deepEqual(Object.values(r.drops).map((d) => d.status), [DropState.COMPLETED, DropState.COMPLETED]);
    t.is(Object.values(r.drops).find((d) => d.execStatus !== undefined)!.execStatus, AppState.FINISHED);
  });
}

test('the bundled hello_pipeline (scatter, gather, bash) runs through REST with parameters', async (t) => {
  const node = await startNode(t);
  const { drops } = await translateForDeploy(readJson(join(repoRoot, 'fixtures/graphs/hello_pipeline.graph')), {
    params: ['Greetings.num_of_copies=5', 'Collect.num_of_inputs=5', 'Hello.greet=World '],
  });
  const r = await runThroughRest(node, drops);
  t.is(r.status, SessionState.FINISHED);
  t.is(readFileSync(join(r.dir, 'greetings.txt'), 'utf8'), 'Hello World '.repeat(5));
  t.is(readFileSync(join(r.dir, 'count.txt'), 'utf8').trim(), '10');
  t.is(Object.keys(r.drops).length, 2 * 5 + 4, "5 greetings and their files, the gather app, greetings.txt, the bash app, count.txt");
});

if (withShared) {
  test('translating for a composite manager maps the drops onto the nodes it reports', async (t) => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/api/nodes' ? { nodes: ['10.1.0.1:8000', '10.1.0.2:8000'] } : {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => server.close());
    const port = (server.address() as { port: number }).port;
    const { drops } = await translateForDeploy(readJson(join(lgs, 'SuperBasicScatterGather.graph')), { url: `http://127.0.0.1:${port}` });
    const specs = (drops as Record<string, unknown>[]).filter((d) => d.oid);
    t.is(specs.length, 6);
    t.true(specs.every((d) => d.island === `127.0.0.1:${port}`));
    t.true(specs.every((d) => ['10.1.0.1:8000', '10.1.0.2:8000'].includes(d.node as string)));
  });

  test('translating for a node manager (no node list) leaves the drops unplaced', async (t) => {
    const node = await startNode(t);
    const { drops } = await translateForDeploy(readJson(join(lgs, 'HelloWorld_simple.graph')), { url: node.url });
    t.true(drops.length > 1, 'the drops and the trailing element');
    t.true((drops as Record<string, unknown>[]).every((d) => d.node === undefined));
  });
}
