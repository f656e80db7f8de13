// Output sinks. A file is written under a temporary name beside the target and renamed only
// when the whole document was written, so a failed run never leaves a half-written graph.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes all chunks to `path` atomically; returns the number of bytes written. */
export function writeFileAtomic(path: string, chunks: Iterable<string>): number {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    for (const c of chunks) bytes += writeSync(fd, c);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    return bytes;
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw e;
  }
}

/** Writes all chunks to stdout, waiting for the pipe to drain between chunks. */
export async function writeStdout(chunks: Iterable<string>): Promise<number> {
  let bytes = 0;
  for (const c of chunks) {
    bytes += Buffer.byteLength(c);
    if (!process.stdout.write(c)) {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          process.stdout.off('drain', ok);
          process.stdout.off('error', done);
          if (err) reject(err);
          else resolve();
        };
        const ok = () => done();
        process.stdout.once('drain', ok);
        process.stdout.once('error', done);
      });
    }
  }
  return bytes;
}

/** To a path, or to stdout when the path is undefined or '-'. */
export async function writeOutput(path: string | undefined, chunks: Iterable<string>): Promise<number> {
  if (path === undefined || path === '-') return writeStdout(chunks);
  return writeFileAtomic(path, chunks);
}
