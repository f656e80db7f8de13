// The small built-in apps of dlg.apps.simple (reference §8.10).

import { AppDrop } from '../app.ts';
import { DropFailure, messageOf } from '../../errors.ts';
import { DropState } from '../../states.ts';
import type { DataDrop } from '../data.ts';
import { numberParam, parseNumber, stringParam } from '../spec.ts';

/** No-op barrier; also DALiuGEApp, the reference's placeholder app. */
export class NullBarrierApp extends AppDrop {
  protected run(): void {}
}

/** "Hello <greet>" with no input, "Hello, <input>" with one, written to every output. */
export class HelloWorldApp extends AppDrop {
  protected run(): void | Promise<void> {
    if (this.outputs.length === 0) throw new DropFailure('HelloWorldApp needs at least one output');
    if (this.inputs.length > 1) throw new DropFailure(`HelloWorldApp takes at most one input, not ${this.inputs.length}`);
    if (this.inputs.length === 0) {
      this.writeAll(`Hello ${stringParam(this.spec, 'greet', 'World')}`);
      return;
    }
    return this.inputs[0]!.read().then((b) => this.writeAll(`Hello, ${b.toString('utf8')}`));
  }
}

/** Sleeps `sleep_time` seconds, a value that may also arrive on an input port of that name. */
export class SleepApp extends AppDrop {
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  protected run(): void | Promise<void> {
    return this.sleepTime().then((s) => this.sleep(s));
  }

  protected async sleepTime(): Promise<number> {
    const ports = this.portsOf('inputs');
    for (const i of this.inputs) {
      if (ports.get(i.oid) === 'sleep_time' && i.status === DropState.COMPLETED)
        return Math.max(0, parseNumber((await i.read()).toString('utf8'), 0));
    }
    return Math.max(0, numberParam(this.spec, 'sleep_time', 0));
  }

  protected sleep(seconds: number): Promise<void> | void {
    if (seconds <= 0) return;
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, seconds * 1000);
    });
  }

  protected override abort(): void {
    clearTimeout(this.timer);
    this.wake?.();
  }
}

/**
 * Copies every input, in order, to every output. Streaming inputs are passed through chunk by
 * chunk as they are written, so this app is the engine's in-process streaming consumer.
 */
export class CopyApp extends AppDrop {
  static override readonly acceptsStreaming: boolean = true;

  override dataWritten(_input: DataDrop, chunk: Buffer): void {
    if (this.status !== DropState.INITIALIZED) return;
    try {
      for (const o of this.outputs) o.write(chunk);
    } catch (err) {
      // Our output failed (a full disk): that is this app's failure, not its producer's.
      this.fail(messageOf(err));
    }
  }

  protected run(): void | Promise<void> {
    return this.copyInputs();
  }

  protected async copyInputs(): Promise<void> {
    for (const i of this.inputs) {
      if (i.status !== DropState.COMPLETED) continue;
      const data = await i.read();
      if (data.length > 0) this.writeAll(data);
    }
  }
}

export class SleepAndCopyApp extends SleepApp {
  protected override async run(): Promise<void> {
    await this.sleep(await this.sleepTime());
    if (this.execStatus !== 1 /* RUNNING */) return;
    for (const i of this.inputs) {
      if (i.status !== DropState.COMPLETED) continue;
      const data = await i.read();
      if (data.length > 0) this.writeAll(data);
    }
  }
}

/** Concatenates the raw content of all inputs into every output. */
export class GenericGatherApp extends AppDrop {
  protected async run(): Promise<void> {
    const parts = await this.readInputs();
    this.writeAll(Buffer.concat(parts));
  }
}
