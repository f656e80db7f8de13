// An appended graph written to the session directory as its bytes arrive, so that a composite
// manager need not hold a 10^6-drop body in memory to keep a copy (past sessions are found by
// it). Written under a temporary name and renamed once the graph is accepted; removed when it
// is refused. The copy is a convenience: a failure to write it never fails the append.

import { type WriteStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';

let serial = 0;

export class GraphDump {
  private stream: WriteStream | undefined;
  private failed = false;
  private readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, `.append-${process.pid}-${++serial}.partial`);
  }

  write(chunk: Buffer): void {
    if (this.failed) return;
    if (this.stream === undefined) {
      try {
        mkdirSync(this.dir, { recursive: true });
      } catch {
        this.failed = true;
        return;
      }
      this.stream = createWriteStream(this.path);
      this.stream.on('error', () => (this.failed = true));
    }
    this.stream.write(chunk);
  }

  /** The graph was accepted: the copy takes its name once written. */
  async keep(path: string): Promise<void> {
    const st = this.stream;
    if (st === undefined) return;
    await new Promise<void>((resolve) => st.end(resolve));
    this.stream = undefined;
    if (!this.failed) await rename(this.path, path).catch(() => {});
    rmSync(this.path, { force: true });
  }

  /** The graph was refused: no copy. */
  discard(): void {
    const st = this.stream;
    this.stream = undefined;
    if (st === undefined) return;
    // Removed once closed: the file may be opened after this call.
    st.once('close', () => rmSync(this.path, { force: true }));
    st.destroy();
  }
}
