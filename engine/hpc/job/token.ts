// The job's bearer token. Its managers listen on the nodes' network addresses, where other
// users of the cluster can reach them, and a graph is code: every manager of a job requires
// the token, handed down in the environment (DLG_TOKEN, which srun passes to its tasks and
// which, unlike arguments, other users cannot read from ps). A token the user set is kept.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagerClient } from '../../client/client.ts';

export const TOKEN_FILE = 'token';

/** Sets DLG_TOKEN (unless set) for this process and its children; keeps a copy, readable by the user only, in the job directory. */
export function ensureJobToken(jobDir: string): string {
  const token = process.env.DLG_TOKEN || randomBytes(24).toString('base64url');
  process.env.DLG_TOKEN = token;
  writeFileSync(join(jobDir, TOKEN_FILE), `${token}\n`, { mode: 0o600 });
  return token;
}

/** A client of one of the job's managers. */
export function jobClient(url: string, timeoutMs: number): ManagerClient {
  return new ManagerClient(url, { timeoutMs, token: process.env.DLG_TOKEN });
}

/** Headers for a raw fetch to one of the job's managers. */
export function authHeaders(): Record<string, string> {
  return process.env.DLG_TOKEN ? { authorization: `Bearer ${process.env.DLG_TOKEN}` } : {};
}
