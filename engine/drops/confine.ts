// Where the engine may open files: the session directory and the directories named with
// --data-dir, nowhere else. A graph names paths (a FileDROP's filepath, "../../x",
// "/etc/passwd"), and a graph comes from whoever can reach the API, so every path the engine
// writes, reads for an app or serves over HTTP is checked here. Bash commands are not: what
// a command opens is the command's business (a graph is code; see the README's Security).

import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { DropFailure } from '../errors.ts';

/** A FileDROP path outside every allowed directory. Refused at append (400) and at deploy. */
export class PathRefused extends DropFailure {
  constructor(readonly path: string) {
    super(`path ${path} is outside the session directory and the --data-dir directories`);
  }
}

/** `p` is `dir` or below it, lexically (both absolute and normalised). */
export function isWithin(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `p` strictly below `dir` (the directory itself excluded). */
export function isInside(dir: string, p: string): boolean {
  return p !== dir && isWithin(dir, p);
}

/**
 * Absolute, normalised data directories, each as given and with its symlinks resolved (a
 * graph may name either form; the check after resolving symlinks needs the second).
 */
export function normaliseDataDirs(dirs: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const d of dirs) {
    const abs = resolve(d);
    out.add(abs);
    out.add(realOrResolved(abs));
  }
  return [...out];
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The path with symlinks resolved, as far as it exists (a file about to be written may not). */
export function realPathOf(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(head), ...tail.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return resolve(p);
      tail.push(head.slice(up.length).replace(/^\//, ''));
      head = up;
    }
  }
}

/** Lexical check, used on the path as the graph names it. */
export function allowedPath(p: string, sessionDir: string, dataDirs: readonly string[]): boolean {
  if (isInside(sessionDir, p)) return true;
  for (const d of dataDirs) if (isWithin(d, p)) return true;
  return false;
}

/** The same check after resolving symlinks: a link in the session directory may point anywhere. */
export function allowedRealPath(p: string, sessionDir: string, dataDirs: readonly string[]): boolean {
  return allowedPath(realPathOf(p), realOrResolved(sessionDir), dataDirs);
}
