// The integer enumerations that travel on the wire (reference §7.3). The numbers are the
// contract with DALiuGE's clients and managers: never renumber.

export const DropState = {
  INITIALIZED: 0,
  WRITING: 1,
  COMPLETED: 2,
  ERROR: 3,
  EXPIRED: 4,
  DELETED: 5,
  CANCELLED: 6,
  SKIPPED: 7,
} as const;
export type DropState = (typeof DropState)[keyof typeof DropState];
export const DROP_STATE_COUNT = 8;

export const AppState = {
  NOT_RUN: 0,
  RUNNING: 1,
  FINISHED: 2,
  ERROR: 3,
  CANCELLED: 4,
  SKIPPED: 5,
} as const;
export type AppState = (typeof AppState)[keyof typeof AppState];

export const SessionState = {
  PRISTINE: 0,
  BUILDING: 1,
  DEPLOYING: 2,
  RUNNING: 3,
  FINISHED: 4,
  CANCELLED: 5,
  FAILED: 6,
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** "lhs is <rel> of rhs" (graph/link and subscriptions). */
export const LinkType = {
  CONSUMER: 0,
  STREAMING_CONSUMER: 1,
  PRODUCER: 2,
  PARENT: 3,
  CHILD: 4,
  INPUT: 5,
  STREAMING_INPUT: 6,
  OUTPUT: 7,
} as const;
export type LinkType = (typeof LinkType)[keyof typeof LinkType];

export const ExecutionMode = { DROP: 0, EXTERNAL: 1 } as const;

/** A number that is a drop state (as read from the wire). */
export function isDropState(s: unknown): s is DropState {
  return typeof s === 'number' && Number.isInteger(s) && s >= 0 && s < DROP_STATE_COUNT;
}

export const APP_STATE_COUNT = 6;

/** A number that is an app's execution state. */
export function isAppState(s: unknown): s is AppState {
  return typeof s === 'number' && Number.isInteger(s) && s >= 0 && s < APP_STATE_COUNT;
}

/** FINISHED, CANCELLED or FAILED: nothing will change any more. */
export function isFinalSessionState(s: number): boolean {
  return s === SessionState.FINISHED || s === SessionState.CANCELLED || s === SessionState.FAILED;
}

export function sessionStateName(s: number): string {
  for (const [k, v] of Object.entries(SessionState)) if (v === s) return k;
  return String(s);
}

export function dropStateName(s: number): string {
  for (const [k, v] of Object.entries(DropState)) if (v === s) return k;
  return String(s);
}
