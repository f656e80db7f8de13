// Error propagation, retries, thresholds, skips and branches, run through the REST API.

import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppState, DropState, SessionState } from '../../kernel/states.ts';
import { fixture, runThroughRest, startNode, withEdits } from './helpers.ts';

test('a failing bash command ends FAILED and its error reaches every downstream drop', async (t) => {
  const node = await startNode(t);
  const r = await runThroughRest(node, fixture('failing-bash.pg.json'));
  t.is(r.status, SessionState.FAILED);
  t.deepEqual(r.drops.fail, { status: DropState.ERROR, execStatus: AppState.ERROR });
  t.deepEqual(r.drops['fail-out'], { status: DropState.ERROR });
  t.deepEqual(r.drops.after, { status: DropState.ERROR, execStatus: AppState.ERROR }, 'failed without running');
  t.deepEqual(r.drops['after-out'], { status: DropState.ERROR });
  // The independent branch still ran.
  t.deepEqual(r.drops.ok, { status: DropState.COMPLETED, execStatus: AppState.FINISHED });
  t.is(readFileSync(join(r.dir, 'fine.txt'), 'utf8'), 'fine\n');
  t.false(existsSync(join(r.dir, 'never.txt')), 'a failed output leaves no file behind');
  const logs = (await node.client.dropLogs(r.sessionId, 'fail')).logs.map((l) => l.Message).join('\n');
  t.regex(logs, /exited with 3/);
  t.regex(logs, /about to fail/);
  t.regex(await node.client.sessionLog(r.sessionId), /about to fail/);
});

test('n_tries retries a failing command until it succeeds', async (t) => {
  const node = await startNode(t);
  // Fails on the first attempt (no marker yet), succeeds on the second.
  const pg = withEdits(fixture('failing-bash.pg.json'), {
    fail: { command: 'if [ -e marker ]; then echo second > {out}; else touch marker; exit 1; fi', n_tries: 2, applicationArgs: { out: { value: '', encoding: 'path', usage: 'OutputPort' } }, outputs: [{ 'fail-out': 'out' }] },
  });
  const r = await runThroughRest(node, pg);
  t.is(r.status, SessionState.FINISHED);
  t.is(readFileSync(join(r.dir, 'never.txt'), 'utf8'), 'second\n');
  const attempts = (await node.client.dropLogs(r.sessionId, 'fail')).logs.filter((l) => l.Message.startsWith('attempt'));
  t.is(attempts.length, 1, 'one failed attempt was logged');
});

