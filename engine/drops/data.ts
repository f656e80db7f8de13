// Data drops: the lifecycle of reference §8.3 in an abstract base, and the storage-free
// classes (memory, null, end). FileDrop lives in file.ts.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DropState } from '../states.ts';
import { DropFailure } from '../errors.ts';
import {
  Drop,
  NONE,
  F_BLOCK_SKIP,
  F_COMPLETION_FIRED,
  F_EXPIRE_AFTER_USE,
  F_EXTERNAL,
  F_LEAF,
  F_PERSIST,
  F_WRITE_FAILED,
  type DropHost,
} from './drop.ts';
import { type DropSpec, boolParam, intParam, numberParam } from './spec.ts';
import type { AppDrop } from './app.ts';
import { initialContent } from '../pyvalue/pydata.ts';

export interface DataDefaults {
  persist: boolean;
  expireAfterUse: boolean;
}

export abstract class DataDrop extends Drop {
  readonly isApp = false;
  producers: AppDrop[] = NONE as unknown as AppDrop[];
  consumers: AppDrop[] = NONE as unknown as AppDrop[];
  streamingConsumers: AppDrop[] = NONE as unknown as AppDrop[];
  size = 0;
  private producersReported = 0;
  private producerErrors = 0;
  private producersSkipped = 0;
  private consumersDone = 0;

  constructor(host: DropHost, spec: DropSpec, defaults: DataDefaults) {
    super(host, spec);
    let f = 0;
    if (boolParam(spec, 'persist', defaults.persist) || boolParam(spec, 'precious', false)) f |= F_PERSIST;
    if (boolParam(spec, 'expireAfterUse', defaults.expireAfterUse)) f |= F_EXPIRE_AFTER_USE;
    if (boolParam(spec, 'block_skip', false)) f |= F_BLOCK_SKIP;
    if (intParam(spec, 'executionMode', 0) === 1) f |= F_EXTERNAL;
    this.flags = f;
  }

  abstract get dataURL(): string;
  /** A file path for drops that have one (FileDROP), else undefined. */
  get path(): string | undefined {
    return undefined;
  }

  // Storage hooks.
  protected abstract writeBytes(chunk: Buffer): void;
  /** Make written data final (close, rename). May throw; the drop then goes to ERROR. */
  protected finalizeWrite(): void {}
  /** Release the data: error, cancel, expiry. */
  protected discard(): void {}
  /** The whole content; only meaningful once COMPLETED. */
  abstract read(): Promise<Buffer>;

  addProducer(app: AppDrop): void {
    if (this.producers.length === 0) this.producers = [app];
    else this.producers.push(app);
  }
  addConsumer(app: AppDrop): void {
    if (this.consumers.length === 0) this.consumers = [app];
    else this.consumers.push(app);
  }
  addStreamingConsumer(app: AppDrop): void {
    if (this.streamingConsumers.length === 0) this.streamingConsumers = [app];
    else this.streamingConsumers.push(app);
  }

