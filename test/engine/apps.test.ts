// Application drops: BashShellApp templating (reference §8.9), the simple apps, streaming,
// the worker bound, and cascades through long chains.

import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDrop } from '../../engine/drops/data.ts';
import { shellQuote } from '../../engine/drops/apps/bash-command.ts';
import { AppState, DropState, SessionState } from '../../engine/states.ts';
import { app, bash, deploy, execStatusOf, file, mem, nodeManager, run, statusOf } from './session-harness.ts';
import { tempRoot } from './helpers.ts';

const pathArg = (usage: string) => ({ value: '', encoding: 'path', usage });

test('shell quoting leaves plain words alone and neutralises everything else', (t) => {
  t.is(shellQuote('/dev/urandom'), '/dev/urandom');
  t.is(shellQuote('2048'), '2048');
  t.is(shellQuote(''), "''");
  t.is(shellQuote('a b;rm -rf x'), "'a b;rm -rf x'");
  t.is(shellQuote("it's"), "'it'\\''s'");
});

test('named port and argument placeholders, with values quoted against injection', async (t) => {
  const nm = nodeManager(t);
  const { session, status } = await run(nm, [
    bash('cmd', 'printf "%s|%s" {word} {msg} > {out}', {
      applicationArgs: {
        word: { value: 'a b;echo injected', usage: 'NoPort' },
        msg: { value: '', encoding: 'utf-8', usage: 'InputPort' },
        out: pathArg('OutputPort'),
      },
      inputs: [{ text: 'msg' }],
      outputs: [{ result: 'out' }],
    }),
    mem('text', { pydata: 'from memory' }),
    file('result', 'result.txt'),
  ]);
  t.is(status, SessionState.FINISHED);
  t.is(readFileSync(join(session.sessionDir, 'result.txt'), 'utf8'), 'a b;echo injected|from memory');
});

test('a raw argument is substituted unquoted', async (t) => {
  const nm = nodeManager(t);
  const { session, status } = await run(nm, [
    bash('cmd', '{pipeline} > {out}', {
      applicationArgs: { pipeline: { value: 'echo one | tr o 0', raw: true }, out: pathArg('OutputPort') },
      outputs: [{ r: 'out' }],
    }),
    file('r', 'r.txt'),
  ]);
  t.is(status, SessionState.FINISHED);
  t.is(readFileSync(join(session.sessionDir, 'r.txt'), 'utf8'), '0ne\n');
});

test('{uid} placeholders and the legacy %iN / %o[uid] forms name file paths', async (t) => {
  const data = tempRoot(t);
  const nm = nodeManager(t, 2, [data]);
  const input = join(data, 'in.txt');
  writeFileSync(input, 'legacy');
  const { session, status } = await run(nm, [
    file('in', input),
    bash('byuid', 'cat {in} > {mid}', { inputs: ['in'], outputs: ['mid'] }),
    file('mid', 'mid.txt'),
    bash('legacy', 'cat %i0 %i[mid] > %o[out]', { inputs: ['in', 'mid'], outputs: ['out'] }),
    file('out', 'out.txt'),
  ]);
  t.is(status, SessionState.FINISHED);
  t.is(readFileSync(join(session.sessionDir, 'out.txt'), 'utf8'), 'legacylegacy');
});

test('bash runs in the session directory with DLG_UID, DLG_SESSION_ID and DLG_ROOT', async (t) => {
  const nm = nodeManager(t);
  const { session } = await run(nm, [
    bash('env', 'echo "$PWD $DLG_UID $DLG_SESSION_ID $DLG_ROOT" {root} > env.txt', { applicationArgs: { root: { value: '$DLG_ROOT' } } }),
  ]);
  const root = nm.dlgRoot;
  t.is(readFileSync(join(session.sessionDir, 'env.txt'), 'utf8').trim(), `${session.sessionDir} env ${session.sessionId} ${root} ${root}`);
});

test('unnamed inputs fill positional arguments in order', async (t) => {
  const nm = nodeManager(t);
  const { session } = await run(nm, [
    mem('first', { pydata: 'one' }),
    mem('second', { pydata: 'two' }),
    bash('cmd', 'echo {b} {a} > pos.txt', {
      applicationArgs: { a: { value: '', encoding: 'utf-8', positional: true }, b: { value: '', encoding: 'utf-8', positional: true } },
      inputs: ['first', 'second'],
    }),
  ]);
  t.is(readFileSync(join(session.sessionDir, 'pos.txt'), 'utf8'), 'two one\n');
});

test('a bash app with no command is refused at append', (t) => {
  const nm = nodeManager(t);
  const err = t.throws(() => nm.openSession('nocmd').addGraphSpec([bash('b', '  ')]));
  t.regex(err!.message, /No command specified/);
});

test('HelloWorldApp greets its input; with no output it fails', async (t) => {
  const nm = nodeManager(t);
  const ok = await run(nm, [mem('name', { pydata: 'input' }), app('h', 'HelloWorldApp', { inputs: ['name'], outputs: ['o'] }), mem('o')]);
  t.is((await (ok.session.getDrop('o') as DataDrop).read()).toString(), 'Hello, input');
  const bad = await run(nm, [app('h', 'HelloWorldApp')]);
  t.is(bad.status, SessionState.FAILED);
  t.regex(bad.session.dropLogs('h').map((l) => l.Message).join(), /needs at least one output/);
});

