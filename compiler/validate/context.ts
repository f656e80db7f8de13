// What a rule sees. Every LG rule is a function (ctx: LgContext) => void and every drop-list
// rule a function (ctx: DropListContext) => void (graphql-js style): rules read the context
// and call ctx.report; they never throw on bad input and never depend on each other.

import { pointer, type Diagnostic } from '../diagnostics.ts';
import type { LgLink, LgNode, LogicalGraph, OjsDocument } from '../model.ts';

/** A node as written in the document, including those the model skipped or removed. */
export interface DocNode {
  /** position in nodeDataArray */
  index: number;
  /** the id as a string, undefined when missing or not a string/number */
  id?: string;
  name: string;
  category: string;
  categoryType: string;
  isGroup: boolean;
  parentId?: string;
  pointer: string;
}

export interface LgContext {
  readonly file: string;
  /** the document after fill (same shape and pointers as the input) */
  readonly doc: OjsDocument;
  readonly graph: LogicalGraph;
  readonly docNodes: readonly (DocNode | undefined)[];
  /** id → positions in nodeDataArray (more than one: a duplicate id) */
  readonly docIds: ReadonlyMap<string, number[]>;
  report(d: Diagnostic): void;
  /** location keys for a model node */
  at(n: LgNode, extra?: Partial<Diagnostic>): Partial<Diagnostic>;
  /** "name (id)" of a model node, as users know it */
  label(n: LgNode): string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

export function makeLgContext(doc: OjsDocument, graph: LogicalGraph, file: string, out: Diagnostic[]): LgContext {
  const docNodes: (DocNode | undefined)[] = [];
  const docIds = new Map<string, number[]>();
  const raw: unknown[] = Array.isArray(doc.nodeDataArray) ? doc.nodeDataArray : [];
  raw.forEach((n, index) => {
    if (!n || typeof n !== 'object' || Array.isArray(n)) {
      docNodes.push(undefined);
      return;
    }
    const o = n as Record<string, unknown>;
    const id = str(o.id);
    const parentId = o.parentId === null || o.parentId === undefined || o.parentId === '' ? undefined : str(o.parentId);
    docNodes.push({
      index,
      id: id === '' ? undefined : id,
      name: typeof o.name === 'string' ? o.name : '',
      category: typeof o.category === 'string' ? o.category : '',
      categoryType: typeof o.categoryType === 'string' ? o.categoryType : '',
      isGroup: o.isGroup === true,
      parentId,
      pointer: pointer('nodeDataArray', index),
    });
    if (id !== undefined && id !== '') {
      const l = docIds.get(id);
      if (l) l.push(index);
      else docIds.set(id, [index]);
    }
  });
  return {
    file,
    doc,
    graph,
    docNodes,
    docIds,
    report: (d) => out.push({ file, ...d }),
    at: (n, extra = {}) => ({ nodeId: n.origin.nodeId, nodeName: n.origin.nodeName, pointer: n.origin.pointer, ...extra }),
    label: (n) => `${n.origin.nodeName || '(unnamed)'} (${n.origin.nodeId})`,
  };
}

/** "link #3": the link's position in linkDataArray, as users count them in messages. */
export function linkName(l: LgLink): string {
  return `link #${l.origin.pointer.slice(l.origin.pointer.lastIndexOf('/') + 1)}`;
}

export function docNodeLabel(d: DocNode): string {
  return `${d.name || '(unnamed)'} (${d.id ?? `#${d.index}`})`;
}

export const RELATIONS: readonly Relation[] = ['inputs', 'outputs', 'producers', 'consumers', 'streamingInputs', 'streamingConsumers'];
export type Relation = RelationList;

/** One relationship kind of every drop, as compressed rows of drop indexes (-1: unknown oid). */
export interface RelationTable {
  /** entries of drop i are targets[offsets[i] .. offsets[i+1]) */
  offsets: Int32Array;
  targets: Int32Array;
  /** the oid written at each entry whose target is -1 (to name it) */
  unknown: ReadonlyMap<number, string>;
}

/** Entry `index` of relationship list `list` of drop `drop`. */
export interface MalformedEntry {
  drop: number;
  list: Relation;
  index: number;
}

/**
 * Relationships written on one end only (§3.8), one group per direction: drop `owners[k]`
 * lists drop `others[k]` in `list`, but the other's `mirror` list does not name the owner.
 */
export interface OneSided {
  list: Relation;
  mirror: Relation;
  owners: Int32Array;
  others: Int32Array;
}

export interface DropListContext {
  readonly file: string;
  readonly drops: readonly Record<string, unknown>[];
  readonly reprodata?: Record<string, unknown>;
  /** oid → index of its first drop */
  readonly oidIndex: ReadonlyMap<string, number>;
  /** [index, index of the first drop with the same oid] */
  readonly duplicates: readonly [number, number][];
  /** every kind parsed in one pass on first use, then shared by the rules; O(entries) */
  relation(kind: Relation): RelationTable;
  /** object entries that are not {oid: port name or null}, found while parsing the relations */
  malformedEntries(): readonly MalformedEntry[];
  /** computed on first use from the relation tables; O(entries log entries), no hashing */
  oneSided(): readonly OneSided[];
  /**
   * Drops with an entry the tables cannot represent faithfully: malformed (no oid), the same
   * target twice in one list (the two may differ by port), or two unknown oids in one list.
   * Sorted, unique.
   */
  irregular(): Int32Array;
  report(d: Diagnostic): void;
  at(i: number, extra?: Partial<Diagnostic>): Partial<Diagnostic>;
  /** a reporter that keeps the first `max` diagnostics and then summarises the rest */
  capped(max: number): { report(d: Diagnostic): void; done(summary: (dropped: number) => Diagnostic): void };
}

export { entryOid as oidOfEntry } from '../relations.ts';
import { entryOid as oidOfEntry, MIRROR, UPSTREAM_LISTS, type RelationList } from '../relations.ts';

export function makeDropListContext(
  drops: readonly Record<string, unknown>[],
  file: string,
  out: Diagnostic[],
  reprodata?: Record<string, unknown>,
  /** position of drop i in the file's list (drops may skip the trailing element or be nested) */
  positionOf: (i: number) => string = (i) => `/${i}`,
): DropListContext {
  const oidIndex = new Map<string, number>();
  const duplicates: [number, number][] = [];
  drops.forEach((d, i) => {
    const oid = typeof d.oid === 'string' ? d.oid : undefined;
    if (oid === undefined) return;
    const first = oidIndex.get(oid);
    if (first === undefined) oidIndex.set(oid, i);
    else duplicates.push([i, first]);
  });
  let tables: Map<Relation, RelationTable> | undefined;
  let irregularDrops: Set<number> | undefined;
  const malformed: MalformedEntry[] = [];
  const build = () => {
    irregularDrops = new Set();
    tables = relationTables(drops, oidIndex, irregularDrops, malformed);
  };
  const relation = (kind: Relation): RelationTable => {
    if (!tables) build();
    return tables!.get(kind)!;
  };
  let gaps: OneSided[] | undefined;
  const oneSided = (): OneSided[] => {
    if (!gaps) {
      if (!tables) build();
      gaps = findOneSided(drops.length, relation, irregularDrops!);
    }
    return gaps;
  };
  const report = (d: Diagnostic) => out.push({ file, ...d });
  return {
    file,
    drops,
    reprodata,
    oidIndex,
    duplicates,
    relation,
    malformedEntries: () => {
      if (!tables) build();
      return malformed;
    },
    oneSided,
    irregular: () => {
      oneSided(); // repeated targets are found there
      return Int32Array.from(irregularDrops!).sort();
    },
    report,
    at: (i, extra = {}) => {
      const d = drops[i];
      const oid = typeof d?.oid === 'string' ? d.oid : undefined;
      const name = typeof d?.name === 'string' ? d.name : undefined;
      return { nodeId: oid, nodeName: name, pointer: positionOf(i), ...extra };
    },
    capped: (max) => {
      let count = 0;
      return {
        report: (d) => {
          if (count++ < max) report(d);
        },
        done: (summary) => {
          if (count > max) report(summary(count - max));
        },
      };
    },
  };
}

/**
 * All relationship kinds in one pass over the drops: list lengths first, so every table is
 * allocated once at its size. Drops with entries that name no oid go into `irregular`; object
 * entries of the wrong shape into `malformed`.
 */
function relationTables(
  drops: readonly Record<string, unknown>[], oidIndex: ReadonlyMap<string, number>, irregular: Set<number>, malformed: MalformedEntry[],
): Map<Relation, RelationTable> {
  const n = drops.length;
  const K = RELATIONS.length;
  const counts = new Int32Array(K);
  for (let i = 0; i < n; i++) {
    const d = drops[i]!;
    for (let r = 0; r < K; r++) {
      const list = d[RELATIONS[r]!];
      if (Array.isArray(list)) counts[r]! += list.length;
    }
  }
  const offsets = RELATIONS.map(() => new Int32Array(n + 1));
  const targets = RELATIONS.map((_, r) => new Int32Array(counts[r]!));
  const unknown = RELATIONS.map(() => new Map<number, string>());
  const fill = new Int32Array(K);
  for (let i = 0; i < n; i++) {
    const d = drops[i]!;
    for (let r = 0; r < K; r++) {
      offsets[r]![i] = fill[r]!;
      const list = d[RELATIONS[r]!];
      if (!Array.isArray(list)) continue;
      let unknownHere = 0;
      let k = 0;
      for (const e of list) {
        // The entry's oid, read once (Reflect.ownKeys: see entryOid); an object entry must
        // have one key and a port name (or null) as its value.
        let oid: string | undefined;
        if (typeof e === 'string') oid = e;
        else if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
          const keys = Reflect.ownKeys(e);
          if (keys.length === 1 && typeof keys[0] === 'string') {
            oid = keys[0];
            const port = (e as Record<string, unknown>)[oid];
            if (port !== null && typeof port !== 'string') malformed.push({ drop: i, list: RELATIONS[r]!, index: k });
          } else malformed.push({ drop: i, list: RELATIONS[r]!, index: k });
        } else oid = oidOfEntry(e); // numbers; other types are the schema rule's
        k++;
        if (oid === undefined) {
          irregular.add(i);
          continue;
        }
        const t = oidIndex.get(oid);
        if (t === undefined) {
          unknown[r]!.set(fill[r]!, oid);
          // Repeats among unknown oids are not visible in the pairs findOneSided compares.
          if (++unknownHere === 2) irregular.add(i);
        }
        targets[r]![fill[r]!++] = t ?? -1;
      }
    }
  }
  const out = new Map<Relation, RelationTable>();
  RELATIONS.forEach((kind, r) => {
    offsets[r]![n] = fill[r]!;
    out.set(kind, { offsets: offsets[r]!, targets: fill[r] === counts[r] ? targets[r]! : targets[r]!.slice(0, fill[r]!), unknown: unknown[r]! });
  });
  return out;
}

