// Files that carry large data between the engine and its Python workers: in shared memory
// (/dev/shm, a tmpfs) when the machine has it, else the system temporary directory. One
// private directory per engine process and one subdirectory per session, removed when the
// session is destroyed or the engine stops, so no data outlives its session.

import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function baseDir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** Scratch directories still open; removed when the process exits, whatever the way out. */
const open = new Set<Scratch>();
let exitHook = false;

export class Scratch {
  private dir: string | null = null;
  private counter = 0;

  /** A fresh path in the session's subdirectory (nothing is created at that path). */
  path(sessionId: string, oid: string): string {
    if (this.dir === null) {
      this.dir = mkdtempSync(join(baseDir(), 'dlg-ts-'));
      open.add(this);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const s of open) s.close();
        });
      }
    }
    const sub = join(this.dir, sessionId.replace(/[^A-Za-z0-9_.-]/g, '_'));
    if (!existsSync(sub)) mkdirSync(sub, { mode: 0o700 });
    return join(sub, `${(++this.counter).toString(36)}-${oid.replace(/[^A-Za-z0-9_.-]/g, '_').slice(-60)}`);
  }

  releaseSession(sessionId: string): void {
    if (this.dir !== null) rmSync(join(this.dir, sessionId.replace(/[^A-Za-z0-9_.-]/g, '_')), { recursive: true, force: true });
  }

  close(): void {
    if (this.dir === null) return;
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    open.delete(this);
  }
}