test('input_error_threshold lets an app run with some failed inputs', async (t) => {
  const node = await startNode(t);
  const pg = [
    { oid: 'bad', categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: 'false', outputs: ['d1'] },
    { oid: 'good', categoryType: 'Application', dropclass: 'dlg.apps.simple.HelloWorldApp', greet: 'x', outputs: ['d2'] },
    { oid: 'd1', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
    { oid: 'd2', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
    { oid: 'gather', categoryType: 'Application', dropclass: 'dlg.apps.simple.GenericGatherApp', input_error_threshold: 50, inputs: ['d1', 'd2'], outputs: ['out'] },
    { oid: 'out', categoryType: 'Data', dropclass: 'dlg.data.drops.file.FileDROP', filepath: 'gathered.txt' },
  ];
  const r = await runThroughRest(node, pg);
  t.deepEqual(r.drops.gather, { status: DropState.COMPLETED, execStatus: AppState.FINISHED });
  t.is(readFileSync(join(r.dir, 'gathered.txt'), 'utf8'), 'Hello x');
  t.is(r.status, SessionState.FAILED, 'the failed app still fails the session');
});

for (const [condition, taken, untaken] of [
  ['1', 'yes', 'no'],
  ['0', 'no', 'yes'],
] as const) {
  test(`a Branch whose input is "${condition}" runs the ${taken} side and skips the other`, async (t) => {
    const node = await startNode(t);
    const pg = withEdits(fixture('branch.pg.json'), { cond: { pydata: condition } });
    const r = await runThroughRest(node, pg);
    t.is(r.status, SessionState.FINISHED);
    t.deepEqual(r.drops.branch, { status: DropState.COMPLETED, execStatus: AppState.FINISHED });
    t.is(r.drops[untaken]!.status, DropState.SKIPPED);
    t.deepEqual(r.drops[`copy-${untaken}`], { status: DropState.SKIPPED, execStatus: AppState.SKIPPED });
    t.is(r.drops[`${untaken}.txt`]!.status, DropState.SKIPPED);
    t.false(existsSync(join(r.dir, `${untaken}.txt`)));
    t.deepEqual(r.drops[`copy-${taken}`], { status: DropState.COMPLETED, execStatus: AppState.FINISHED });
    t.is(readFileSync(join(r.dir, `${taken}.txt`), 'utf8'), condition, 'the input was passed down the taken side');
  });
}

test('an explicit condition parameter overrides the input; a non-boolean one fails the branch', async (t) => {
  const node = await startNode(t);
  const r = await runThroughRest(node, withEdits(fixture('branch.pg.json'), { branch: { condition: 'False' } }));
  t.is(r.drops.yes!.status, DropState.SKIPPED, '"False" is false (reference §9 Q35)');
  t.is(r.drops['no.txt']!.status, DropState.COMPLETED);

  const bad = await runThroughRest(node, withEdits(fixture('branch.pg.json'), { branch: { condition: 'x > 0' } }));
  t.is(bad.status, SessionState.FAILED);
  t.deepEqual(bad.drops.branch, { status: DropState.ERROR, execStatus: AppState.ERROR });
});

test('BranchAppDrop skips its second output when true and its first when false', async (t) => {
  const node = await startNode(t);
  const pg = (condition: boolean) => [
    { oid: 'b', categoryType: 'Application', dropclass: 'dlg.apps.branch.BranchAppDrop', condition, outputs: ['first', 'second'] },
    { oid: 'first', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
    { oid: 'second', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
  ];
  const yes = await runThroughRest(node, pg(true));
  t.is(yes.drops.second!.status, DropState.SKIPPED);
  t.is(yes.drops.first!.status, DropState.COMPLETED);
  const no = await runThroughRest(node, pg(false));
  t.is(no.drops.first!.status, DropState.SKIPPED);
  t.is(no.drops.second!.status, DropState.COMPLETED);
  t.is(no.status, SessionState.FINISHED);
});

test('BranchAppDrop with other than two outputs is refused at deploy', async (t) => {
  const node = await startNode(t);
  await node.client.createSession('one-output');
  await node.client.append('one-output', [
    { oid: 'b', categoryType: 'Application', dropclass: 'dlg.apps.branch.BranchAppDrop', outputs: ['only'] },
    { oid: 'only', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
  ]);
  const err = await t.throwsAsync(node.client.deploy('one-output', ['b']));
  t.regex(err!.message, /exactly 2 outputs/);
  t.is(await node.client.sessionStatus('one-output'), SessionState.BUILDING, 'the session can be fixed and deployed again');
});

test('block_skip: a consumer runs unless all its inputs were skipped', async (t) => {
  const node = await startNode(t);
  const pg = (blockSkip: boolean) => [
    { oid: 'b', categoryType: 'Application', dropclass: 'dlg.apps.branch.BranchAppDrop', condition: true, outputs: ['kept', 'dropped'] },
    { oid: 'kept', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
    { oid: 'dropped', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
    { oid: 'join', categoryType: 'Application', dropclass: 'dlg.apps.simple.NullBarrierApp', block_skip: blockSkip, inputs: ['kept', 'dropped'], outputs: ['end'] },
    { oid: 'end', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
  ];
  const plain = await runThroughRest(node, pg(false));
  t.deepEqual(plain.drops.join, { status: DropState.SKIPPED, execStatus: AppState.SKIPPED });
  t.is(plain.drops.end!.status, DropState.SKIPPED);
  t.is(plain.status, SessionState.FINISHED, 'skipped leaves count as finished');
  const blocking = await runThroughRest(node, pg(true));
  t.deepEqual(blocking.drops.join, { status: DropState.COMPLETED, execStatus: AppState.FINISHED });
});

test('an EndDROP ends the session and skips what is still pending', async (t) => {
  const node = await startNode(t);
  const pg = [
    { oid: 'quick', categoryType: 'Application', dropclass: 'dlg.apps.simple.NullBarrierApp', outputs: ['end'] },
    { oid: 'end', categoryType: 'Data', dropclass: 'dlg.data.drops.data_base.EndDROP' },
    { oid: 'slow', categoryType: 'Application', dropclass: 'dlg.apps.simple.SleepApp', sleep_time: 30, outputs: ['late'] },
    { oid: 'late', categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP' },
  ];
  const started = Date.now();
  const r = await runThroughRest(node, pg);
  t.true(Date.now() - started < 10_000, 'did not wait for the 30 s sleep');
  t.is(r.status, SessionState.FINISHED);
  t.is(r.drops.end!.status, DropState.COMPLETED);
  t.deepEqual(r.drops.slow, { status: DropState.SKIPPED, execStatus: AppState.SKIPPED });
  t.is(r.drops.late!.status, DropState.SKIPPED);
});
