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
  /** the oid written for each entry (needed to name unknown ones) */
  oids: string[];
}

export interface DropListContext {
  readonly file: string;
  readonly drops: readonly Record<string, unknown>[];
  readonly reprodata?: Record<string, unknown>;
  /** oid → index of its first drop */
  readonly oidIndex: ReadonlyMap<string, number>;
  /** [index, index of the first drop with the same oid] */
  readonly duplicates: readonly [number, number][];
  /** parsed on first use, then shared by the rules; O(entries) */
  relation(kind: Relation): RelationTable;
  report(d: Diagnostic): void;
  at(i: number, extra?: Partial<Diagnostic>): Partial<Diagnostic>;
  /** a reporter that keeps the first `max` diagnostics and then summarises the rest */
  capped(max: number): { report(d: Diagnostic): void; done(summary: (dropped: number) => Diagnostic): void };
}

export { entryOid as oidOfEntry } from '../relations.ts';
import { entryOid as oidOfEntry, type RelationList } from '../relations.ts';

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
  const tables = new Map<Relation, RelationTable>();
  const relation = (kind: Relation): RelationTable => {
    let t = tables.get(kind);
    if (t) return t;
    const offsets = new Int32Array(drops.length + 1);
    const tmp: number[] = [];
    const oids: string[] = [];
    drops.forEach((d, i) => {
      offsets[i] = tmp.length;
      const list = d[kind];
      if (!Array.isArray(list)) return;
      for (const e of list) {
        const oid = oidOfEntry(e);
        if (oid === undefined) continue; // malformed entries are the schema rule's
        tmp.push(oidIndex.get(oid) ?? -1);
        oids.push(oid);
      }
    });
    offsets[drops.length] = tmp.length;
    t = { offsets, targets: Int32Array.from(tmp), oids };
    tables.set(kind, t);
    return t;
  };
  const report = (d: Diagnostic) => out.push({ file, ...d });
  return {
    file,
    drops,
    reprodata,
    oidIndex,
    duplicates,
    relation,
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