/**
 * Both ends of each relationship as sorted (owner, other) pairs packed into one number
 * (owner · n + other, exact below 2^53), merged: a pair on one side only is one-sided; a pair
 * twice on one side is a repeated target, whose drop is marked irregular.
 */
function findOneSided(n: number, relation: (kind: Relation) => RelationTable, irregular: Set<number>): OneSided[] {
  const out: OneSided[] = [];
  const pairs = (kind: Relation, reversed: boolean): Float64Array => {
    const { offsets, targets } = relation(kind);
    const p = new Float64Array(targets.length);
    let m = 0;
    for (let i = 0; i < n; i++) {
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
        const j = targets[k]!;
        if (j >= 0) p[m++] = reversed ? j * n + i : i * n + j;
      }
    }
    return p.subarray(0, m).sort();
  };
  for (const up of UPSTREAM_LISTS) {
    const down = MIRROR[up];
    // a: down-lists as (owner, other); b: up-lists reversed, so both read (upstream, downstream).
    const a = pairs(down, false);
    const b = pairs(up, true);
    const onlyA: number[] = [];
    const onlyB: number[] = [];
    let x = 0;
    let y = 0;
    while (x < a.length || y < b.length) {
      const va = x < a.length ? a[x]! : Infinity;
      const vb = y < b.length ? b[y]! : Infinity;
      const v = Math.min(va, vb);
      let ca = 0;
      let cb = 0;
      while (x < a.length && a[x] === v) { x++; ca++; }
      while (y < b.length && b[y] === v) { y++; cb++; }
      const hi = Math.floor(v / n);
      const lo = v - hi * n;
      if (ca > 1) irregular.add(hi);
      if (cb > 1) irregular.add(lo);
      if (cb === 0) onlyA.push(v);
      else if (ca === 0) onlyB.push(v);
    }
    // onlyA: hi.down lists lo, lo.up lacks hi. onlyB: lo.up lists hi, hi.down lacks lo.
    const split = (vs: number[], ownerIsHigh: boolean) => {
      const owners = new Int32Array(vs.length);
      const others = new Int32Array(vs.length);
      vs.forEach((v, k) => {
        const hi = Math.floor(v / n);
        const lo = v - hi * n;
        owners[k] = ownerIsHigh ? hi : lo;
        others[k] = ownerIsHigh ? lo : hi;
      });
      return { owners, others };
    };
    if (onlyA.length) out.push({ list: down, mirror: up, ...split(onlyA, true) });
    if (onlyB.length) out.push({ list: up, mirror: down, ...split(onlyB, false) });
  }
  return out;
}
