// Running a graph with no server: the same session code as the node manager, called in
// process. This is what `dlg-deploy graph.json` does without --url.

import { NodeManager } from '../managers/node/node-manager.ts';
import type { StatusSummary } from '../session/session.ts';
import { SessionState } from '../states.ts';
import { defaultSessionId, type Progress } from './deploy.ts';
import type { PythonOptions } from '../drops/apps/python/pool.ts';

export interface EmbeddedOptions {
  dlgRoot?: string;
  maxWorkers?: number;
  /** Python workers for the graph's Python apps. */
  python?: PythonOptions;
  sessionId?: string;
  /** Directories outside the session directory that FileDROPs may name. */
  dataDirs?: string[];
  /** Seconds after which a bash command is ended (its app fails) unless it sets its own timeout. */
  appTimeout?: number;
  /** Called with the drop counts every progressIntervalMs while running, and once at the end. */
  onProgress?: (p: Progress) => void;
  progressIntervalMs?: number;
  /** Called once the session exists, e.g. to cancel it on SIGINT. */
  onStarted?: (cancel: () => void) => void;
}

export interface EmbeddedResult {
  sessionId: string;
  sessionDir: string;
  status: number;
  summary: StatusSummary;
  /** Time spent creating and wiring the drops, and running them, in ms. */
  deployMs: number;
  runMs: number;
}

export async function runEmbedded(pg: unknown, opts: EmbeddedOptions = {}): Promise<EmbeddedResult> {
  const nm = new NodeManager({ dlgRoot: opts.dlgRoot, maxWorkers: opts.maxWorkers, dataDirs: opts.dataDirs, appTimeout: opts.appTimeout, python: opts.python });
  const sessionId = opts.sessionId ?? defaultSessionId();
  const session = nm.openSession(sessionId);
  let timer: NodeJS.Timeout | undefined;
  try {
    const t0 = performance.now();
    await session.appendGraph(pg);
    session.deploy('roots');
    const t1 = performance.now();
    opts.onStarted?.(() => {
      if (session.status === SessionState.RUNNING) session.cancel();
    });
    const report = opts.onProgress;
    if (report) timer = setInterval(() => report(session.summary()), opts.progressIntervalMs ?? 200);
    const status = await session.whenFinished();
    const t2 = performance.now();
    report?.(session.summary());
    return { sessionId, sessionDir: session.sessionDir, status, summary: session.summary(), deployMs: t1 - t0, runMs: t2 - t1 };
  } finally {
    clearInterval(timer);
    await nm.shutdown();
  }
}
