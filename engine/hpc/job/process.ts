// Child processes of the job driver: commands run to their end with their messages in a log
// file of the job directory, and long-lived srun steps that are stopped at the end.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface Finished {
  code: number;
  stdout: string;
}

/** Runs to the end; stderr goes to `logFile` (appended) and to `onStderr`, stdout is returned. */
export function runToEnd(cmd: string, args: readonly string[], logFile: string, onStderr?: (text: string) => void): Promise<Finished> {
  return new Promise((resolve) => {
    const log = openSync(logFile, 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', onStderr ? 'pipe' : log] });
    let stdout = '';
    child.stdout!.on('data', (b) => (stdout += b));
    if (onStderr) {
      child.stderr!.on('data', (b: Buffer) => {
        try {
          writeSync(log, b);
        } catch {
          /* a log that cannot be written does not stop the job */
        }
        onStderr(b.toString());
      });
    }
    const end = (code: number) => {
      try {
        closeSync(log);
      } catch {
        /* closed already */
      }
      resolve({ code, stdout });
    };
    child.once('error', (err) => {
      onStderr?.(err.message);
      end(127);
    });
    child.once('close', (code, signal) => end(code ?? (signal ? 128 : 1)));
  });
}

/** A long-lived child (an srun step): its exit is observable while the driver goes on. */
export interface Step {
  label: string;
  child: ChildProcess;
  exited: Promise<number>;
  done: boolean;
  code?: number;
}

export function startStep(label: string, cmd: string, args: readonly string[], logFile: string): Step {
  const log = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', log, log] });
  closeSync(log);
  const step: Step = { label, child, exited: Promise.resolve(0), done: false };
  step.exited = new Promise<number>((resolve) => {
    const end = (code: number) => {
      step.done = true;
      step.code = code;
      resolve(code);
    };
    child.once('error', () => end(127));
    child.once('exit', (code, signal) => end(code ?? (signal ? 128 : 1)));
  });
  return step;
}

/** SIGTERM (srun passes it to its tasks), SIGKILL after `graceMs`; resolves when gone. */
export async function stopStep(step: Step, graceMs: number): Promise<void> {
  if (step.done) return;
  step.child.kill('SIGTERM');
  const timer = setTimeout(() => step.child.kill('SIGKILL'), graceMs);
  await step.exited;
  clearTimeout(timer);
}

export function tailOf(file: string, lines = 12): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
