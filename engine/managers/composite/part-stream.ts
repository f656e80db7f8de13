// One child's part of a graph arriving in batches, as the pieces of a JSON array handed to the
// HTTP request that uploads it (ManagerClient.appendPieces) while later batches are still
// being parsed. Pieces are the appended body's own bytes (runs of elements), not re-printed. The producer waits when a child reads slower than the graph is split, so at
// most about `highWater` bytes wait per child.

const OPEN = 0x5b;
const COMMA = 0x2c;
const EMPTY = Buffer.from('[]');
const CLOSE = Buffer.from(']');

export class PartStream implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: Error | undefined;
  /** The request stopped reading (it failed or got its answer): pieces are dropped. */
  private closed = false;
  private pieces = 0;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  constructor(private readonly highWater = 4 << 20) {}

  /**
   * Adds elements given as their JSON text, "?a,b,c": the first byte is a placeholder, set
   * here to the "[" or "," that goes before them (so a run of the body's bytes is sent as is).
   */
  push(piece: Buffer): void {
    if (this.closed || piece.length < 2) return;
    piece[0] = this.pieces++ === 0 ? OPEN : COMMA;
    this.queue.push(piece);
    this.queued += piece.length;
    this.wake();
  }

  /** Resolves once the queue is below the high-water mark (or nobody reads any more). */
  async drained(): Promise<void> {
    while (!this.closed && this.queued > this.highWater) await new Promise<void>((r) => (this.wakeWriter = r));
  }

  /** The array is complete. */
  end(): void {
    this.queue.push(this.pieces === 0 ? EMPTY : CLOSE);
    this.ended = true;
    this.wake();
  }

  /** The graph was refused: the request is aborted, so the child keeps nothing of it. */
  abort(err: Error): void {
    this.failure = err;
    this.wake();
  }

  private wake(): void {
    const r = this.wakeReader;
    this.wakeReader = undefined;
    r?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        if (this.failure) throw this.failure;
        const piece = this.queue.shift();
        if (piece !== undefined) {
          this.queued -= piece.length;
          if (this.queued <= this.highWater) {
            const w = this.wakeWriter;
            this.wakeWriter = undefined;
            w?.();
          }
          yield piece;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((r) => (this.wakeReader = r));
      }
    } finally {
      this.closed = true;
      this.queue.length = 0;
      this.queued = 0;
      const w = this.wakeWriter;
      this.wakeWriter = undefined;
      w?.();
    }
  }
}
