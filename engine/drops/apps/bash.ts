// BashShellApp: `/bin/bash -c <command>` in its own process group, in the session directory,
// with DLG_UID, DLG_SESSION_ID and DLG_ROOT set. Output files named on the command line are
// written by the command itself; the app only keeps its stdout and stderr.

import { spawn, type ChildProcess } from 'node:child_process';
import { AppDrop } from '../app.ts';
import { DropFailure } from '../../errors.ts';
import { buildCommand } from './bash-command.ts';
import { numberParam } from '../spec.ts';

/** Keep at most this much of each stream per drop: a chatty command must not exhaust memory. */
const STREAM_CAP = 256 * 1024;
const KILL_GRACE_MS = 5000;

class Tail {
  private parts: Buffer[] = [];
  private size = 0;
  truncated = false;
  push(b: Buffer): void {
    this.parts.push(b);
    this.size += b.length;
    while (this.size > STREAM_CAP && this.parts.length > 1) {
      this.size -= this.parts.shift()!.length;
      this.truncated = true;
    }
  }
  text(): string {
    const all = Buffer.concat(this.parts);
    const s = all.length > STREAM_CAP ? all.subarray(all.length - STREAM_CAP) : all;
    return (this.truncated ? '[…]' : '') + s.toString('utf8');
  }
}

export class BashShellApp extends AppDrop {
  private child: ChildProcess | null = null;
  /** Set to the limit in seconds when the command was ended for running too long. */
  private timedOut: number | undefined;
  stdout = '';
  stderr = '';
  command = '';

  protected async run(): Promise<void> {
    // Inputs held by other nodes are copied into the session directory first.
    for (const i of this.inputs) await i.materialize();
    const cmd = await buildCommand(this);
    this.command = cmd.command;
    this.log('INFO', `running: ${cmd.display}`, 'run');
    const code = await this.spawnCommand(cmd.command, cmd.env);
    if (this.timedOut !== undefined) throw new DropFailure(`command ran longer than its timeout of ${this.timedOut} s and was ended`);
    if (code !== 0) {
      const tail = this.stderr.trim().split('\n').slice(-5).join('\n');
      throw new DropFailure(`command exited with ${code}${tail ? `: ${tail}` : ''}`);
    }
    for (const o of this.outputs) await o.commitExternalWrite();
  }

  private spawnCommand(cmd: string, values: Record<string, string>): Promise<number | string> {
    const { sessionId, sessionDir, dlgRoot } = this.host;
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/bash', ['-c', cmd], {
        cwd: sessionDir,
        detached: true, // own process group, so cancel can kill everything the command started
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...values, DLG_UID: this.uid, DLG_SESSION_ID: sessionId, DLG_ROOT: dlgRoot },
      });
      this.child = child;
      this.timedOut = undefined;
      const limit = this.timeLimit();
      const timer =
        limit === undefined
          ? undefined
          : setTimeout(() => {
              this.timedOut = limit;
              this.log('ERROR', `command still running after its timeout of ${limit} s: ending its process group`, 'run');
              this.abort();
            }, limit * 1000);
      const out = new Tail();
      const err = new Tail();
      child.stdout!.on('data', (b: Buffer) => out.push(b));
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => {
        clearTimeout(timer);
        this.child = null;
        reject(new DropFailure(`could not start /bin/bash: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.child = null;
        this.stdout = out.text();
        this.stderr = err.text();
        if (this.stdout) this.log('INFO', `stdout: ${this.stdout}`, 'run');
        if (this.stderr) this.log(code === 0 ? 'INFO' : 'ERROR', `stderr: ${this.stderr}`, 'run');
        resolve(code ?? `signal ${signal}`);
      });
    });
  }

  /** The app's `timeout` parameter (seconds), else the node's --app-timeout; undefined: none. */
  private timeLimit(): number | undefined {
    const own = numberParam(this.spec, 'timeout', 0);
    if (own > 0) return own;
    const t = this.host.appTimeout;
    return t !== undefined && t > 0 ? t : undefined;
  }

  protected override abort(): void {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    const pid = child.pid;
    setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* exited after SIGTERM */
      }
    }, KILL_GRACE_MS).unref();
  }
}
