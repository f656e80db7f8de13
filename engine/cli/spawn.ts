// Starting managers as child processes of this one (dlg-engine cluster and daemon): the same
// dlg-engine program with a subcommand, its URL read from the line it prints when listening,
// its later messages passed on with a label. Children watch their stdin: when this process
// goes away, even by SIGKILL, the pipe closes and they stop, so none is left orphaned.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ManagerProcess {
  kind: string;
  label: string;
  child: ChildProcess;
  pid: number;
  url: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/** The argument that makes a child stop when its parent's end of stdin closes. */
export const EXIT_WITH_STDIN = '--exit-with-stdin';

export function spawnManager(kind: string, args: readonly string[], label: string, log: (line: string) => void, env: Record<string, string> = {}): Promise<ManagerProcess> {
  const script = process.argv[1]!;
  const child = spawn(process.execPath, [...process.execArgv, script, kind, ...args, EXIT_WITH_STDIN], {
    stdio: ['pipe', 'inherit', 'pipe'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    const early: string[] = [];
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      if (url === undefined) {
        early.push(line);
        const m = / on (http:\/\/\S+?)(?:\s|$)/.exec(line);
        if (m) {
          url = m[1]!;
          resolve({ kind, label, child, pid: child.pid!, url, exited });
        }
        return;
      }
      log(`[${label}] ${line}`);
    });
    child.once('error', (err) => reject(new Error(`cannot start ${label}: ${err.message}`)));
    void exited.then((code) => {
      if (url === undefined) reject(new Error(`${label} exited (${code}) before listening:\n${early.join('\n')}`));
    });
  });
}

/** Resolves once GET <url>/api answers (any HTTP answer: the server is up). */
export async function waitUntilAnswering(url: string, timeoutMs = 30_000, headers: Record<string, string> = {}): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await fetch(`${url}/api`, { headers, signal: AbortSignal.timeout(2000) });
      return;
    } catch (err) {
      if (Date.now() - start > timeoutMs) throw new Error(`${url} does not answer: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProcess(p: ManagerProcess, graceMs = 10_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** In a child started by spawnManager: stop when the parent's end of stdin closes. */
export function exitWithStdin(stop: (why: string) => void): () => void {
  const gone = () => stop('parent process gone');
  process.stdin.on('data', () => {});
  process.stdin.once('end', gone);
  process.stdin.once('close', gone);
  process.stdin.resume();
  // Once stopped for another reason, stdin must not keep the process alive.
  return () => {
    process.stdin.off('end', gone);
    process.stdin.off('close', gone);
    process.stdin.destroy();
  };
}