  write(data: Buffer | string): number {
    const s = this.status;
    if (s === DropState.CANCELLED) throw new DropFailure(`drop ${this.oid} was cancelled`);
    if (s !== DropState.INITIALIZED && s !== DropState.WRITING)
      throw new DropFailure(`drop ${this.oid} cannot be written in state ${s}`);
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.flags & F_WRITE_FAILED) throw new DropFailure(`drop ${this.oid} lost data in an earlier write`);
    if (s === DropState.INITIALIZED) this.setStatus(DropState.WRITING);
    try {
      this.writeBytes(chunk);
    } catch (err) {
      // A write that did not complete (a full disk) leaves nothing usable: the partial data
      // goes now, and the drop ends in ERROR when its producers report, whatever they say.
      const why = err instanceof Error ? err.message : String(err);
      this.log('ERROR', why, 'write');
      this.flags |= F_WRITE_FAILED;
      this.discard();
      throw err instanceof DropFailure ? err : new DropFailure(`cannot write drop ${this.oid}: ${why}`);
    }
    this.size += chunk.length;
    for (const c of this.streamingConsumers) c.dataWritten(this, chunk);
    const expected = numberParam(this.spec, 'expectedSize', -1);
    if (expected > 0 && this.size >= expected) this.setCompleted();
    return chunk.length;
  }

  /**
   * Data a producer (a Python worker) wrote to a file: the storage takes the file over when it
   * can (no copy), otherwise it is read, written like any chunk, and removed.
   */
  writeFile(path: string, size: number): void {
    const s = this.status;
    if ((s === DropState.INITIALIZED || s === DropState.WRITING) && this.streamingConsumers.length === 0 && this.adoptFile(path)) {
      if (s === DropState.INITIALIZED) this.setStatus(DropState.WRITING);
      this.size += size;
      const expected = numberParam(this.spec, 'expectedSize', -1);
      if (expected > 0 && this.size >= expected) this.setCompleted();
      return;
    }
    let data: Buffer;
    try {
      data = readFileSync(path);
    } finally {
      rmSync(path, { force: true });
    }
    this.write(data);
  }

  /** Take over a complete file as this drop's content (nothing written yet); false when the storage cannot. */
  protected adoptFile(_path: string): boolean {
    return false;
  }

  /** One producer finished, failed or skipped (its `producerFinished` event). */
  producerFinished(app: AppDrop, appStatus: number): void {
    const n = ++this.producersReported;
    if (appStatus === DropState.ERROR) this.producerErrors++;
    else if (appStatus === DropState.SKIPPED) this.producersSkipped++;
    const expected = this.producers.length;
    if (n > expected) {
      this.log('WARNING', `more producers reported (${n}) than this drop has (${expected}); ignoring ${app.oid}`);
      return;
    }
    if (n < expected) return;
    if (this.status === DropState.SKIPPED) return this.setCompleted();
    if (this.flags & F_BLOCK_SKIP && this.producersSkipped === expected) {
      this.skipNow();
      return this.setCompleted();
    }
    if (this.producerErrors > 0 || this.flags & F_WRITE_FAILED) return this.setError();
    this.setCompleted();
  }

  setCompleted(): void {
    const s = this.status;
    if (this.flags & F_WRITE_FAILED) return this.setError();
    if (s === DropState.INITIALIZED || s === DropState.WRITING) {
      try {
        this.finalizeWrite();
      } catch (err) {
        this.log('ERROR', `could not complete: ${err instanceof Error ? err.message : String(err)}`, 'setCompleted');
        return this.setError();
      }
      this.setStatus(DropState.COMPLETED);
      this.fireCompleted(DropState.COMPLETED);
    } else if (s === DropState.SKIPPED) {
      this.fireCompleted(DropState.SKIPPED);
    }
  }

  setError(): void {
    const s = this.status;
    if (s === DropState.CANCELLED || s === DropState.SKIPPED || s === DropState.ERROR) return;
    this.discard();
    this.setStatus(DropState.ERROR);
    this.fireCompleted(DropState.ERROR);
  }

  /**
   * A producer decided not to run. Without block_skip the drop is skipped at once; with it,
   * the drop is skipped only when every producer skipped (decided in producerFinished).
   */
  skip(): void {
    if (this.flags & F_BLOCK_SKIP && this.producers.length > 1) return;
    this.skipNow();
  }

  private skipNow(): void {
    const s = this.status;
    if (s !== DropState.INITIALIZED && s !== DropState.WRITING) return;
    this.discard();
    this.setStatus(DropState.SKIPPED);
  }

  skipPending(): void {
    this.skipNow();
  }

  cancel(): void {
    const s = this.status;
    if (s !== DropState.INITIALIZED && s !== DropState.WRITING) return;
    this.discard();
    this.setStatus(DropState.CANCELLED);
  }

  /** Fires `dropCompleted` exactly once: consumers count it, the session counts leaves. */
  protected fireCompleted(state: number): void {
    if (this.flags & F_COMPLETION_FIRED) return;
    this.flags |= F_COMPLETION_FIRED;
    if (!(this.flags & F_EXTERNAL)) for (const c of this.consumers) c.inputCompleted(this, state);
    for (const c of this.streamingConsumers) c.inputCompleted(this, state);
    if (this.host.listening) this.host.emit(this.event('dropCompleted', state));
    if (this.flags & F_LEAF) this.host.leafDone(this);
  }

  /** Make the data readable through `path` on this node; remote drops fetch a copy. */
  materialize(): Promise<void> {
    return Promise.resolve();
  }

  /** A command wrote this output itself (bash): remote drops send what it wrote to their owner. */
  commitExternalWrite(): Promise<void> {
    return Promise.resolve();
  }

  /** A consumer finished with this drop (ran, failed or skipped): expire after use (§8.11). */
  consumerDone(_consumer?: AppDrop): void {
    if (++this.consumersDone !== this.consumers.length) return;
    if (this.flags & F_EXPIRE_AFTER_USE && !(this.flags & F_PERSIST)) this.expire();
  }

  /** COMPLETED → EXPIRED, releasing the data. Used by expire-after-use and lifespans. */
  expire(): void {
    if (this.status !== DropState.COMPLETED) return;
    this.discard();
    this.setStatus(DropState.EXPIRED);
  }

  /** Seconds after creation at which the drop expires, or 0. */
  get lifespan(): number {
    return numberParam(this.spec, 'lifespan', 0);
  }
}

