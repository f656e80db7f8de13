// Copy-on-write access to an OJS document. fill never mutates its input, but copying a
// 10^4-node graph for every fill would cost more than the fill itself; so the document,
// its node array, a node and a field list are copied only on their first write.
// Every operation is O(1) apart from the one-time copy of what it touches.

import type { OjsDocument, OjsField, OjsNode } from '../model.ts';

/** The field lists of a node that hold parameters (§1.5, §1.9). */
export const FIELD_LISTS = ['fields', 'inputAppFields', 'outputAppFields'] as const;
export type FieldList = (typeof FIELD_LISTS)[number];

export class DocWriter {
  readonly doc: OjsDocument;
  private readonly nodes: unknown[];
  private readonly copiedNodes = new Set<number>();
  private readonly copiedLists = new Set<string>();
  private readonly copiedFields = new Set<string>();

  constructor(input: OjsDocument) {
    this.nodes = Array.isArray(input.nodeDataArray) ? [...input.nodeDataArray] : [];
    this.doc = { ...input, nodeDataArray: this.nodes as OjsNode[] };
  }

  /** The current node at index i (read-only view; undefined when not an object). */
  node(i: number): OjsNode | undefined {
    const n = this.nodes[i];
    return n && typeof n === 'object' && !Array.isArray(n) ? (n as OjsNode) : undefined;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The current field list of node i (read-only view). */
  fields(i: number, list: FieldList): OjsField[] {
    const l = this.node(i)?.[list];
    return Array.isArray(l) ? (l as OjsField[]) : [];
  }

  field(i: number, list: FieldList, j: number): OjsField | undefined {
    const f = this.fields(i, list)[j];
    return f && typeof f === 'object' && !Array.isArray(f) ? f : undefined;
  }

  /** Sets one key of one field, copying the node, its list and the field on first write. */
  setField(i: number, list: FieldList, j: number, key: string, value: unknown): void {
    const node = this.writableNode(i);
    const lkey = `${i}/${list}`;
    if (!this.copiedLists.has(lkey)) {
      node[list] = [...(node[list] as OjsField[])];
      this.copiedLists.add(lkey);
    }
    const fkey = `${lkey}/${j}`;
    const arr = node[list] as OjsField[];
    if (!this.copiedFields.has(fkey)) {
      arr[j] = { ...arr[j] };
      this.copiedFields.add(fkey);
    }
    arr[j][key] = value;
  }

  /** Replaces a top-level key of node i (the value must already be a fresh object). */
  setNodeKey(i: number, key: string, value: unknown): void {
    this.writableNode(i)[key] = value;
  }

  private writableNode(i: number): OjsNode {
    if (!this.copiedNodes.has(i)) {
      this.nodes[i] = { ...(this.nodes[i] as OjsNode) };
      this.copiedNodes.add(i);
    }
    return this.nodes[i] as OjsNode;
  }
}

/**
 * Applies fn to every string in a JSON value, returning the same object when nothing
 * changed and fresh copies along the changed paths otherwise (structural sharing).
 * Object keys are left alone. Linear in the size of the value.
 */
export function mapStrings(v: unknown, fn: (s: string) => string): unknown {
  if (typeof v === 'string') return fn(v);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const r = mapStrings(v[i], fn);
      if (r !== v[i]) {
        out ??= [...v];
        out[i] = r;
      }
    }
    return out ?? v;
  }
  if (v && typeof v === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v)) {
      const r = mapStrings(x, fn);
      if (r !== x) {
        out ??= { ...(v as Record<string, unknown>) };
        out[k] = r;
      }
    }
    return out ?? v;
  }
  return v;
}
