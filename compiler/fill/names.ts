// The names a graph accepts as parameters, and how a name finds what it sets.
//
// A parameter name is accepted when it is
//   1. a placeholder written in the graph: "~name" or "~{name}" in any string value (§2.2);
//   2. a global variable: a field of a GlobalVariable / EnvironmentVariables node (§2.4);
//   3. a field address: "<node name>.<field name>" or "<node id>.<field name>". The node id
//      form always names one node; the name form must name exactly one node (EAGLE allows
//      several nodes with one name, and setting all of them silently would surprise).
// A name may be several of these at once; it then sets all of them.

import type { OjsField, OjsNode } from '../model.ts';
import { placeholderNames } from './placeholders.ts';
import { FIELD_LISTS, mapStrings, type DocWriter, type FieldList } from './writer.ts';

export const GLOBAL_CATEGORIES = new Set(['GlobalVariable', 'EnvironmentVariables']);

export interface FieldRef {
  node: number;
  list: FieldList;
  index: number;
}

export function isGlobalNode(n: OjsNode | undefined): boolean {
  return !!n && GLOBAL_CATEGORIES.has(String(n.category));
}

/** A field of a global-variable node that defines a variable (ports define nothing). */
export function isGlobalField(f: unknown): f is OjsField {
  if (!f || typeof f !== 'object') return false;
  const o = f as OjsField;
  return typeof o.name === 'string' && o.name !== '' && (o.usage === undefined || o.usage === 'NoPort');
}

function nodeId(n: OjsNode): string | undefined {
  return typeof n.id === 'string' || typeof n.id === 'number' ? String(n.id) : undefined;
}

function fieldName(f: unknown): string | undefined {
  return f && typeof f === 'object' && typeof (f as OjsField).name === 'string' ? (f as OjsField).name : undefined;
}

export class NameIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly byId = new Map<string, number>();
  private placeholderSet?: Set<string>;
  private globalMap?: Map<string, FieldRef[]>;

  constructor(private readonly w: DocWriter) {
    for (let i = 0; i < w.nodeCount; i++) {
      const n = w.node(i);
      if (!n) continue;
      const id = nodeId(n);
      if (id !== undefined && !this.byId.has(id)) this.byId.set(id, i);
      if (typeof n.name === 'string') {
        const l = this.byName.get(n.name);
        if (l) l.push(i);
        else this.byName.set(n.name, [i]);
      }
    }
  }

  /** Placeholder names written anywhere in the document. Linear in its size. */
  placeholders(): Set<string> {
    if (this.placeholderSet) return this.placeholderSet;
    const set = new Set<string>();
    mapStrings(this.w.doc, (s) => {
      for (const n of placeholderNames(s)) set.add(n);
      return s;
    });
    return (this.placeholderSet = set);
  }

  /** Global variable name → the fields that define it. */
  globals(): Map<string, FieldRef[]> {
    if (this.globalMap) return this.globalMap;
    const map = new Map<string, FieldRef[]>();
    for (let i = 0; i < this.w.nodeCount; i++) {
      if (!isGlobalNode(this.w.node(i))) continue;
      this.w.fields(i, 'fields').forEach((f, index) => {
        if (!isGlobalField(f)) return;
        const name = f.name;
        const l = map.get(name) ?? [];
        l.push({ node: i, list: 'fields', index });
        map.set(name, l);
      });
    }
    return (this.globalMap = map);
  }

  /**
   * The fields a "<node>.<field>" address names. Tries every dot as the split point, since
   * node and field names may themselves contain dots. `nodes` lists every node the node part
   * matched, so the caller can report an ambiguous name. O(dots in the address + fields).
   */
  resolveField(address: string): { refs: FieldRef[]; nodes: number[] } {
    const refs: FieldRef[] = [];
    const nodes = new Set<number>();
    for (let dot = address.indexOf('.'); dot > 0; dot = address.indexOf('.', dot + 1)) {
      const nodePart = address.slice(0, dot);
      const fieldPart = address.slice(dot + 1);
      if (fieldPart === '') continue;
      const id = this.byId.get(nodePart);
      const candidates = id !== undefined ? [id] : this.byName.get(nodePart) ?? [];
      for (const i of candidates) {
        let hit = false;
        for (const list of FIELD_LISTS) {
          this.w.fields(i, list).forEach((f, index) => {
            if (fieldName(f) === fieldPart) {
              refs.push({ node: i, list, index });
              hit = true;
            }
          });
        }
        if (hit) nodes.add(i);
      }
    }
    return { refs, nodes: [...nodes] };
  }

  /**
   * Every accepted name, grouped and sorted, for messages. Fields are listed by node name;
   * nodes that share their name with another are counted in `sharedNames` instead (their
   * fields are addressed by node id).
   */
  accepted(): { placeholders: string[]; globals: string[]; fields: string[]; sharedNames: number } {
    const fields = new Set<string>();
    let sharedNames = 0;
    for (let i = 0; i < this.w.nodeCount; i++) {
      const n = this.w.node(i);
      if (!n || isGlobalNode(n)) continue;
      if (typeof n.name !== 'string' || this.byName.get(n.name)?.length !== 1) {
        sharedNames++;
        continue;
      }
      for (const list of FIELD_LISTS) {
        for (const f of this.w.fields(i, list)) {
          const name = fieldName(f);
          // Ports carry data at run time; their values are rarely parameters.
          if (name && (f.usage === undefined || f.usage === 'NoPort')) fields.add(`${n.name}.${name}`);
        }
      }
    }
    return {
      placeholders: [...this.placeholders()].sort(),
      globals: [...this.globals().keys()].sort(),
      fields: [...fields].sort(),
      sharedNames,
    };
  }
}

/** Edit distance, for "did you mean" hints. O(|a|·|b|). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
