// The session dashboard's compact routes: GET /api/sessions/<id>/graph/outline and
// /graph/progress, on a node manager, through the default strategy any manager gets, and
// combined the way a composite manager combines its children's answers.

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { submit, waitForSession } from '../../engine/client/deploy.ts';
import { DefaultProgress, ProgressTracker, mergeOutlines, mergeProgress, outlineOfSpecs } from '../../engine/managers/progress.ts';
import { DropState, SessionState } from '../../engine/states.ts';
import type { SessionOutline, SessionProgress } from '../../views/model.ts';
import { dashboardGraph } from './dashboard-graph.ts';
import { startNode } from './helpers.ts';

const S = 8;

function groupCounts(o: SessionOutline, p: SessionProgress, key: string): number[] {
  const g = o.groups.findIndex((x) => x.key === key);
  return p.groups.slice(g * S, (g + 1) * S);
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('outline and progress of a running session: groups by lg_key, counts per state, failed drops, expanded groups', async (t) => {
  const node = await startNode(t);
  const width = 6;
  const { sessionId } = await submit(node.client, dashboardGraph(width), { sessionId: 'dash-1' });
  const api = `${node.url}/api/sessions/${sessionId}`;
  const outline = (await (await fetch(`${api}/graph/outline`)).json()) as SessionOutline;
  t.is(outline.total, 2 * width + 4);
  t.deepEqual(outline.groups.map((g) => [g.key, g.count, g.app]), [
    ['gate', 1, true], ['gated', 1, false], ['work', width, true], ['res', width, false], ['fail', 1, true], ['fail-out', 1, false],
  ]);
  const edge = (a: string, b: string) => {
    const ia = outline.groups.findIndex((g) => g.key === a);
    const ib = outline.groups.findIndex((g) => g.key === b);
    for (let k = 0; k < outline.groupEdges.length; k += 3) if (outline.groupEdges[k] === ia && outline.groupEdges[k + 1] === ib) return outline.groupEdges[k + 2];
    return 0;
  };
  t.is(edge('gate', 'gated'), 1);
  t.is(edge('gated', 'work'), width);
  t.is(edge('work', 'res'), width);
  t.is(edge('fail', 'fail-out'), 1);

  // The failing branch ends while the gate holds the rest.
  await until(async () => ((await (await fetch(`${api}/graph/progress`)).json()) as SessionProgress).failed.length === 2, 'the failure');
  const p = (await (await fetch(`${api}/graph/progress?expand=work,nope`)).json()) as SessionProgress;
  t.is(p.status, SessionState.RUNNING);
  t.is(p.total, outline.total);
  t.is(p.running, 1, 'the gate is running');
  t.deepEqual(p.failed.map((f) => [f.oid, f.name]), [['fail', 'fail'], ['fail-out', 'fail-out']]);
  t.is(groupCounts(outline, p, 'work')[DropState.INITIALIZED], width);
  t.deepEqual(Object.keys(p.expanded), ['work']);
  t.deepEqual(p.expanded.work, Array.from({ length: width }, (_, i) => [`work_${i}`, DropState.INITIALIZED]));
  const logs = (await (await fetch(`${api}/graph/drop/fail`)).json()) as { logs: { Message: string }[] };
  t.true(logs.logs.some((r) => /stderr: about to fail/.test(r.Message)), 'the app\'s stderr is in its log');

  writeFileSync(join((await node.client.sessionDir(sessionId)).dir, 'go'), '');
  t.is(await waitForSession(node.client, sessionId, { pollIntervalMs: 25 }), SessionState.FAILED);
  const end = (await (await fetch(`${api}/graph/progress?expand=work&expandLimit=2`)).json()) as SessionProgress;
  t.is(end.status, SessionState.FAILED);
  t.is(end.running, 0);
  t.is(groupCounts(outline, end, 'work')[DropState.COMPLETED], width);
  t.is(groupCounts(outline, end, 'res')[DropState.COMPLETED], width);
  t.is(end.counts.reduce((a, b) => a + b, 0), end.total);
  t.is(end.expanded.work!.length, 2, 'expandLimit');
  t.true(end.expanded.work!.every(([, s]) => s === DropState.COMPLETED));

  t.is((await fetch(`${node.url}/api/sessions/nope/graph/progress`)).status, 404);
  t.is((await fetch(`${node.url}/api/sessions/nope/graph/outline`)).status, 404);
});

test('a pristine or undeployed session has an outline, and progress with every drop INITIALIZED', async (t) => {
  const node = await startNode(t);
  await node.client.createSession('empty');
  const empty = (await (await fetch(`${node.url}/api/sessions/empty/graph/outline`)).json()) as SessionOutline;
  t.deepEqual(empty, { total: 0, groups: [], groupEdges: [], parts: [], groupParts: [] });
  await submit(node.client, dashboardGraph(3), { sessionId: 'built', skipDeploy: true });
  const p = (await (await fetch(`${node.url}/api/sessions/built/graph/progress`)).json()) as SessionProgress;
  t.is(p.status, SessionState.BUILDING);
  t.is(p.groups.filter((_, i) => i % S === DropState.INITIALIZED).reduce((a, b) => a + b, 0), p.total);
});

test('the default strategy (from graph and graphStatus) answers what the node manager answers', async (t) => {
  const node = await startNode(t);
  await submit(node.client, dashboardGraph(4), { sessionId: 'same' });
  await until(async () => (await node.nm.graphProgress('same', {})).failed.length === 2, 'the failure');
  writeFileSync(join((await node.client.sessionDir('same')).dir, 'go'), '');
  await waitForSession(node.client, 'same', { pollIntervalMs: 25 });
  const fallback = new DefaultProgress();
  const plain = {
    graph: (id: string) => node.nm.graph(id), graphSize: (id: string) => node.nm.graphSize(id),
    graphStatus: (id: string) => node.nm.graphStatus(id), sessionStatus: (id: string) => node.nm.sessionStatus(id),
  };
  t.deepEqual(await fallback.outline(plain, 'same'), await node.nm.graphOutline('same'));
  const a = await fallback.progress(plain, 'same', { expand: ['res'] });
  const b = await node.nm.graphProgress('same', { expand: ['res'] });
  t.deepEqual(a, b);
});

test('composite managers: children\'s outlines and progress merge by group key into the whole graph\'s', (t) => {
  const specs = dashboardGraph(5);
  // Two "nodes": the first half and the second half of the specs, as a DIM would split them.
  const halves = [specs.slice(0, 7), specs.slice(7)];
  const state = (oid: string) => (oid.startsWith('work') ? DropState.COMPLETED : oid.startsWith('fail') ? DropState.ERROR : DropState.INITIALIZED);
  const progressOf = (list: Record<string, unknown>[]) => {
    const { outline, groupOf } = outlineOfSpecs(list);
    const counts = new Array(S).fill(0);
    for (const d of list) counts[state(String(d.oid))]++;
    const progress = new ProgressTracker(outline, groupOf).progress(SessionState.RUNNING, counts, 1, (i) => state(String(list[i]!.oid)), (i) => String(list[i]!.oid), { expand: ['work'] });
    return { outline, progress };
  };
  const whole = progressOf(specs);
  const parts = halves.map(progressOf);
  const merged = mergeOutlines(parts.map((p) => p.outline));
  t.is(merged.total, whole.outline.total);
  t.deepEqual(merged.groups.map((g) => [g.key, g.count]), whole.outline.groups.map((g) => [g.key, g.count]));
  const mp = mergeProgress(merged, parts, SessionState.RUNNING, { expand: ['work'] });
  t.deepEqual(mp.counts, whole.progress.counts);
  for (const g of whole.outline.groups) t.deepEqual(groupCounts(merged, mp, g.key), groupCounts(whole.outline, whole.progress, g.key), g.key);
  t.deepEqual(mp.failed.map((f) => f.oid).sort(), whole.progress.failed.map((f) => f.oid).sort());
  t.deepEqual(mp.expanded.work!.map(([o]) => o).sort(), whole.progress.expanded.work!.map(([o]) => o).sort());
});
