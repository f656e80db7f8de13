// Frames between the engine and a Python worker: u32 total | u32 header length | JSON header
// | blobs, little endian; `total` counts what follows it and header.blobs lists the blob
// lengths. Bulk data is a blob or a file named in the header, never text inside the JSON.

export interface Frame {
  header: Record<string, unknown>;
  blobs: Buffer[];
}

/** The buffers of one frame, ready for a vectored write. */
export function encodeFrame(header: Record<string, unknown>, blobs: readonly Buffer[] = []): Buffer[] {
  if (blobs.length > 0) header.blobs = blobs.map((b) => b.length);
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  let total = 4 + h.length;
  for (const b of blobs) total += b.length;
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32LE(total, 0);
  prefix.writeUInt32LE(h.length, 4);
  return [prefix, h, ...blobs];
}

/** Reassembles frames from stream chunks; a frame's blobs are views into one buffer. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer, onFrame: (f: Frame) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const head = this.peek(4);
      const total = head.readUInt32LE(0);
      if (this.buffered < 4 + total) return;
      const body = this.take(4 + total).subarray(4);
      const hlen = body.readUInt32LE(0);
      const header = JSON.parse(body.toString('utf8', 4, 4 + hlen)) as Record<string, unknown>;
      const blobs: Buffer[] = [];
      let pos = 4 + hlen;
      const lens = Array.isArray(header.blobs) ? (header.blobs as number[]) : [];
      for (const n of lens) {
        blobs.push(body.subarray(pos, pos + n));
        pos += n;
      }
      onFrame({ header, blobs });
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all;
  }

  private take(n: number): Buffer {
    let first = this.chunks[0]!;
    if (first.length < n) {
      first = Buffer.concat(this.chunks);
      this.chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}