test('SleepApp takes sleep_time from a named input port; SleepAndCopyApp copies after sleeping', async (t) => {
  const nm = nodeManager(t);
  const started = Date.now();
  const { session, status } = await run(nm, [
    mem('secs', { pydata: '0.2' }),
    app('sleep', 'SleepAndCopyApp', { inputs: [{ secs: 'sleep_time' }], outputs: ['copy'] }),
    mem('copy'),
  ]);
  t.is(status, SessionState.FINISHED);
  t.true(Date.now() - started >= 190);
  t.is((await (session.getDrop('copy') as DataDrop).read()).toString(), '0.2');
});

test('streaming: a CopyApp receives chunks while its streaming input is being written', async (t) => {
  const nm = nodeManager(t);
  const s = deploy(nm, [mem('src', { streamingConsumers: ['copy'] }), app('copy', 'CopyApp', { outputs: ['dst'] }), mem('dst')], []);
  const src = s.getDrop('src') as DataDrop;
  const dst = s.getDrop('dst') as DataDrop;
  src.write('ab');
  t.is(dst.size, 2, 'the first chunk is through before the input completes');
  t.is(execStatusOf(s, 'copy'), AppState.NOT_RUN);
  src.write('cd');
  t.is(dst.size, 4);
  src.setCompleted();
  t.is(await s.whenFinished(), SessionState.FINISHED);
  t.is((await dst.read()).toString(), 'abcd', 'streamed data is not copied a second time');
});

test('a barrier app refuses a streaming input at deploy', (t) => {
  const nm = nodeManager(t);
  const s = nm.openSession('barrier');
  s.addGraphSpec([mem('src', { streamingConsumers: ['gather'] }), app('gather', 'GenericGatherApp')]);
  const err = t.throws(() => s.deploy([]));
  t.regex(err!.message, /does not accept streaming inputs/);
  t.is(s.status, SessionState.BUILDING);
});

test('at most --max-workers apps run at once; the rest queue', async (t) => {
  const nm = nodeManager(t, 2);
  const pg = Array.from({ length: 5 }, (_, i) => app(`sleep${i}`, 'SleepApp', { sleep_time: 0.15 }));
  const s = nm.openSession('bounded');
  s.addGraphSpec(pg);
  let running = 0;
  let peak = 0;
  s.subscribe((e) => {
    if (e.type !== 'execStatus') return;
    if (e.execStatus === AppState.RUNNING) peak = Math.max(peak, ++running);
    else if (e.execStatus === AppState.FINISHED) running--;
  });
  const started = Date.now();
  s.deploy('roots');
  t.is(await s.whenFinished(), SessionState.FINISHED);
  t.is(peak, 2);
  t.true(Date.now() - started >= 3 * 150 - 20, 'five 0.15 s apps on two workers take three rounds');
});

function chain(length: number, head: Record<string, unknown>): unknown[] {
  const g: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const next = i + 1 < length ? [`n${i + 1}`] : [];
    g.push(i % 2 === 0 ? mem(`n${i}`, { consumers: next }) : app(`n${i}`, 'NullBarrierApp', { outputs: next, ...(i === 1 ? head : {}) }));
  }
  return g;
}

test('a 100,000-drop chain runs to the end, and an error at its head reaches its tail', async (t) => {
  const nm = nodeManager(t);
  const ok = await run(nm, chain(100_001, {}));
  t.is(ok.status, SessionState.FINISHED);
  t.is(statusOf(ok.session, 'n100000'), DropState.COMPLETED);
  const failing = await run(nm, chain(100_001, { dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: 'exit 1' }));
  t.is(failing.status, SessionState.FAILED);
  t.is(statusOf(failing.session, 'n100000'), DropState.ERROR);
  t.is(execStatusOf(failing.session, 'n99999'), AppState.ERROR);
  t.is(failing.session.summary().counts[DropState.ERROR], 100_000);
});

test('n_effective_inputs lets an app start on the first of its inputs', async (t) => {
  const nm = nodeManager(t);
  const { session } = await run(nm, [
    app('fast', 'HelloWorldApp', { greet: 'fast', outputs: ['a'] }),
    app('slow', 'SleepApp', { sleep_time: 30, outputs: ['b'] }),
    mem('a'),
    mem('b'),
    app('first', 'CopyApp', { n_effective_inputs: 1, inputs: ['a', 'b'], outputs: ['out'] }),
    mem('out', { consumers: ['end'], persist: true }),
    { oid: 'end', categoryType: 'Application', dropclass: 'dlg.apps.simple.NullBarrierApp', outputs: ['stop'] },
    { oid: 'stop', categoryType: 'Data', dropclass: 'dlg.data.drops.data_base.EndDROP' },
  ]);
  t.is((await (session.getDrop('out') as DataDrop).read()).toString(), 'Hello fast');
  t.is(statusOf(session, 'slow'), DropState.SKIPPED, 'the EndDROP ended the session before the slow app');
});

test('a drop keeps the log records at or above its log_level', async (t) => {
  const nm = nodeManager(t);
  const { session } = await run(nm, [bash('chatty', 'echo out; echo err >&2'), bash('quiet', 'echo out', { log_level: 'ERROR' })]);
  const chatty = session.dropLogs('chatty');
  t.deepEqual(chatty.map((r) => r.Level), ['INFO', 'INFO', 'INFO']);
  t.deepEqual(Object.keys(chatty[0]!).sort(), ['Function/Method', 'Level', 'Line #', 'Message', 'Module', 'time']);
  t.true(chatty.some((r) => r.Message === 'stdout: out\n'));
  t.deepEqual(session.dropLogs('quiet'), []);
});
