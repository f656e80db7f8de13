// One child's part of a graph arriving in batches, as the pieces of a JSON array handed to the
// HTTP request that uploads it (ManagerClient.appendPieces) while later batches are still
// being parsed. The producer waits when a child reads slower than the graph is split, so at
// most about `highWater` bytes wait per child.

export class PartStream implements AsyncIterable<string> {
  private readonly queue: string[] = [];
  private queued = 0;
  private ended = false;
  private failure: Error | undefined;
  /** The request stopped reading (it failed or got its answer): pieces are dropped. */
  private closed = false;
  private pieces = 0;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  constructor(private readonly highWater = 4 << 20) {}

  /** Adds elements given as their JSON text without the brackets ("a,b,c"). */
  push(elements: string): void {
    if (this.closed || elements === '') return;
    const piece = (this.pieces++ === 0 ? '[' : ',') + elements;
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
    if (this.pieces === 0) this.queue.push('[');
    this.queue.push(']');
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

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
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
