// FileDROP (reference §8.8). Paths resolve against the session's own directory, never the
// process's working directory (§9 Q36). Data written through the drop goes to a hidden
// temporary file that is renamed into place on completion, so a crash or a failure never
// leaves a half-written file under the final name.

import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { DataDrop } from './data.ts';
import type { DropHost } from './drop.ts';
import { type DropSpec, boolParam, isObject } from './spec.ts';
import { DropFailure } from '../errors.ts';
import type { AppDrop } from './app.ts';
import { PathRefused, allowedPath, allowedRealPath, isInside } from './confine.ts';

const HOST = hostname();
let partialCounter = 0;

/**
 * The file system calls that write data, in one object so a test can make them fail or
 * write short, as a full disk does.
 */
export const fileIo = { writeSync, closeSync };

/** Write all of `chunk` or throw: write(2) may write less than asked (a disk filling up). */
function writeFully(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) {
    const n = fileIo.writeSync(fd, chunk, off, chunk.length - off);
    if (!(n > 0)) throw new Error(`the file system accepted ${off} of ${chunk.length} bytes and then none (full?)`);
    off += n;
  }
}

export class FileDrop extends DataDrop {
  private resolved: string | undefined;
  private partial: { fd: number; path: string } | null = null;

  constructor(host: DropHost, spec: DropSpec) {
    super(host, spec, { persist: true, expireAfterUse: false });
  }

  /**
   * The file's absolute path; resolved once, on first use. Throws DropFailure on a bad
   * filepath, PathRefused on one outside the session directory and the data directories.
   */
  override get path(): string {
    if (this.resolved !== undefined) return this.resolved;
    const p = resolveFilePath(this);
    if (!allowedPath(p, this.host.sessionDir, this.host.dataDirs)) throw new PathRefused(p);
    return (this.resolved = p);
  }

  /** The path, refused if a symlink on the way leads outside the allowed directories. */
  private confinedPath(): string {
    const p = this.path;
    if (!allowedRealPath(p, this.host.sessionDir, this.host.dataDirs)) throw new PathRefused(`${p} (through a symbolic link)`);
    return p;
  }

  get dataURL(): string {
    return `file://${HOST}${this.path}`;
  }

  /**
   * The file is elsewhere: a Python function wrote it at a name its graph gave on a path port
   * (DALiuGE's filename ports). Only before the drop holds data of its own.
   */
  relocate(path: string): void {
    if ((this.status !== 0 && this.status !== 1) || this.partial !== null) throw new DropFailure(`${this.oid} cannot move to ${path}: it already holds data`);
    const p = resolve(this.host.sessionDir, path);
    if (!allowedRealPath(p, this.host.sessionDir, this.host.dataDirs)) throw new PathRefused(p);
    this.resolved = p;
  }

  /** Resolve the path, create its directory and honour check_filepath_exists; called at deploy. */
  prepare(): void {
    const p = this.path;
    const raw = this.textParam('filepath');
    // Only absolute paths are checked, as in the reference: a relative path names an output
    // that a producer has yet to write (HelloWorld_simplePG sets the flag on "hello.txt").
    if (isAbsolute(raw) && boolParam(this.spec, 'check_filepath_exists', false) && !existsSync(p))
      throw new DropFailure(`file ${p} does not exist (check_filepath_exists is set)`);
    mkdirSync(dirname(p), { recursive: true });
  }

  /** A hidden temporary name beside the final file; data goes there until the drop completes. */
  partialPath(): string {
    const final = this.path;
    mkdirSync(dirname(final), { recursive: true });
    this.confinedPath();
    return join(dirname(final), `.${basename(final)}.${process.pid}.${(partialCounter++).toString(36)}.${Date.now().toString(36)}.partial`);
  }

  protected writeBytes(chunk: Buffer): void {
    let part = this.partial;
    if (part === null) {
      const tmp = this.partialPath();
      part = this.partial = { fd: openSync(tmp, 'w'), path: tmp };
    }
    try {
      writeFully(part.fd, chunk);
    } catch (err) {
      throw new DropFailure(`cannot write ${describeFile(this)}: ${(err as Error).message}`);
    }
  }

  /** A file a Python worker wrote at one of our partialPath()s becomes the pending content. */
  protected override adoptFile(path: string): boolean {
    if (this.partial !== null || dirname(path) !== dirname(this.path)) return false;
    this.partial = { fd: -1, path };
    return true;
  }

