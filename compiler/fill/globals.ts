// Global variables (§2.4): the fields of GlobalVariable and EnvironmentVariables nodes (Q14:
// the reference knows only the first, while EAGLE's test graphs use the second) define
// `{name}` substitutions in the field values of every other node.
// Q14 fixed: "out_{n}" substitutes text; only a value that is exactly "{n}" takes the
// global's typed value. Nodes without fields and fields without values are skipped.
// Global nodes stay in the document (EAGLE shows them); the loader drops them.

import { CODES, error, pointer, warning, type Diagnostic } from '../../kernel/diagnostics.ts';
import type { OjsField } from '../model.ts';
import { convertToType, show, textOf } from './convert.ts';
import { isGlobalField, isGlobalNode } from './names.ts';
import { FIELD_LISTS, type DocWriter } from './writer.ts';

interface Global {
  value: unknown;
  type: unknown;
}

const BRACED = /\{([^{}]+)\}/g;
const WHOLE = /^\{([^{}]+)\}$/;
/** Field types that do not constrain a value: a whole "{g}" there takes the global's type. */
const UNTYPED = (t: unknown) => typeof t !== 'string' || t === '' || t === 'Unknown' || t === 'Object' || t.startsWith('Object.');

function label(w: DocWriter, i: number) {
  const n = w.node(i);
  const nodeId = n && (typeof n.id === 'string' || typeof n.id === 'number') ? String(n.id) : undefined;
  const nodeName = n && typeof n.name === 'string' ? n.name : undefined;
  return { nodeId, nodeName, text: `${nodeName ?? '(unnamed)'} (${nodeId ?? `#${i}`})` };
}

function collect(w: DocWriter, file: string, diags: Diagnostic[]): Map<string, Global> {
  const globals = new Map<string, Global>();
  for (let i = 0; i < w.nodeCount; i++) {
    if (!isGlobalNode(w.node(i))) continue;
    w.fields(i, 'fields').forEach((f, j) => {
      if (!isGlobalField(f)) return;
      const raw = f.value === '' || f.value === undefined ? f.defaultValue ?? '' : f.value;
      const n = label(w, i);
      const at = { file, nodeId: n.nodeId, nodeName: n.nodeName, field: f.name, pointer: `${pointer('nodeDataArray', i, 'fields', j)}/value` };
      let value: unknown = raw;
      if (raw !== '' && raw !== null) {
        const c = convertToType(raw, f.type, f.options);
        if (!c.ok) {
          diags.push(error(CODES.GLOBAL_TYPE_MISMATCH, `global variable '${f.name}' of node ${n.text} is of type ${f.type}, and its value ${show(raw)} ${c.reason}`, at));
          return;
        }
        value = c.value;
      }
      const prev = globals.get(f.name);
      if (prev && textOf(prev.value) !== textOf(value)) {
        diags.push(warning(CODES.DUPLICATE_GLOBAL, `global variable '${f.name}' is defined again by node ${n.text} with value ${show(value)} (was ${show(prev.value)}); the last definition is used`, at));
      }
      globals.set(f.name, { value, type: f.type });
    });
  }
  return globals;
}

/** Substitutes the globals into every other node. Linear in the fields' size. */
export function applyGlobals(w: DocWriter, file: string, diags: Diagnostic[]): void {
  const globals = collect(w, file, diags);
  if (globals.size === 0) return;
  const sub = (s: string) => s.replace(BRACED, (all, name: string) => (globals.has(name) ? textOf(globals.get(name)!.value) : all));
  for (let i = 0; i < w.nodeCount; i++) {
    if (isGlobalNode(w.node(i))) continue;
    for (const list of FIELD_LISTS) {
      w.fields(i, list).forEach((f, j) => {
        if (!f || typeof f !== 'object') return;
        for (const key of ['value', 'defaultValue'] as const) {
          const v = f[key];
          if (typeof v !== 'string' || !v.includes('{')) continue;
          const whole = WHOLE.exec(v);
          const g = whole ? globals.get(whole[1]) : undefined;
          if (g) {
            setWhole(w, i, list, j, f, key, whole![1], g, file, diags);
            continue;
          }
          const r = sub(v);
          if (r !== v) w.setField(i, list, j, key, r);
        }
      });
    }
  }
}

function setWhole(w: DocWriter, i: number, list: (typeof FIELD_LISTS)[number], j: number, f: OjsField, key: 'value' | 'defaultValue', name: string, g: Global, file: string, diags: Diagnostic[]): void {
  if (UNTYPED(f.type)) {
    w.setField(i, list, j, key, g.value);
    // Keep the document self-consistent: the field now holds a value of the global's type.
    if (key === 'value' && typeof g.type === 'string' && g.type !== '') w.setField(i, list, j, 'type', g.type);
    return;
  }
  const c = convertToType(g.value, f.type, f.options);
  if (!c.ok) {
    const n = label(w, i);
    diags.push(
      error(CODES.GLOBAL_TYPE_MISMATCH, `field '${f.name}' of node ${n.text} is of type ${f.type}, but global variable '${name}' = ${show(g.value)} ${c.reason}`, {
        file,
        nodeId: n.nodeId,
        nodeName: n.nodeName,
        field: f.name,
        pointer: `${pointer('nodeDataArray', i, list, j)}/${key}`,
      }),
    );
    return;
  }
  w.setField(i, list, j, key, c.value);
}