const HOST = hostname();

/** Contents of at least this size go to Python workers through a file instead of the pipe. */
export const INLINE_LIMIT = 64 * 1024;

/**
 * InMemoryDROP, and SharedMemoryDROP too: within one node both are a process buffer, or a
 * file in shared memory once a Python worker wrote it or needed it (see python/scratch.ts).
 * Initial content from `pydata` holds DALiuGE's bytes: the pickle of the value, or the text
 * of String data (reference PYTHON_APPS.md §4.2).
 */
export class MemoryDrop extends DataDrop {
  /** null: nothing written, the content is the pydata. */
  private chunks: Buffer[] | null = null;
  /** The content lives in this file (shared memory) instead of `chunks`. */
  private file: string | null = null;

  constructor(
    host: DropHost,
    spec: DropSpec,
    private readonly scheme: 'mem' | 'shmem' = 'mem',
  ) {
    super(host, spec, { persist: false, expireAfterUse: true });
  }

  get dataURL(): string {
    return `${this.scheme}://${HOST}/${process.pid}/${this.uid}`;
  }

  protected writeBytes(chunk: Buffer): void {
    // A write replaces the pydata (DALiuGE overwrites it from offset 0 and keeps its tail, Q16).
    if (this.file !== null) this.chunks = [this.takeFileContent()];
    (this.chunks ??= []).push(chunk);
  }

  protected override adoptFile(path: string): boolean {
    if (this.file !== null || (this.chunks !== null && this.chunks.length > 0)) return false;
    this.chunks = [];
    this.file = path;
    return true;
  }

  protected override finalizeWrite(): void {
    if (this.chunks === null && this.file === null) {
      const initial = initialContent(this.spec);
      if (initial) this.size = initial.bytes.length;
    }
  }

  protected override discard(): void {
    this.chunks = [];
    if (this.file !== null) {
      rmSync(this.file, { force: true });
      this.file = null;
    }
  }

  /** Where the content lives when it is in a shared-memory file rather than in this process. */
  get backingFile(): string | null {
    return this.file;
  }

  /** True while the content is DALiuGE's text data (String pydata): Python apps read it as str. */
  get isText(): boolean {
    return this.chunks === null && this.file === null && initialContent(this.spec)?.text === true;
  }

  read(): Promise<Buffer> {
    return Promise.resolve(this.readSync());
  }

  readSync(): Buffer {
    if (this.file !== null) return readFileSync(this.file);
    const c = this.chunks;
    if (c === null) return initialContent(this.spec)?.bytes ?? Buffer.alloc(0);
    if (c.length === 1) return c[0]!;
    const all = Buffer.concat(c);
    this.chunks = [all];
    return all;
  }

  /**
   * Where a Python worker finds the content: the bytes when small, else a file (written to
   * `exportPath()` once; the drop then keeps its content there).
   */
  forPython(exportPath: () => string): { bytes: Buffer } | { file: string } {
    if (this.file !== null) return { file: this.file };
    const data = this.readSync();
    if (data.length < INLINE_LIMIT) return { bytes: data };
    const path = exportPath();
    writeFileSync(path, data, { mode: 0o600 });
    if (this.chunks !== null) {
      this.chunks = [];
      this.file = path;
    }
    return { file: path };
  }

  private takeFileContent(): Buffer {
    const path = this.file!;
    this.file = null;
    try {
      return readFileSync(path);
    } finally {
      rmSync(path, { force: true });
    }
  }
}

/** Discards writes; reads give nothing. */
export class NullDrop extends DataDrop {
  constructor(host: DropHost, spec: DropSpec) {
    super(host, spec, { persist: false, expireAfterUse: false });
  }
  get dataURL(): string {
    return 'null://';
  }
  protected writeBytes(): void {}
  read(): Promise<Buffer> {
    return Promise.resolve(Buffer.alloc(0));
  }
}

/** A NullDROP whose completion, as a leaf, ends the session (reference §8.7). */
export class EndDrop extends NullDrop {}