  protected override finalizeWrite(): void {
    const final = this.path;
    const part = this.partial;
    if (part) {
      // Close (where a deferred write error shows) and rename; on failure discard() still
      // knows the temporary file and removes it.
      if (part.fd >= 0) {
        const fd = part.fd;
        part.fd = -1;
        fileIo.closeSync(fd);
      }
      renameSync(part.path, final);
      this.partial = null;
    } else if (!existsSync(final)) {
      // A producer that never wrote still yields a (empty) file, as in the reference.
      mkdirSync(dirname(final), { recursive: true });
      closeSync(openSync(this.confinedPath(), 'a'));
    }
    this.size = statSync(final).size;
  }

  protected override discard(): void {
    const part = this.partial;
    if (part) {
      this.partial = null;
      try {
        if (part.fd >= 0) closeSync(part.fd);
      } catch {
        /* already closed */
      }
      rmSync(part.path, { force: true });
    }
  }

  override expire(): void {
    // Expiry deletes the file only when it lives in the session directory: a graph can point
    // a FileDROP at any path, and an engine must not delete files it did not create.
    if (this.status === 2 && this.resolved && isInside(this.host.sessionDir, this.resolved))
      rmSync(this.resolved, { force: true, recursive: true });
    super.expire();
  }

  read(): Promise<Buffer> {
    try {
      return readFile(this.confinedPath());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The path to serve over HTTP, or an error: confined, symlinks included. */
  servablePath(): string {
    return this.confinedPath();
  }
}

/** `<first '_' part of uid>_<humanKey>` with ':' and '/' made safe, as the reference names files. */
export function defaultFileName(uid: string, humanKey: string): string {
  const first = uid.split('_', 1)[0];
  return `${first}_${humanKey}`.replace(/[:/]/g, '_');
}

function describeFile(drop: FileDrop): string {
  return `${drop.path} (drop ${drop.oid})`;
}

function resolveFilePath(drop: FileDrop): string {
  const sessionDir = drop.host.sessionDir;
  const auto = defaultFileName(drop.uid, drop.humanKey);
  let fp = expandEnv(drop.textParam('filepath'));
  if (fp === '') fp = filepathFromProducers(drop);
  if (fp === '') return join(sessionDir, auto);
  if (!fp.includes('/')) return join(sessionDir, fillPlaceholders(fp, drop, auto));
  if (fp.endsWith('/')) return join(resolve(sessionDir, fp), auto);
  return join(resolve(sessionDir, dirname(fp)), fillPlaceholders(basename(fp), drop, auto));
}

/** `$VAR` and `${VAR}`; an unset variable is an error rather than an empty path segment. */
function expandEnv(fp: string): string {
  if (!fp.includes('$')) return fp;
  return fp.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string, b: string) => {
    const name = a ?? b;
    const v = process.env[name];
    if (v === undefined) throw new DropFailure(`environment variable $${name} used in filepath is not set`);
    return v;
  });
}

function fillPlaceholders(name: string, drop: FileDrop, auto: string): string {
  if (!name.includes('{')) return name;
  return name.replace(/\{([^{}]*)\}/g, (_m, key: string) => {
    switch (key) {
      case 'uid':
        return drop.uid;
      case 'humanKey':
        return drop.humanKey;
      case 'datetime':
        return new Date().toISOString().slice(0, 10);
      case 'dlg':
        // Spelt as the reference spells it, so both engines produce the same file names.
        return 'DALIGUE';
      case 'auto':
        return auto;
      default:
        throw new DropFailure(`unknown placeholder {${key}} in filepath '${name}'`);
    }
  });
}

/**
 * An empty filepath may come from the producer: `port_map` maps this drop's input port to the
 * producer's output port, and a producer parameter of that name holding a value names the file.
 */
function filepathFromProducers(drop: FileDrop): string {
  const portMap = drop.spec.port_map;
  if (!isObject(portMap)) return '';
  const outPort = portMap.filepath;
  if (typeof outPort !== 'string' || outPort === '') return '';
  for (const p of drop.producers as AppDrop[]) {
    const v = p.textParam(outPort);
    if (v !== '') return expandEnv(v);
  }
  return '';
}
