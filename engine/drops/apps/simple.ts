// The small built-in apps of dlg.apps.simple (reference §8.10).

import { AppDrop } from '../app.ts';
import { DropFailure, messageOf } from '../../errors.ts';
import { DropState } from '../../states.ts';
import type { DataDrop } from '../data.ts';
import { numberParam, parseNumber, stringParam } from '../spec.ts';
import { NotBuiltinPickle, looksLikePickle, pickleLoads } from '../../pyvalue/pickle-read.ts';
import { PyBytes, PyList, PyTuple, pyStr, type PyValue } from '../../pyvalue/value.ts';

/** No-op barrier; also DALiuGEApp, the reference's placeholder app. */
export class NullBarrierApp extends AppDrop {
  protected run(): void {}
}

/**
 * The greeting of HelloWorldApp: "Hello <greet>" with no input; with one, "Hello, <x>" where x
 * is the first element of a pickled input (DALiuGE's pickle.loads(...)[0]), else its text.
 * Undefined when the pickle holds an object only Python can rebuild.
 */
export async function helloGreeting(app: AppDrop): Promise<string | undefined> {
  if (app.outputs.length === 0) throw new DropFailure('HelloWorldApp needs at least one output');
  if (app.inputs.length > 1) throw new DropFailure(`HelloWorldApp takes at most one input, not ${app.inputs.length}`);
  if (app.inputs.length === 0) return `Hello ${stringParam(app.spec, 'greet', 'World')}`;
  const data = await app.inputs[0]!.read();
  if (looksLikePickle(data)) {
    let v: PyValue;
    try {
      v = pickleLoads(data);
    } catch (err) {
      if (err instanceof NotBuiltinPickle) return undefined;
      return `Hello, ${data.toString('utf8')}`;
    }
    const first = firstItem(v);
    if (first !== NO_ITEM) return `Hello, ${pyStr(first)}`;
  }
  return `Hello, ${data.toString('utf8')}`;
}

const NO_ITEM = Symbol('no item');

/** value[0] for the sequences Python indexes by position; NO_ITEM where Python would raise. */
function firstItem(v: PyValue): PyValue | typeof NO_ITEM {
  if (typeof v === 'string') return v.length > 0 ? String.fromCodePoint(v.codePointAt(0)!) : NO_ITEM;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0 ? v.items[0]! : NO_ITEM;
  if (v instanceof PyBytes) return v.data.length > 0 ? BigInt(v.data[0]!) : NO_ITEM;
  return NO_ITEM;
}

/** A sleep_time port's value: DALiuGE reads it with dill (a pickled number), else as text; invalid is 0. */
function sleepSeconds(data: Buffer): number {
  if (looksLikePickle(data)) {
    try {
      const v = pickleLoads(data);
      if (typeof v === 'number') return Number.isFinite(v) ? v : 0;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'string') return parseNumber(v, 0);
      return 0;
    } catch {
      return 0;
    }
  }
  return parseNumber(data.toString('utf8'), 0);
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
      if (ports.get(i.oid) === 'sleep_time' && i.status === DropState.COMPLETED) return Math.max(0, sleepSeconds(await i.read()));
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
