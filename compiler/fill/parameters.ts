// Applying parameters to a graph (§2.2, with the addressing rules of names.ts).
// Placeholders are substituted first, then field addresses and globals are set, so the
// more specific name wins when both touch one field. Linear in the document size plus,
// per parameter, the dots of its name.

import { CODES, error, pointer, warning, type Diagnostic } from '../../kernel/diagnostics.ts';
import type { OjsField } from '../model.ts';
import { convertToType, show } from './convert.ts';
import { editDistance, isGlobalNode, NameIndex, type FieldRef } from './names.ts';
import { flattenParams, type FlatParam, type Params } from './params.ts';
import { placeholderNames, substitute, wholePlaceholder } from './placeholders.ts';
import { FIELD_LISTS, mapStrings, type DocWriter } from './writer.ts';

function fieldPointer(ref: FieldRef): string {
  return pointer('nodeDataArray', ref.node, ref.list, ref.index);
}

function nodeLabel(w: DocWriter, i: number): { nodeId?: string; nodeName?: string; text: string } {
  const n = w.node(i);
  const nodeId = n && (typeof n.id === 'string' || typeof n.id === 'number') ? String(n.id) : undefined;
  const nodeName = n && typeof n.name === 'string' ? n.name : undefined;
  return { nodeId, nodeName, text: `${nodeName ?? '(unnamed)'} (${nodeId ?? `#${i}`})` };
}

/** Converts and stores a value into one field; reports a conversion failure. */
function setTyped(w: DocWriter, ref: FieldRef, key: 'value' | 'defaultValue', value: unknown, why: string, file: string, diags: Diagnostic[]): void {
  const f = w.field(ref.node, ref.list, ref.index) as OjsField;
  const c = convertToType(value, f.type, f.options);
  if (!c.ok) {
    const n = nodeLabel(w, ref.node);
    diags.push(
      error(CODES.BAD_PARAMETER_VALUE, `${why}: field '${f.name}' of node ${n.text} is of type ${f.type}, and the value ${show(value)} ${c.reason}`, {
        file,
        nodeId: n.nodeId,
        nodeName: n.nodeName,
        field: f.name,
        pointer: `${fieldPointer(ref)}/${key}`,
      }),
    );
    return;
  }
  w.setField(ref.node, ref.list, ref.index, key, c.value);
}

/** Substitutes every placeholder of a known parameter; records the names it used. */
function substitutePlaceholders(w: DocWriter, flat: Map<string, FlatParam>, used: Set<string>, file: string, diags: Diagnostic[]): void {
  const has = (n: string) => flat.has(n);
  const valueOf = (n: string) => {
    used.add(n);
    return flat.get(n)!.value;
  };
  const sub = (s: string) => substitute(s, has, valueOf);
  for (let i = 0; i < w.nodeCount; i++) {
    const node = w.node(i);
    if (!node) continue;
    for (const [k, v] of Object.entries(node)) {
      if ((FIELD_LISTS as readonly string[]).includes(k)) continue;
      const r = mapStrings(v, sub);
      if (r !== v) w.setNodeKey(i, k, r);
    }
    for (const list of FIELD_LISTS) {
      w.fields(i, list).forEach((f, index) => {
        if (!f || typeof f !== 'object') return;
        const ref = { node: i, list, index };
        for (const [k, v] of Object.entries(f)) {
          if ((k === 'value' || k === 'defaultValue') && typeof v === 'string') {
            const whole = wholePlaceholder(v);
            // A whole-value placeholder takes the parameter's typed value (§2.2 deviation).
            if (whole !== undefined && flat.has(whole)) {
              used.add(whole);
              setTyped(w, ref, k, flat.get(whole)!.value, `parameter '${whole}'`, file, diags);
              continue;
            }
          }
          const r = mapStrings(v, sub);
          if (r !== v) w.setField(i, list, index, k, r);
        }
      });
    }
  }
  for (const [k, v] of Object.entries(w.doc)) {
    if (k === 'nodeDataArray') continue;
    const r = mapStrings(v, sub);
    if (r !== v) w.doc[k] = r;
  }
}

/** Applies params through w, reports into diags; returns the parameter names given. */
export function applyParameters(w: DocWriter, params: Params, file: string, diags: Diagnostic[]): Set<string> {
  const flat = flattenParams(params);
  if (flat.size === 0) return new Set();
  const index = new NameIndex(w);
  index.placeholders(); // as written, before substitution, for the unknown-name message
  const globals = index.globals();
  const used = new Set<string>();
  const fieldSets: { p: FlatParam; refs: FieldRef[] }[] = [];

  for (const p of flat.values()) {
    const g = globals.get(p.name);
    if (g) {
      used.add(p.name);
      fieldSets.push({ p, refs: g });
    }
    const { refs, nodes } = index.resolveField(p.name);
    if (nodes.length > 1) {
      used.add(p.name);
      const list = nodes.map((i) => nodeLabel(w, i).nodeId ?? `#${i}`).join(', ');
      diags.push(error(CODES.AMBIGUOUS_PARAMETER, `parameter '${p.name}' names a field of ${nodes.length} nodes (ids ${list}); address one as '<node id>.<field name>'`, { file, field: p.name }));
    } else if (refs.length) {
      used.add(p.name);
      fieldSets.push({ p, refs });
    }
  }

  substitutePlaceholders(w, flat, used, file, diags);
  for (const { p, refs } of fieldSets) {
    for (const ref of refs) setTyped(w, ref, 'value', p.value, `parameter '${p.name}'`, file, diags);
  }
  reportUnknown(flat, used, index, file, diags);
  return new Set(flat.keys());
}

function reportUnknown(flat: Map<string, FlatParam>, used: Set<string>, index: NameIndex, file: string, diags: Diagnostic[]): void {
  const unknown = [...flat.values()].filter((p) => p.leaf && !used.has(p.name) && !p.ancestors.some((a) => used.has(a)));
  if (!unknown.length) return;
  const acc = index.accepted();
  const all = [...acc.placeholders, ...acc.globals, ...acc.fields];
  const groups: string[] = [];
  const listOf = (names: string[], max: number) =>
    names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length - max} more)`;
  if (acc.placeholders.length) groups.push(`placeholders: ${listOf(acc.placeholders, 50)}`);
  if (acc.globals.length) groups.push(`global variables: ${listOf(acc.globals, 50)}`);
  if (acc.fields.length) groups.push(`fields ('<node name>.<field name>'): ${listOf(acc.fields, 30)}`);
  if (acc.sharedNames) groups.push(`the fields of ${acc.sharedNames} node(s) whose name is not unique, as '<node id>.<field name>'`);
  const accepted = groups.length ? `This graph accepts ${groups.join('; ')}.` : 'This graph has no placeholders, global variables or fields.';
  for (const p of unknown) {
    // Suggestions only where it stays cheap (a name is compared with every accepted name).
    let hint = '';
    if (all.length <= 20000) {
      // A bare field name ("greet") is most likely meant for the field of that name.
      const best = all
        .map((n) => ({ n, d: n.endsWith(`.${p.name}`) ? 0 : editDistance(p.name.toLowerCase(), n.toLowerCase()) }))
        .filter((x) => x.d <= Math.max(2, Math.floor(p.name.length / 4)))
        .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
        .slice(0, 3);
      if (best.length) hint = ` Did you mean ${best.map((b) => `'${b.n}'`).join(' or ')}?`;
    }
    diags.push(error(CODES.UNKNOWN_PARAMETER, `unknown parameter '${p.name}': it matches no ~placeholder, global variable or node field of this graph.${hint} ${accepted}`, { file, field: p.name }));
  }
}

/**
 * Placeholders left in field values after filling: the template still needs a parameter.
 * A warning, so an unfilled template validates (and fails only with --strict).
 */
export function reportUnfilled(w: DocWriter, file: string, diags: Diagnostic[], given: ReadonlySet<string>): void {
  for (let i = 0; i < w.nodeCount; i++) {
    const node = w.node(i);
    if (!node || isGlobalNode(node)) continue;
    for (const list of FIELD_LISTS) {
      w.fields(i, list).forEach((f, index) => {
        const v = f && typeof f === 'object' ? f.value : undefined;
        if (typeof v !== 'string' || !v.includes('~')) return;
        // A given parameter that could not be applied has its own error already.
        const names = [...new Set(placeholderNames(v))].filter((x) => !given.has(x));
        if (!names.length) return;
        const n = nodeLabel(w, i);
        const example = names.map((x) => `-p ${x}=...`).join(' ');
        diags.push(
          warning(CODES.UNMATCHED_PLACEHOLDER, `field '${f.name}' of node ${n.text} still holds the placeholder${names.length > 1 ? 's' : ''} ${names.map((x) => `~${x}`).join(', ')}: give ${names.length > 1 ? 'them' : 'it'} with --params or ${example}`, {
            file,
            nodeId: n.nodeId,
            nodeName: n.nodeName,
            field: String(f.name),
            pointer: `${pointer('nodeDataArray', i, list, index)}/value`,
          }),
        );
      });
    }
  }
}
