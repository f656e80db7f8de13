// Talking to sub-managers: one REST client per child, calls replicated on several children in
// parallel, and the reference's mapping of their failures (§7.1): a replicated call that fails
// anywhere is a 555 SubManagerException listing each failing host; a single forwarded call
// passes the child's error through, or is a 556 RestClientException when the child is unreachable.

import { type ClientOptions, ConnectionError, ManagerClient, ManagerError } from '../../client/client.ts';
import { EngineError, SubManagerError, messageOf, restClientError, type SubError } from '../../errors.ts';
import type { ManagerAddress } from '../address.ts';
import { ChildLost } from './detector.ts';

export interface Child {
  address: ManagerAddress;
  /** For anything: graph uploads and deploys of 10^6 drops take minutes. */
  client: ManagerClient;
  /** For status and progress queries and cancels, which must not wait on a child that hangs. */
  quick: ManagerClient;
}

export type Observer = NonNullable<ClientOptions['observer']>;

export function makeChild(address: ManagerAddress, token: string | undefined, observer?: Observer, quickMs = 10_000): Child {
  return { address, client: new ManagerClient(address.url, { token, observer }), quick: new ManagerClient(address.url, { token, observer, timeoutMs: quickMs }) };
}

/** How a child's failure is reported inside a 555 body. */
export function subError(err: unknown): SubError {
  if (err instanceof ManagerError) return { type: err.type, args: err.args };
  if (err instanceof ConnectionError) return { type: 'RestClientException', args: [err.message] };
  if (err instanceof EngineError) return { type: err.type, args: err.args };
  return { type: err instanceof Error ? err.name : 'Error', args: [messageOf(err)] };
}

export function isUnreachable(err: unknown): boolean {
  return err instanceof ConnectionError || err instanceof ChildLost;
}

/**
 * Runs `f` on every child at once. All succeed: their results by child address. Otherwise a
 * 555 naming each failed child, unless `tolerate` accepts the failure (then it is left out).
 */
export async function replicate<T>(
  children: readonly Child[],
  action: string,
  f: (c: Child) => Promise<T>,
  tolerate?: (c: Child, err: unknown) => T | undefined,
): Promise<Map<string, T>> {
  const settled = await Promise.allSettled(children.map((c) => f(c)));
  const out = new Map<string, T>();
  const failed: Record<string, SubError> = {};
  let nFailed = 0;
  settled.forEach((r, i) => {
    const c = children[i]!;
    if (r.status === 'fulfilled') {
      out.set(c.address.text, r.value);
      return;
    }
    const replacement = tolerate?.(c, r.reason);
    if (replacement !== undefined) {
      out.set(c.address.text, replacement);
      return;
    }
    failed[c.address.text] = subError(r.reason);
    nFailed++;
  });
  if (nFailed > 0) {
    const detail = Object.entries(failed)
      .map(([h, e]) => `${h}: ${e.type}${Array.isArray(e.args) && typeof e.args[0] === 'string' ? ` (${e.args[0]})` : ''}`)
      .join('; ');
    throw new SubManagerError(`Error(s) occurred while ${action}: ${detail}`, failed);
  }
  return out;
}

/** One forwarded call: the child's own error passes through; unreachable is 556. */
export async function forward<T>(c: Child, f: (client: ManagerClient) => Promise<T>): Promise<T> {
  try {
    return await f(c.client);
  } catch (err) {
    if (err instanceof ManagerError) throw new EngineError(err.type, err.httpStatus, err.args);
    if (err instanceof ConnectionError) throw restClientError(err.message);
    throw err;
  }
}
