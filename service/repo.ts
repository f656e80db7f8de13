// The two directories of the translator service: the logical graph repository (--lg-dir,
// read-only, graphs in its sub-directories as in the reference) and the store of translated
// PGTs (--pgt-dir), whose files are named by a hash of their content. Every name that comes
// from a request is checked to stay inside its directory, symbolic links included.

import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { HttpError, badField, notFound } from './http.ts';

/** The files that make one stored PGT, beside the pgt_id file itself (the GoJS JSON). */
export const STORED = {
  /** the partitioned drop list (node/island labels #i/#j) with its trailing reprodata */
  drops: '.pgtp.json',
  /** what the PGT was made from and its schedule figures */
  meta: '.meta.json',
  /** the viewer's model of the graph */
  view: '.view.json',
  /** start and end time of every drop, lanes and the critical path */
  schedule: '.schedule.json',
} as const;

const PGT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}_pgt\.graph$/;

/** The part of an LG name a pgt_id starts with: its base name, without .graph, in safe characters. */
export function pgtIdStem(lgName: string): string {
  const base = basename(lgName.replace(/\\/g, '/')).replace(/\.(graph|json)$/i, '');
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 120);
  return safe || 'graph';
}

/** `<lg base>_<hash>_pgt.graph`: EAGLE takes what precedes `_pgt.graph` as the graph's name. */
export function pgtIdOf(lgName: string, hash: string): string {
  return `${pgtIdStem(lgName)}_${hash}_pgt.graph`;
}

export function checkPgtId(id: string | undefined, field = 'pgt_id'): string {
  if (id === undefined) throw badField(field, 'this field is required');
  if (!PGT_ID.test(id) || id.includes('..')) throw notFound(`PGT ${JSON.stringify(id)} not found: not a pgt_id made by this service`);
  return id;
}

/** Resolves `name` under `root`, refusing anything that leads outside it (.., absolute paths, symlinks). */
export function confined(root: string, name: string, field: string): string {
  if (name.includes('\0') || isAbsolute(name)) throw badField(field, `${JSON.stringify(name)} must be a path relative to the repository`);
  const full = resolve(root, name);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw badField(field, `${JSON.stringify(name)} is outside the repository`);
  // A symbolic link anywhere on the way may lead out: check the deepest part that exists.
  let existing = full;
  while (!existsSync(existing)) existing = dirname(existing);
  const real = realpathSync(existing);
  const realRoot = realpathSync(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw badField(field, `${JSON.stringify(name)} leads outside the repository`);
  return full;
}

export class LgRepository {
  constructor(readonly root: string | undefined) {}

  private need(field: string): string {
    if (!this.root) throw new HttpError(404, `${field}: this service has no logical graph repository (start it with --lg-dir DIR)`);
    return this.root;
  }

  /** The path of an existing graph file, or 404. */
  path(name: string, field = 'lg_name'): string {
    const p = confined(this.need(field), name, field);
    if (!existsSync(p) || !statSync(p).isFile()) throw notFound(`Logical graph '${name}' not found`);
    return p;
  }

  exists(name: string): boolean {
    if (!this.root) return false;
    try {
      return statSync(confined(this.root, name, 'lg_name')).isFile();
    } catch {
      return false;
    }
  }

  /** {sub-directory: [graph files]} one level deep, as the reference lists its repository. */
  contents(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (!this.root) return out;
    for (const d of readdirSync(this.root, { withFileTypes: true })) {
      if (!d.isDirectory() || d.name === '.git' || d.name.startsWith('.')) continue;
      const files = readdirSync(join(this.root, d.name)).filter((f) => f.endsWith('.graph')).sort();
      if (files.length) out[d.name] = files;
    }
    return out;
  }

  /** The first graph of the repository (GET /jsonbody without a name). */
  first(): string | undefined {
    const c = this.contents();
    const dir = Object.keys(c).sort()[0];
    return dir === undefined ? undefined : `${dir}/${c[dir]![0]}`;
  }
}

export interface PgtListEntry {
  pgt_id: string;
  lg_name: string;
  created: string;
  drops: number;
  partitions: number;
  islands: number;
  algo: string;
  bytes: number;
}

export class PgtStore {
  constructor(readonly root: string) {}

  /** The pgt_id file (the GoJS JSON), or 404. */
  path(id: string | undefined, field = 'pgt_id'): string {
    const p = join(this.root, checkPgtId(id, field));
    if (!existsSync(p)) throw notFound(`PGT(P) with id ${id} not found`);
    return p;
  }

  file(id: string, kind: keyof typeof STORED): string {
    return this.path(id) + STORED[kind];
  }

  meta(id: string): Record<string, unknown> {
    return JSON.parse(readFileSync(this.file(id, 'meta'), 'utf8')) as Record<string, unknown>;
  }

  /**
   * Newest first. Entries are kept between calls, so a listing reads the directory and only
   * the meta files it has not seen: a store of thousands of PGTs must not cost thousands of
   * file reads on the event loop for every GET /pgts. (The directory's mtime is too coarse
   * to say when nothing changed: two renames can share a tick.)
   */
  list(): PgtListEntry[] {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(this.root));
    } catch {
      return [];
    }
    const seen = new Map<string, PgtListEntry>();
    let changed = false;
    for (const f of names) {
      if (!f.endsWith(STORED.meta)) continue;
      const id = f.slice(0, -STORED.meta.length);
      if (!PGT_ID.test(id) || !names.has(id)) continue;
      const known = this.entries.get(id);
      if (known) {
        seen.set(id, known);
        continue;
      }
      try {
        const m = JSON.parse(readFileSync(join(this.root, f), 'utf8')) as Record<string, unknown>;
        seen.set(id, {
          pgt_id: id, lg_name: String(m.lg_name ?? ''), created: String(m.created ?? ''), drops: Number(m.drops ?? 0),
          partitions: Number(m.partitions ?? 0), islands: Number(m.islands ?? 0), algo: String(m.algo ?? ''),
          bytes: statSync(join(this.root, id)).size,
        });
        changed = true;
      } catch {
        // a meta file being written right now, or damaged by hand: not listed
      }
    }
    if (changed || seen.size !== this.entries.size) {
      this.entries = seen;
      this.listed = [...seen.values()].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
    }
    return this.listed;
  }

  private entries = new Map<string, PgtListEntry>();
  private listed: PgtListEntry[] = [];
}
