// Application drops: input accounting, the decision to run, fail or skip, execution with
// retries, and the notifications that drive the outputs (reference §8.4). The decision and
// the execution are both made by the node's scheduler, never recursively from an input's
// completion, so error and skip cascades through 10^6-long chains use no stack.

import { AppState, DropState } from '../states.ts';
import { messageOf, DropFailure } from '../errors.ts';
import { Drop, NONE, F_BLOCK_SKIP, F_DECIDED, F_LEAF, F_TRIGGERED, type DropHost } from './drop.ts';
import type { DataDrop } from './data.ts';
import { type DropSpec, boolParam, entryOid, entryPort, intParam, numberParam, relationshipList } from './spec.ts';

export abstract class AppDrop extends Drop {
  readonly isApp = true;
  /** Barrier apps (all of DALiuGE's built-ins) reject streaming inputs at wiring time. */
  static readonly acceptsStreaming: boolean = false;

  inputs: DataDrop[] = NONE as unknown as DataDrop[];
  streamingInputs: DataDrop[] = NONE as unknown as DataDrop[];
  outputs: DataDrop[] = NONE as unknown as DataDrop[];
  execStatus: number = AppState.NOT_RUN;
  private tallied = 0;
  private inputErrors = 0;
  private inputsSkipped = 0;
  private readonly nEffective: number;

  constructor(host: DropHost, spec: DropSpec) {
    super(host, spec);
    if (boolParam(spec, 'block_skip', false)) this.flags |= F_BLOCK_SKIP;
    this.nEffective = intParam(spec, 'n_effective_inputs', -1);
  }

  /** The app's work. Synchronous apps return nothing; asynchronous ones a promise. Throw to fail. */
  protected abstract run(): void | Promise<void>;
  /** Stop running work (kill a process, clear a timer). */
  protected abort(): void {}
  /** A reason this app cannot run with the relationships it was given, checked at deploy. */
  wiringProblem(): string | undefined {
    return undefined;
  }

  addInput(d: DataDrop): void {
    if (this.inputs.length === 0) this.inputs = [d];
    else this.inputs.push(d);
  }
  addStreamingInput(d: DataDrop): void {
    if (this.streamingInputs.length === 0) this.streamingInputs = [d];
    else this.streamingInputs.push(d);
  }
  addOutput(d: DataDrop): void {
    if (this.outputs.length === 0) this.outputs = [d];
    else this.outputs.push(d);
  }

  /**
   * n_effective_inputs (−1: all inputs). The reference's barrier apps ignore the parameter;
   * here any app honours it when the graph sets it, since that is what its author asked for.
   */
  get effectiveInputs(): number {
    const n = this.nEffective;
    return n === -1 ? this.inputs.length + this.streamingInputs.length : n;
  }

  /** An input reached COMPLETED, ERROR or SKIPPED. Counts it; when enough are in, queue the decision. */
  inputCompleted(input: DataDrop, state: number): void {
    if (this.flags & F_DECIDED) return;
    if (state === DropState.ERROR) this.inputErrors++;
    else if (state === DropState.SKIPPED) this.inputsSkipped++;
    else if (state !== DropState.COMPLETED) {
      this.log('ERROR', `input ${input.oid} completed in unexpected state ${state}`, 'inputCompleted');
      this.inputErrors++;
    }
    if (++this.tallied >= this.effectiveInputs) {
      this.flags |= F_DECIDED;
      this.host.appReady(this);
    }
  }

  /** A chunk written to a streaming input. Only streaming-capable apps override this. */
  dataWritten(_input: DataDrop, _chunk: Buffer): void {}

  /** Root trigger: run whatever the inputs say. */
  trigger(): void {
    if (this.flags & F_TRIGGERED) return;
    this.flags |= F_TRIGGERED | F_DECIDED;
    this.host.appTriggered(this);
  }

  /**
   * Fail without running, skip, or ask to be run (returns true). The rules of reference §8.4:
   * too many failed inputs fail the app; a skipped input skips it (with block_skip: only all).
   */
  decide(): boolean {
    if (this.status !== DropState.INITIALIZED) return false;
    if (this.execStatus === AppState.ERROR) {
      this.notifyFinished();
      return false;
    }
    const n = this.effectiveInputs;
    if (n > 0) {
      const threshold = numberParam(this.spec, 'input_error_threshold', 0);
      if (Math.floor((100 * this.inputErrors) / n) > threshold) {
        this.log('ERROR', `${this.inputErrors} of ${n} inputs failed (threshold ${threshold}%); not running`, 'decide');
        this.end(false);
        return false;
      }
      const skipped = this.inputsSkipped;
      if ((this.flags & F_BLOCK_SKIP) === 0 ? skipped > 0 : skipped === n) {
        this.skip();
        return false;
      }
    }
    return true;
  }

