// The drop state machine (engine/drops/lifecycle.ts): drops change state only along its table,
// whatever their callers do, and each outcome is announced once. Drops run on a recording host
// (no session, no scheduler) so every call reaches them exactly as the test makes it.

import test from 'ava';
import fc from 'fast-check';
import { AppDrop } from '../../engine/drops/app.ts';
import { DataDrop, MemoryDrop } from '../../engine/drops/data.ts';
import { F_LEAF, type Drop, type DropEvent, type DropHost } from '../../engine/drops/drop.ts';
import { DROP_MOVES, DropAction, EXEC_MOVES, nextState, reaches, execReaches } from '../../engine/drops/lifecycle.ts';
import { AppState, DropState } from '../../kernel/states.ts';

interface Move {
  oid: string;
  from: number;
  to: number;
}

/** A DropHost that records what drops tell it. */
class RecordingHost implements DropHost {
  readonly sessionId = 'lifecycle';
  readonly sessionDir = '/nonexistent';
  readonly dlgRoot = '/nonexistent';
  readonly dataDirs: readonly string[] = [];
  readonly listening = true;
  readonly events: DropEvent[] = [];
  readonly moves: Move[] = [];
  readonly execMoves: Move[] = [];
  readonly leaves: string[] = [];
  readonly ready: string[] = [];
  private readonly lastExec = new Map<string, number>();

  emit(e: DropEvent): void {
    this.events.push(e);
  }
  statusChanged(drop: Drop, from: DropState, to: DropState): void {
    this.moves.push({ oid: drop.oid, from, to });
  }
  execStatusChanged(app: AppDrop): void {
    this.execMoves.push({ oid: app.oid, from: this.lastExec.get(app.oid) ?? AppState.NOT_RUN, to: app.execStatus });
    this.lastExec.set(app.oid, app.execStatus);
  }
  leafDone(drop: Drop): void {
    this.leaves.push(drop.oid);
  }
  appReady(app: AppDrop): void {
    this.ready.push(app.oid);
  }
  appTriggered(app: AppDrop): void {
    this.ready.push(app.oid);
  }
  log(): void {}
}

/** An app whose run the test settles: 'resolve' or 'reject' ends the attempt in progress. */
class HeldApp extends AppDrop {
  private settle: ((ok: boolean) => void) | undefined;
  protected run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.settle = (ok) => (ok ? resolve() : reject(new Error('refused by the test')));
    });
  }
  finishRun(ok: boolean): void {
    const s = this.settle;
    this.settle = undefined;
    s?.(ok);
  }
}

/** in → app → out, in and out leaves of the host's bookkeeping. */
function pipeline() {
  const host = new RecordingHost();
  const input = new MemoryDrop(host, { oid: 'in', categoryType: 'Data' });
  const app = new HeldApp(host, { oid: 'app', categoryType: 'Application' });
  const output = new MemoryDrop(host, { oid: 'out', categoryType: 'Data' });
  app.addInput(input);
  input.addConsumer(app);
  app.addOutput(output);
  output.addProducer(app);
  output.flags |= F_LEAF;
  return { host, input, app, output };
}

const DATA_STATES = Object.values(DropState);
const TERMINAL: readonly number[] = [DropState.ERROR, DropState.CANCELLED, DropState.SKIPPED, DropState.DELETED];

test('the table: no move leaves ERROR, CANCELLED, SKIPPED or DELETED; apps never write or expire', (t) => {
  for (const [kind, action, from, to] of DROP_MOVES) {
    t.false(TERMINAL.includes(from), `${kind} ${action} leaves terminal state ${from}`);
    t.not(from, to, `${kind} ${action} is a move`);
    if (kind === 'app') t.false(action === DropAction.write || action === DropAction.expire);
  }
  for (const [, from, to] of EXEC_MOVES) {
    t.not(from, to);
    t.true(from === AppState.NOT_RUN || from === AppState.RUNNING);
  }
  // Refusals as the reference's semantics say (§8.3): a skipped drop never completes.
  t.is(nextState('data', DropState.SKIPPED, DropAction.complete), undefined);
  t.is(nextState('data', DropState.CANCELLED, DropAction.fail), undefined);
  t.is(nextState('data', DropState.COMPLETED, DropAction.fail), DropState.ERROR);
  t.is(nextState('app', DropState.COMPLETED, DropAction.fail), undefined);
  // A proxy mirrors several moves at once: NOT_RUN reaches FINISHED through RUNNING.
  t.true(execReaches(AppState.NOT_RUN, AppState.FINISHED));
  t.false(execReaches(AppState.CANCELLED, AppState.FINISHED));
  t.true(reaches('data', DropState.INITIALIZED, DropState.EXPIRED));
  t.false(reaches('data', DropState.SKIPPED, DropState.COMPLETED));
  for (const s of DATA_STATES) t.false(reaches('app', s, DropState.WRITING));
});

