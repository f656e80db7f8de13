// The node's app scheduler: one per node manager, shared by its sessions, so --max-workers
// bounds the apps running at once across the node. Apps whose inputs are all in wait in
// `deciding`; the decision (run, fail, skip) is made here rather than in the input's
// completion call, so cascades through long chains are loops, not recursion. Synchronous
// apps run inline and free their slot at once; asynchronous ones hold it until they settle.

import { Queue } from '../util/queue.ts';
import type { AppDrop } from '../drops/app.ts';
import { messageOf } from '../errors.ts';

/** Give the event loop (HTTP, timers, child processes) a turn this often while draining. */
const SLICE_MS = 20;

export class Scheduler {
  private readonly deciding = new Queue<AppDrop>();
  private readonly runnable = new Queue<AppDrop>();
  private running = 0;
  private wakePending = false;

  constructor(readonly maxWorkers: number) {
    if (!(maxWorkers >= 1)) throw new RangeError(`max workers must be at least 1, not ${maxWorkers}`);
  }

  /** Apps currently executing (holding a worker slot). */
  get busy(): number {
    return this.running;
  }

  /** Apps waiting for a decision or for a worker. */
  get queued(): number {
    return this.deciding.length + this.runnable.length;
  }

  decide(app: AppDrop): void {
    this.deciding.push(app);
    this.wake();
  }

  run(app: AppDrop): void {
    this.runnable.push(app);
    this.wake();
  }

  private wake(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.wakePending = false;
    const deadline = performance.now() + SLICE_MS;
    let n = 0;
    for (;;) {
      let app = this.deciding.shift();
      if (app !== undefined) {
        try {
          if (app.decide()) this.runnable.push(app);
        } catch (err) {
          app.fail(`internal error while deciding: ${messageOf(err)}`);
        }
      } else if (this.running < this.maxWorkers && (app = this.runnable.shift()) !== undefined) {
        this.start(app);
      } else {
        return;
      }
      if ((++n & 255) === 0 && performance.now() > deadline) {
        this.wake();
        return;
      }
    }
  };

  private start(app: AppDrop): void {
    this.running++;
    let pending: void | Promise<void> = undefined;
    try {
      pending = app.execute();
    } catch (err) {
      app.fail(`internal error while running: ${messageOf(err)}`);
    }
    if (pending) pending.then(this.release, this.releaseAfterBug(app));
    else this.running--;
  }

  private readonly release = (): void => {
    this.running--;
    this.wake();
  };

  private releaseAfterBug(app: AppDrop) {
    return (err: unknown): void => {
      app.fail(`internal error while running: ${messageOf(err)}`);
      this.release();
    };
  }
}