  /** Called by the scheduler holding a worker slot. A promise means the slot stays taken until it settles. */
  execute(): void | Promise<void> {
    if (this.status !== DropState.INITIALIZED) return;
    this.setExecStatus(AppState.RUNNING);
    return this.attempt(1);
  }

  private attempt(n: number): void | Promise<void> {
    let result: void | Promise<void>;
    try {
      result = this.run();
    } catch (err) {
      return this.attemptFailed(err, n);
    }
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      return (result as Promise<void>).then(
        () => this.succeeded(),
        (err: unknown) => this.attemptFailed(err, n),
      );
    }
    this.succeeded();
  }

  private attemptFailed(err: unknown, n: number): void | Promise<void> {
    if (this.execStatus !== AppState.RUNNING) return; // cancelled or ended meanwhile
    const tries = Math.max(1, intParam(this.spec, 'n_tries', 1));
    const why = err instanceof DropFailure ? err.message : messageOf(err);
    this.log('ERROR', `attempt ${n} of ${tries} failed: ${why}`, 'run');
    if (n < tries) return this.attempt(n + 1);
    this.end(false);
  }

  private succeeded(): void {
    if (this.execStatus !== AppState.RUNNING) return;
    this.end(true);
  }

  /** Fail the app now, whatever it was doing (an engine bug surfaced while deciding or running). */
  fail(reason: string): void {
    if (this.status !== DropState.INITIALIZED) return;
    this.log('ERROR', reason);
    if (this.execStatus === AppState.RUNNING) this.abort();
    this.end(false);
  }

  /** Final state after running (or failing without running), then tell the outputs. */
  private end(ok: boolean): void {
    this.setExecStatus(ok ? AppState.FINISHED : AppState.ERROR);
    this.setStatus(ok ? DropState.COMPLETED : DropState.ERROR);
    this.notifyFinished();
    this.releaseInputs();
  }

  /** The `producerFinished` event: outputs complete (or fail, or skip) and leaves report. */
  protected notifyFinished(): void {
    const s = this.status;
    for (const o of this.outputs) o.producerFinished(this, s);
    if (this.host.listening) this.host.emit(this.event('producerFinished', s, this.execStatus));
    if (this.flags & F_LEAF) this.host.leafDone(this);
  }

  private releaseInputs(): void {
    for (const i of this.inputs) i.consumerDone(this);
  }

  skip(): void {
    if (this.status !== DropState.INITIALIZED) return;
    const hadRun = this.execStatus !== AppState.NOT_RUN;
    if (hadRun) this.abort();
    this.setStatus(DropState.SKIPPED);
    this.setExecStatus(AppState.SKIPPED);
    for (const o of this.outputs) o.skip();
    if (!hadRun) this.notifyFinished();
    this.releaseInputs();
  }

  skipPending(): void {
    if (this.status !== DropState.INITIALIZED) return;
    if (this.execStatus === AppState.RUNNING) this.abort();
    this.setStatus(DropState.SKIPPED);
    this.setExecStatus(AppState.SKIPPED);
  }

  cancel(): void {
    const s = this.status;
    if (s !== DropState.INITIALIZED) return;
    const running = this.execStatus === AppState.RUNNING;
    this.setStatus(DropState.CANCELLED);
    this.setExecStatus(AppState.CANCELLED);
    if (running) this.abort();
  }

  protected setExecStatus(to: number): void {
    if (this.execStatus === to) return;
    this.execStatus = to;
    this.host.execStatusChanged(this);
    if (this.host.listening) this.host.emit(this.event('execStatus', this.status, to));
  }

  // Helpers for app implementations.

  /** The port name this app gives to each input/output, from its spec's relationship entries. */
  portsOf(key: 'inputs' | 'outputs'): Map<string, string> {
    const m = new Map<string, string>();
    for (const e of relationshipList(this.spec, key) ?? []) {
      const oid = entryOid(e);
      const port = entryPort(e);
      if (oid !== undefined && port !== undefined) m.set(oid, port);
    }
    return m;
  }

  protected writeAll(data: Buffer | string): void {
    for (const o of this.outputs) o.write(data);
  }

  protected async readInputs(): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const i of this.inputs) out.push(i.status === DropState.COMPLETED ? await i.read() : Buffer.alloc(0));
    return out;
  }
}

export type AppClass = (new (host: DropHost, spec: DropSpec) => AppDrop) & { acceptsStreaming: boolean };
