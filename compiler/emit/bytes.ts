// A chunked byte writer. Static template text is encoded to bytes once and copied per drop;
// only the short per-instance strings are encoded on the way. This is what makes emission
// run near memory speed: encoding 6 GB of repeated template strings costs ten times more.

const CHUNK = 1 << 20;

/**
 * Chunk buffers handed back after use. Reusing them avoids faulting in fresh memory for every
 * MiB of output. A consumer that writes asynchronously owns each chunk until its write is
 * done and then releases it here.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  get(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK);
  }

  release(chunk: Uint8Array): void {
    if (chunk.byteOffset === 0 && chunk.buffer.byteLength === CHUNK) this.free.push(Buffer.from(chunk.buffer, 0, CHUNK));
  }
}

export class ByteChunks {
  private buf: Buffer;
  private pos = 0;
  /** full chunks ready to be taken by the consumer */
  readonly ready: Buffer[] = [];

  /**
   * With an external pool the consumer releases each chunk itself (asynchronous writers);
   * without one, a chunk is reused as soon as the consumer pulls the next.
   */
  constructor(private readonly pool: ChunkPool = new ChunkPool(), private readonly consumerReleases = false) {
    this.buf = pool.get();
  }

  /** Appends a string (UTF-8). */
  str(s: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    if (this.pos + s.length * 3 > this.buf.length) {
      if (s.length * 3 > CHUNK) {
        this.bytes(Buffer.from(s, 'utf8'));
        return;
      }
      this.flush();
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Appends pre-encoded bytes. */
  bytes(b: Uint8Array): void {
    let off = 0;
    while (off < b.length) {
      if (this.pos === this.buf.length) this.flush();
      const n = Math.min(b.length - off, this.buf.length - this.pos);
      this.buf.set(n === b.length ? b : b.subarray(off, off + n), this.pos);
      this.pos += n;
      off += n;
    }
  }

  /** Moves the current buffer to `ready` and starts a new one. */
  flush(): void {
    if (this.pos === 0) return;
    this.ready.push(this.buf.subarray(0, this.pos));
    this.buf = this.pool.get();
    this.pos = 0;
  }

  /**
   * Yields the ready chunks. Without an external pool each is valid only until the generator
   * resumes, after which its memory is reused: consumers finish with a chunk before pulling on.
   */
  *drain(): Generator<Buffer> {
    for (const c of this.take()) {
      yield c;
      if (!this.consumerReleases) this.pool.release(c);
    }
  }

  /** True when at least one full chunk waits. */
  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  take(): Buffer[] {
    return this.ready.splice(0, this.ready.length);
  }
}