test('the reported bug: setCompleted() on a SKIPPED drop changes nothing and announces nothing', (t) => {
  const { host, input, app } = pipeline();
  input.skip();
  t.is(input.status, DropState.SKIPPED);
  const before = { events: host.events.length, moves: host.moves.length };
  input.setCompleted();
  input.setCompleted();
  t.is(input.status, DropState.SKIPPED);
  t.is(host.moves.length, before.moves, 'no status change');
  t.deepEqual(host.events.slice(before.events), [], 'no status or dropCompleted event');
  t.deepEqual(host.ready, [], 'the consumer was not told the input is done');
  t.is(app.status, DropState.INITIALIZED);
});

test('a skipped output announces SKIPPED once, when its producer reports', (t) => {
  const { host, app, output } = pipeline();
  app.skip();
  t.is(output.status, DropState.SKIPPED);
  const announced = host.events.filter((e) => e.type === 'dropCompleted' && e.oid === 'out');
  t.deepEqual(announced.map((e) => e.status), [DropState.SKIPPED]);
  t.deepEqual(host.leaves, ['out']);
  output.setCompleted();
  output.producerFinished(app, DropState.SKIPPED);
  t.is(host.events.filter((e) => e.type === 'dropCompleted' && e.oid === 'out').length, 1);
  t.deepEqual(host.leaves, ['out']);
});

test('a second execute() does not run the app again', async (t) => {
  const { host, app } = pipeline();
  void app.execute();
  void app.execute();
  t.is(app.execStatus, AppState.RUNNING);
  app.finishRun(true);
  await new Promise((r) => setImmediate(r));
  t.is(app.status, DropState.COMPLETED);
  t.is(app.execStatus, AppState.FINISHED);
  t.deepEqual(host.execMoves.map((m) => [m.from, m.to]), [[AppState.NOT_RUN, AppState.RUNNING], [AppState.RUNNING, AppState.FINISHED]]);
});

type Action =
  | { on: 'in' | 'out'; op: 'write' | 'setCompleted' | 'setError' | 'skip' | 'skipPending' | 'cancel' | 'expire' }
  | { on: 'out'; op: 'producerFinished'; state: DropState }
  | { on: 'app'; op: 'inputCompleted'; state: DropState }
  | { on: 'app'; op: 'execute' | 'decide' | 'skip' | 'skipPending' | 'cancel' | 'fail' | 'trigger' }
  | { on: 'app'; op: 'settle'; ok: boolean };

const someState = fc.constantFrom(DropState.COMPLETED, DropState.ERROR, DropState.SKIPPED);
// Data calls weigh more: some rows of the table take three of them in a row (complete, expire, fail).
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ on: fc.constantFrom('in' as const, 'out' as const), op: fc.constantFrom('write', 'setCompleted', 'setError', 'skip', 'skipPending', 'cancel', 'expire') as fc.Arbitrary<'write'> }) },
  fc.record({ on: fc.constant('out' as const), op: fc.constant('producerFinished' as const), state: someState }),
  fc.record({ on: fc.constant('app' as const), op: fc.constant('inputCompleted' as const), state: someState }),
  fc.record({ on: fc.constant('app' as const), op: fc.constantFrom('execute', 'decide', 'skip', 'skipPending', 'cancel', 'fail', 'trigger') as fc.Arbitrary<'execute'> }),
  fc.record({ on: fc.constant('app' as const), op: fc.constant('settle' as const), ok: fc.boolean() }),
);

async function apply(p: ReturnType<typeof pipeline>, a: Action): Promise<void> {
  const data: DataDrop | undefined = a.on === 'in' ? p.input : a.on === 'out' ? p.output : undefined;
  if (data) {
    if (a.op === 'producerFinished') return data.producerFinished(p.app, a.state);
    if (a.op === 'write') {
      try {
        data.write('chunk');
      } catch {
        // refused in a final state: the refusal is the point
      }
      return;
    }
    data[a.op as 'setCompleted']();
    return;
  }
  const app = p.app;
  if (a.op === 'inputCompleted') return app.inputCompleted(p.input, a.state);
  if (a.op === 'settle') {
    app.finishRun(a.ok);
    await new Promise((r) => setImmediate(r));
    return;
  }
  if (a.op === 'fail') return app.fail('failed by the test');
  if (a.op === 'decide') return void app.decide();
  void app[a.op as 'execute']();
}

