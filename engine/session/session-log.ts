// The session log file, dlg_<host>_<sessionId>.log in the session directory (reference §8.7).

import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export class SessionLog {
  readonly path: string;
  private stream: WriteStream | null;

  constructor(dir: string, hostLabel: string, sessionId: string) {
    this.path = join(dir, `dlg_${hostLabel}_${sessionId}.log`);
    this.stream = createWriteStream(this.path, { flags: 'a' });
    // A log that cannot be written must not take the node manager down.
    this.stream.on('error', () => {
      this.stream = null;
    });
  }

  write(level: string, message: string, oid?: string): void {
    const s = this.stream;
    if (!s) return;
    s.write(`${new Date().toISOString()} ${level.padEnd(8)} ${oid ? `[${oid}] ` : ''}${message}\n`);
  }

  /** Resolves once everything written so far is on disk. */
  flush(): Promise<void> {
    const s = this.stream;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.write('', () => resolve()));
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.end(() => resolve()));
  }
}
