// Output sinks. A file is written under a temporary name beside the target and renamed only
// when the whole document was written, so a failed run never leaves a half-written graph.

import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes all chunks to `path` atomically; returns the number of bytes written. */
export function writeFileAtomic(path: string, chunks: Iterable<string | Uint8Array>): number {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    for (const c of chunks) bytes += typeof c === 'string' ? writeSync(fd, c) : writeSync(fd, c);
    // No fsync: the rename already guarantees readers never see a partial file; forcing
    // gigabytes to disk would cost more than the whole translation.

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

/**
 * Writes all chunks to stdout. Each write completes before the next chunk is pulled,
 * because producers reuse a chunk's memory once the next one is requested.
 */
export async function writeStdout(chunks: Iterable<string | Uint8Array>): Promise<number> {
  let bytes = 0;
  for (const c of chunks) {
    bytes += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(c, (err) => (err ? reject(err) : resolve()));
    });
  }
  return bytes;
}

/** To a path, or to stdout when the path is undefined or '-'. */
export async function writeOutput(path: string | undefined, chunks: Iterable<string | Uint8Array>): Promise<number> {
  if (path === undefined || path === '-') return writeStdout(chunks);
  return writeFileAtomic(path, chunks);
}
