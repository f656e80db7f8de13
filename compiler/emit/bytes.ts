// A chunked byte writer. Static template text is encoded to bytes once and copied per drop;
// only the short per-instance strings are encoded on the way. This is what makes emission
// run near memory speed: encoding 6 GB of repeated template strings costs ten times more.

const CHUNK = 1 << 20;

export class ByteChunks {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  /** full chunks ready to be taken by the consumer */
  readonly ready: Buffer[] = [];
  /** buffers handed back by the consumer; reusing them avoids faulting in fresh memory per MiB */
  private readonly free: Buffer[] = [];

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
    this.buf = this.free.pop() ?? Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
  }

  /** Hands a taken chunk back once the consumer is done with it. */
  recycle(chunk: Buffer): void {
    if (chunk.byteOffset === 0 && chunk.buffer.byteLength === CHUNK) {
      this.free.push(Buffer.from(chunk.buffer, 0, CHUNK));
    }
  }

  /**
   * Yields the ready chunks; each is valid only until the generator resumes, after which
   * its memory is reused. Consumers must finish with a chunk (write it) before pulling on.
   */
  *drain(): Generator<Buffer> {
    for (const c of this.take()) {
      yield c;
      this.recycle(c);
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
