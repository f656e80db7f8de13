// The drop state machine (reference §8.3, §8.4): every move a drop's state may make, in one
// table. Drops change state only through `move`, which refuses whatever the table does not
// list, so an event fires only on a real transition and a final state is never left
// except as listed (a data drop that completed can still fail or expire).
//
//   data   write     INITIALIZED → WRITING
//          complete  INITIALIZED | WRITING → COMPLETED
//          fail      INITIALIZED | WRITING | COMPLETED | EXPIRED → ERROR
//          skip      INITIALIZED | WRITING → SKIPPED
//          cancel    INITIALIZED | WRITING → CANCELLED
//          expire    COMPLETED → EXPIRED
//   app    complete | fail | skip | cancel   INITIALIZED → COMPLETED | ERROR | SKIPPED | CANCELLED
//
// An app's execution status has its own table:
//
//   run     NOT_RUN → RUNNING
//   finish  RUNNING → FINISHED
//   fail | skip | cancel   NOT_RUN | RUNNING → ERROR | SKIPPED | CANCELLED
//
// A data drop tells its consumers its outcome once (`dropCompleted`), from COMPLETED, ERROR or
// SKIPPED; a skipped drop does so only when every producer has reported. That announcement
// is not a move: the drop is already in the state it announces.

import { AppState, DROP_STATE_COUNT, DropState } from '../../kernel/states.ts';

export type DropKind = 'data' | 'app';
// Actions are small integers: the hot path indexes the table with them (string actions looked
// up per move made the run of bench-engine's 10^6-drop scatter about a tenth slower).
export const DropAction = { write: 0, complete: 1, fail: 2, skip: 3, cancel: 4, expire: 5 } as const;
export type DropAction = (typeof DropAction)[keyof typeof DropAction];
export const ExecAction = { run: 0, finish: 1, fail: 2, skip: 3, cancel: 4 } as const;
export type ExecAction = (typeof ExecAction)[keyof typeof ExecAction];
const ACTION_COUNT = 6;
const EXEC_ACTION_COUNT = 5;
const EXEC_STATE_COUNT = Object.keys(AppState).length;

const { INITIALIZED, WRITING, COMPLETED, ERROR, EXPIRED, CANCELLED, SKIPPED } = DropState;
const { write, complete, fail, skip, cancel, expire } = DropAction;

/** Every legal move of a drop's state: kind, action, from, to. */
export const DROP_MOVES: readonly (readonly [DropKind, DropAction, DropState, DropState])[] = [
  ['data', write, INITIALIZED, WRITING],
  ['data', complete, INITIALIZED, COMPLETED],
  ['data', complete, WRITING, COMPLETED],
  ['data', fail, INITIALIZED, ERROR],
  ['data', fail, WRITING, ERROR],
  ['data', fail, COMPLETED, ERROR],
  ['data', fail, EXPIRED, ERROR],
  ['data', skip, INITIALIZED, SKIPPED],
  ['data', skip, WRITING, SKIPPED],
  ['data', cancel, INITIALIZED, CANCELLED],
  ['data', cancel, WRITING, CANCELLED],
  ['data', expire, COMPLETED, EXPIRED],
  ['app', complete, INITIALIZED, COMPLETED],
  ['app', fail, INITIALIZED, ERROR],
  ['app', skip, INITIALIZED, SKIPPED],
  ['app', cancel, INITIALIZED, CANCELLED],
];

/** Every legal move of an app's execution status. */
export const EXEC_MOVES: readonly (readonly [ExecAction, AppState, AppState])[] = [
  [ExecAction.run, AppState.NOT_RUN, AppState.RUNNING],
  [ExecAction.finish, AppState.RUNNING, AppState.FINISHED],
  [ExecAction.fail, AppState.NOT_RUN, AppState.ERROR],
  [ExecAction.fail, AppState.RUNNING, AppState.ERROR],
  [ExecAction.skip, AppState.NOT_RUN, AppState.SKIPPED],
  [ExecAction.skip, AppState.RUNNING, AppState.SKIPPED],
  [ExecAction.cancel, AppState.NOT_RUN, AppState.CANCELLED],
  [ExecAction.cancel, AppState.RUNNING, AppState.CANCELLED],
];

/** Whether a data drop in this state tells its consumers its outcome (`dropCompleted`). */
export function announces(s: DropState): boolean {
  return s === COMPLETED || s === ERROR || s === SKIPPED;
}

// The tables flattened for the hot path (10^6 drops move several times each): one byte per
// (kind, action, from), -1 for a refused move.
const dropTable = new Int8Array(2 * ACTION_COUNT * DROP_STATE_COUNT).fill(-1);
for (const [kind, action, from, to] of DROP_MOVES) dropTable[((kind === 'app' ? 1 : 0) * ACTION_COUNT + action) * DROP_STATE_COUNT + from] = to;
const execTable = new Int8Array(EXEC_ACTION_COUNT * EXEC_STATE_COUNT).fill(-1);
for (const [action, from, to] of EXEC_MOVES) execTable[action * EXEC_STATE_COUNT + from] = to;

/** Where `action` takes a drop of `kind` in state `from`, or undefined when the table refuses it. */
export function nextState(kind: DropKind, from: DropState, action: DropAction): DropState | undefined {
  const to = step(kind === 'app', from, action);
  return to < 0 ? undefined : (to as DropState);
}

/** The same as a number, -1 for a refusal: Drop.move's path. */
export function step(isApp: boolean, from: DropState, action: DropAction): number {
  return dropTable[((isApp ? 1 : 0) * ACTION_COUNT + action) * DROP_STATE_COUNT + from]!;
}

/** Where `action` takes an app's execution status `from`, or undefined when refused. */
export function nextExecState(from: AppState, action: ExecAction): AppState | undefined {
  const to = execTable[action * EXEC_STATE_COUNT + from]!;
  return to < 0 ? undefined : (to as AppState);
}

// Which states a sequence of legal moves leads to, from each state (a proxy mirrors its remote
// drop, which may have made several moves between two reports: NOT_RUN → RUNNING → FINISHED).
function closure(count: number, moves: Iterable<readonly [number, number]>): Uint8Array {
  const reach = new Uint8Array(count * count);
  for (const [from, to] of moves) reach[from * count + to] = 1;
  for (let k = 0; k < count; k++)
    for (let i = 0; i < count; i++) if (reach[i * count + k]) for (let j = 0; j < count; j++) if (reach[k * count + j]) reach[i * count + j] = 1;
  return reach;
}
const dataReach = closure(DROP_STATE_COUNT, DROP_MOVES.filter((m) => m[0] === 'data').map((m) => [m[2], m[3]] as const));
const appReach = closure(DROP_STATE_COUNT, DROP_MOVES.filter((m) => m[0] === 'app').map((m) => [m[2], m[3]] as const));
const execReach = closure(EXEC_STATE_COUNT, EXEC_MOVES.map((m) => [m[1], m[2]] as const));

/** Whether legal moves (one or more) lead a drop of `kind` from `from` to `to`. */
export function reaches(kind: DropKind, from: DropState, to: DropState): boolean {
  return (kind === 'app' ? appReach : dataReach)[from * DROP_STATE_COUNT + to] === 1;
}

/** The same for an app's execution status. */
export function execReaches(from: AppState, to: AppState): boolean {
  return execReach[from * EXEC_STATE_COUNT + to] === 1;
}
