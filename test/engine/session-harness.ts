// Running graphs in process (no HTTP) for drop-level tests.

import type { ExecutionContext } from 'ava';
import { NodeManager } from '../../engine/managers/node/node-manager.ts';
import type { Session } from '../../engine/session/session.ts';
import { AppDrop } from '../../engine/drops/app.ts';
import { tempRoot } from './helpers.ts';

export function nodeManager(t: ExecutionContext, maxWorkers = 2, dataDirs: string[] = []): NodeManager {
  const nm = new NodeManager({ dlgRoot: tempRoot(t), maxWorkers, dataDirs });
  t.teardown(() => nm.shutdown());
  return nm;
}

let counter = 0;

/** A deployed session; `completed` defaults to every root. */
export function deploy(nm: NodeManager, pg: unknown[], completed: string[] | 'roots' = 'roots'): Session {
  const s = nm.openSession(`s${++counter}`);
  s.addGraphSpec(pg);
  s.deploy(completed);
  return s;
}

export async function run(nm: NodeManager, pg: unknown[]): Promise<{ session: Session; status: number }> {
  const session = deploy(nm, pg);
  return { session, status: await session.whenFinished() };
}

export function statusOf(s: Session, oid: string): number {
  return s.getDrop(oid)!.status;
}

export function execStatusOf(s: Session, oid: string): number {
  const d = s.getDrop(oid);
  if (!(d instanceof AppDrop)) throw new Error(`${oid} is not an app`);
  return d.execStatus;
}

export const app = (oid: string, dropclass: string, extra: Record<string, unknown> = {}) => ({
  oid,
  categoryType: 'Application',
  dropclass: dropclass.includes('.') ? dropclass : `dlg.apps.simple.${dropclass}`,
  ...extra,
});

export const mem = (oid: string, extra: Record<string, unknown> = {}) => ({ oid, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', ...extra });
export const file = (oid: string, filepath: string, extra: Record<string, unknown> = {}) => ({ oid, categoryType: 'Data', dropclass: 'dlg.data.drops.file.FileDROP', filepath, ...extra });
export const bash = (oid: string, command: string, extra: Record<string, unknown> = {}) => app(oid, 'dlg.apps.bash_shell_app.BashShellApp', { command, ...extra });
