// Output sinks. A file is written under a temporary name beside the target and renamed only
// when the whole document was written, so a failed or interrupted run never leaves a
// half-written graph, nor its (possibly many-GB) temporary file.

import { unlinkSync } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ChunkPool } from './bytes.ts';

export type Chunk = string | Uint8Array;
/** Makes the output's chunks; byte chunks taken from `pool` are released by the sink once written. */
export type ChunkSource = Iterable<Chunk> | ((pool: ChunkPool) => Iterable<Chunk>);

const IN_FLIGHT = 2;

// Temporary files being written. SIGINT, SIGTERM and SIGHUP remove them and then end the
// process as the signal would have; so does any exit that skips the normal cleanup.
const temporaries = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function removeTemporaries(): void {
  for (const p of temporaries) {
    try {
      unlinkSync(p);
    } catch {
      /* already gone */
    }
  }
  temporaries.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeTemporaries();
  unguard();
  process.kill(process.pid, signal); // the default action now: the exit status tells the signal
}

function guard(tmp: string): void {
  if (temporaries.size === 0) {
    for (const s of SIGNALS) process.on(s, onSignal);
    process.on('exit', removeTemporaries);
  }
  temporaries.add(tmp);
}

function unguard(tmp?: string): void {
  if (tmp !== undefined) temporaries.delete(tmp);
  if (temporaries.size > 0) return;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', removeTemporaries);
}

/** Writes all of buf at `position`, or at the current offset when position is null (pipes). */
async function writeAt(fh: FileHandle, buf: Uint8Array, position: number | null): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position === null ? null : position + off);
    off += bytesWritten;
  }
}

/**
 * Writes all chunks to `path` atomically; returns the number of bytes written. Writes run on
 * libuv's threads while the next chunks are made, so a disk that throttles write-back stalls
 * the writer threads rather than the JSON generation. No fsync: the rename already
 * guarantees readers never see a partial file.
 */
export async function writeFileAtomic(path: string, source: ChunkSource): Promise<number> {
  // A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place: renaming a
  // temporary file over it would replace the device node.
  const existing = await stat(path).catch(() => undefined);
  const direct = existing !== undefined && !existing.isFile();
  const tmp = direct ? path : join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  if (!direct) guard(tmp);
  let fh: FileHandle;
  try {
    fh = await open(tmp, 'w');
  } catch (e) {
    if (!direct) unguard(tmp);
    throw e;
  }
  const pool = new ChunkPool();
  const chunks = typeof source === 'function' ? source(pool) : source;
  let position = 0;
  let failure: unknown;
  const inflight: Promise<void>[] = [];
  try {
    for (const c of chunks) {
      if (failure) break;
      const buf = typeof c === 'string' ? Buffer.from(c) : c;
      const at = position;
      position += buf.length;
      inflight.push(
        writeAt(fh, buf, direct ? null : at).then(
          () => pool.release(buf),
          (e) => void (failure ??= e),
        ),
      );
      // Sequential targets (devices, pipes) take one write at a time, in order.
      if (inflight.length >= (direct ? 1 : IN_FLIGHT)) await inflight.shift();
    }
    await Promise.all(inflight);
    if (failure) throw failure;
    await fh.close();
    if (!direct) await rename(tmp, path);
    return position;
  } catch (e) {
    await Promise.allSettled(inflight);
    await fh.close().catch(() => undefined);
    if (!direct) await unlink(tmp).catch(() => undefined);
    throw e;
  } finally {
    if (!direct) unguard(tmp);
  }
}

/**
 * Writes all chunks to stdout. Each write completes before the next chunk is pulled, so
 * producers may reuse a chunk's memory once the next one is requested.
 */
export async function writeStdout(source: ChunkSource): Promise<number> {
  const pool = new ChunkPool();
  const chunks = typeof source === 'function' ? source(pool) : source;
  let bytes = 0;
  for (const c of chunks) {
    bytes += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(c, (err) => (err ? reject(err) : resolve()));
    });
    if (typeof c !== 'string') pool.release(c);
  }
  return bytes;
}

/** To a path, or to stdout when the path is undefined or '-'. */
export async function writeOutput(path: string | undefined, source: ChunkSource): Promise<number> {
  if (path === undefined || path === '-') return writeStdout(source);
  return writeFileAtomic(path, source);
}