test('property: under any sequence of calls, drops move only along the table and announce once', async (t) => {
  const legal = new Set(DROP_MOVES.map(([kind, , from, to]) => `${kind} ${from} ${to}`));
  const legalExec = new Set(EXEC_MOVES.map(([, from, to]) => `${from} ${to}`));
  const seen = new Set<string>();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(action, { maxLength: 30 }), async (actions) => {
      runs++;
      const p = pipeline();
      const drops: Record<string, Drop> = { in: p.input, app: p.app, out: p.output };
      for (const a of actions) await apply(p, a);
      // Every move reported is a row of the table, and the moves of a drop chain up to its state.
      const last: Record<string, number> = { in: DropState.INITIALIZED, app: DropState.INITIALIZED, out: DropState.INITIALIZED };
      for (const m of p.host.moves) {
        if (!legal.has(`${m.oid === 'app' ? 'app' : 'data'} ${m.from} ${m.to}`)) return false;
        if (m.from !== last[m.oid]) return false;
        last[m.oid] = m.to;
        seen.add(`${m.oid === 'app' ? 'app' : 'data'} ${m.from} ${m.to}`);
      }
      for (const oid of Object.keys(drops)) if (drops[oid]!.status !== last[oid]) return false;
      let exec: number = AppState.NOT_RUN;
      for (const m of p.host.execMoves) {
        if (!legalExec.has(`${m.from} ${m.to}`) || m.from !== exec) return false;
        exec = m.to;
        seen.add(`exec ${m.from} ${m.to}`);
      }
      if (exec !== p.app.execStatus) return false;
      // A status event for each move and nothing else.
      const statusEvents = p.host.events.filter((e) => e.type === 'status');
      if (statusEvents.length !== p.host.moves.length) return false;
      if (statusEvents.some((e, i) => e.oid !== p.host.moves[i]!.oid || e.status !== p.host.moves[i]!.to)) return false;
      // Data drops announce at most once, an outcome they were in when announcing.
      for (const oid of ['in', 'out']) {
        const done = p.host.events.filter((e) => e.type === 'dropCompleted' && e.oid === oid);
        if (done.length > 1) return false;
        if (done.length === 1 && ![DropState.COMPLETED, DropState.ERROR, DropState.SKIPPED].includes(done[0]!.status as never)) return false;
        if (done.length === 1) {
          const at = p.host.events.indexOf(done[0]!);
          const stateThen = p.host.events.slice(0, at).filter((e) => e.type === 'status' && e.oid === oid).at(-1)?.status;
          if (stateThen !== done[0]!.status) return false;
        }
      }
      // The leaf output reports once at most, and only with an announced outcome.
      const leafReports = p.host.leaves.filter((o) => o === 'out').length;
      if (leafReports > 1) return false;
      // A drop that ended SKIPPED, CANCELLED or ERROR never left it: no move out of it afterwards.
      for (const m of p.host.moves) if (TERMINAL.includes(m.from)) return false;
      return true;
    }),
    { numRuns: 500 },
  );
  t.is(runs, 500);
  t.true(seen.size > 10, `random sequences made ${seen.size} kinds of move`);
});

// Short call sequences that between them take every row of both tables, so the property above
// checks each row whatever sequences it happens to draw.
const D = (on: 'in', op: 'write' | 'setCompleted' | 'setError' | 'skip' | 'cancel' | 'expire'): Action => ({ on, op });
const A = (op: 'execute' | 'skip' | 'cancel' | 'fail'): Action => ({ on: 'app', op });
const SETTLE = (ok: boolean): Action => ({ on: 'app', op: 'settle', ok });
const SCRIPTS: Action[][] = [
  [D('in', 'write'), D('in', 'setCompleted'), D('in', 'expire'), D('in', 'setError')],
  [D('in', 'setCompleted'), D('in', 'setError')],
  [D('in', 'setError')],
  [D('in', 'write'), D('in', 'setError')],
  [D('in', 'skip')],
  [D('in', 'write'), D('in', 'skip')],
  [D('in', 'cancel')],
  [D('in', 'write'), D('in', 'cancel')],
  [D('in', 'setCompleted')],
  [A('execute'), SETTLE(true)],
  [A('execute'), SETTLE(false)],
  [A('execute'), A('skip')],
  [A('execute'), A('cancel')],
  [A('fail')],
  [A('skip')],
  [A('cancel')],
];

test('scripted calls take every row of the drop and execution tables, and only those', async (t) => {
  const seen = new Set<string>();
  for (const script of SCRIPTS) {
    const p = pipeline();
    for (const a of script) await apply(p, a);
    for (const m of p.host.moves) seen.add(`${m.oid === 'app' ? 'app' : 'data'} ${m.from} ${m.to}`);
    for (const m of p.host.execMoves) seen.add(`exec ${m.from} ${m.to}`);
  }
  const rows = new Set([...DROP_MOVES.map(([kind, , from, to]) => `${kind} ${from} ${to}`), ...EXEC_MOVES.map(([, from, to]) => `exec ${from} ${to}`)]);
  t.deepEqual([...seen].sort(), [...rows].sort());
});
