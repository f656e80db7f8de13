// Engine errors carry the DALiuGE exception class name as `type`, because DALiuGE's
// clients rebuild exceptions from the {"type", "args"} error body (reference §7.1).

export class EngineError extends Error {
  constructor(
    readonly type: string,
    readonly httpStatus: number,
    readonly args: unknown[],
  ) {
    super(typeof args[0] === 'string' ? args[0] : `${type}: ${JSON.stringify(args)}`);
    this.name = type;
  }

  toBody(): { type: string; args: unknown[] } {
    return { type: this.type, args: this.args };
  }
}

export const noSession = (sessionId: string) =>
  new EngineError('NoSessionException', 404, [sessionId, `Session '${sessionId}' does not exist`]);

export const sessionExists = (sessionId: string, why = 'it already exists') =>
  new EngineError('SessionAlreadyExistsException', 409, [sessionId, `Session '${sessionId}' cannot be created: ${why}`]);

export const invalidSessionState = (message: string) => new EngineError('InvalidSessionState', 400, [message]);

export const invalidGraph = (message: string, ...details: unknown[]) =>
  new EngineError('InvalidGraphException', 400, [message, ...details]);

export const invalidRelationship = (rel: unknown, reason: string) =>
  new EngineError('InvalidRelationshipException', 409, [rel, reason]);

export const noDrop = (sessionId: string, oid: string) =>
  new EngineError('NoDropException', 404, [oid, `Drop '${oid}' does not exist in session '${sessionId}'`]);

export const forbiddenPath = (oid: string, path: string) =>
  new EngineError('Forbidden', 403, [`Drop ${oid}: ${path} is outside the session directory and the --data-dir directories`]);

export const noData = (oid: string, why: string) => new EngineError('NoData', 404, [`Drop ${oid} ${why}`]);

export const badRequest = (message: string) => new EngineError('BadRequest', 400, [message]);

export const invalidSessionId = (sessionId: string, why: string) =>
  new EngineError('InvalidSessionId', 400, [sessionId, `Invalid session id '${sessionId}': ${why}`]);

export const payloadTooLarge = (limit: number) =>
  new EngineError('PayloadTooLarge', 413, [`Request body exceeds the limit of ${limit} bytes`]);

export const unsupportedMediaType = (message: string) => new EngineError('UnsupportedMediaType', 415, [message]);

export const notImplemented = (message: string) => new EngineError('NotImplementedError', 501, [message]);

/** A drop that failed in a way the user caused (bad command, missing file): no stack trace. */
export class DropFailure extends Error {}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The request is valid but comes too early (a drop not yet complete, a session not yet deployed). */
export const notReady = (message: string) => new EngineError('NotReady', 409, [message]);

/** What was asked for existed but is gone (expired data). */
export const gone = (message: string) => new EngineError('Gone', 410, [message]);

/** What a sub-manager answered (or why it could not be reached), as a 555 body lists it. */
export interface SubError {
  type: string;
  args: unknown;
}

/**
 * A call replicated on sub-managers failed on some (reference §7.1): 555 with
 * `args = {"<host>": {"type", "args"}, …}`. The reference sends `"args": "dummy"`; the real
 * arguments are sent here, which is what DALiuGE's client (`subetype(*subargs)`) expects.
 */
export class SubManagerError extends EngineError {
  constructor(
    message: string,
    readonly perHost: Record<string, SubError>,
  ) {
    super('SubManagerException', 555, [message]);
  }

  override toBody(): { type: string; args: unknown[] } {
    return { type: this.type, args: this.perHost as unknown as unknown[] };
  }
}

/** A sub-manager could not be reached for a single forwarded call (reference §7.1). */
export const restClientError = (message: string) => new EngineError('RestClientException', 556, [message]);

/** Any other DALiuGE failure of a composite manager: 555. */
export const daliugeError = (message: string) => new EngineError('DaliugeException', 555, [message]);
