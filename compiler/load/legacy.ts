// Conversion of pre-OJS EAGLE graphs to the OJS shape.
// Older editors wrote integer `key`/`group` instead of `id`/`parentId`, `text` instead of
// `name`, and ports as `inputPorts`/`outputPorts` lists of {Id, IdText} instead of fields
// with a `usage`. The reference reads only the OJS keys and crashes on these graphs
// (KeyError: 'id'); we convert them to the same model instead.

import type { OjsDocument, OjsField, OjsLink, OjsNode } from '../model.ts';

type Json = Record<string, unknown>;

/** True when the graph needs conversion: any node without a string `id`. */
export function needsLegacyConversion(doc: Json): boolean {
  const nodes = doc.nodeDataArray;
  if (!Array.isArray(nodes)) return false;
  for (const n of nodes) {
    if (n && typeof n === 'object' && !('id' in n) && 'key' in n) return true;
  }
  return false;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v);
}

interface LegacyPort {
  Id?: unknown;
  IdText?: unknown;
  text?: unknown;
  type?: unknown;
  description?: unknown;
}

function portName(p: LegacyPort): string {
  // `text` is the user-visible name; IdText is the name in EAGLE 4, a geometric
  // label ("B-T") in the oldest editor.
  const t = typeof p.text === 'string' && p.text !== '' ? p.text : undefined;
  return t ?? (typeof p.IdText === 'string' ? p.IdText : '');
}

/** Ports listed separately become fields; a port id listed on both sides is InputOutput. */
function portFields(inputs: unknown, outputs: unknown): OjsField[] {
  const out: OjsField[] = [];
  const byId = new Map<string, OjsField>();
  const add = (list: unknown, usage: 'InputPort' | 'OutputPort') => {
    if (!Array.isArray(list)) return;
    for (const p of list as LegacyPort[]) {
      if (!p || typeof p !== 'object') continue;
      const id = str(p.Id);
      if (id === undefined) continue;
      const seen = byId.get(id);
      if (seen) {
        if (seen.usage !== usage) seen.usage = 'InputOutput';
        continue;
      }
      const f: OjsField = {
        id,
        name: portName(p),
        value: '',
        defaultValue: '',
        type: typeof p.type === 'string' && p.type ? p.type : 'Object',
        parameterType: 'ApplicationArgument',
        usage,
        description: typeof p.description === 'string' ? p.description : '',
      };
      byId.set(id, f);
      out.push(f);
    }
  };
  add(inputs, 'InputPort');
  add(outputs, 'OutputPort');
  return out;
}

function convertFields(nodeId: string, list: unknown, parameterType: string, tag: string): OjsField[] {
  if (!Array.isArray(list)) return [];
  const out: OjsField[] = [];
  list.forEach((f, i) => {
    if (!f || typeof f !== 'object') return;
    const o = f as Json;
    const name = typeof o.name === 'string' ? o.name : typeof o.text === 'string' ? o.text : `field${i}`;
    out.push({
      ...o,
      id: str(o.id) ?? `${nodeId}:${tag}:${i}`,
      name,
      value: 'value' in o ? o.value : '',
      defaultValue: 'defaultValue' in o ? o.defaultValue : '',
      type: typeof o.type === 'string' ? o.type : 'Unknown',
      parameterType: typeof o.parameterType === 'string' ? o.parameterType : parameterType,
      usage: typeof o.usage === 'string' ? o.usage : 'NoPort',
    });
  });
  return out;
}

function convertNode(raw: Json): OjsNode {
  const id = str(raw.id) ?? str(raw.key) ?? '';
  const node: OjsNode = { ...raw, id };
  delete node.key;
  if (typeof node.name !== 'string') node.name = typeof raw.text === 'string' ? raw.text : '';
  if (raw.parentId === undefined && raw.group !== undefined && raw.group !== null) {
    node.parentId = String(raw.group);
  }
  delete node.group;
  const hasOjsFields = Array.isArray(raw.fields) && (raw.fields as Json[]).every((f) => f && typeof f === 'object' && 'usage' in f && 'id' in f);
  if (!hasOjsFields) {
    node.fields = [
      ...convertFields(id, raw.fields, 'ComponentParameter', 'field'),
      ...convertFields(id, raw.applicationArgs, 'ApplicationArgument', 'arg'),
      ...portFields(raw.inputPorts, raw.outputPorts),
    ];
    if (raw.isGroup === true && raw.inputApplicationType && raw.inputApplicationType !== 'None') {
      node.inputAppFields = [
        ...convertFields(id, raw.inputAppFields, 'ApplicationArgument', 'inapp'),
        ...portFields(raw.inputLocalPorts, raw.outputLocalPorts),
      ];
    }
  }
  delete node.inputPorts;
  delete node.outputPorts;
  if (raw.inputApplicationId === undefined && raw.inputApplicationKey !== undefined) {
    node.inputApplicationId = str(raw.inputApplicationKey) ?? null;
  }
  if (raw.outputApplicationId === undefined && raw.outputApplicationKey !== undefined) {
    node.outputApplicationId = str(raw.outputApplicationKey) ?? null;
  }
  if (node.categoryType === undefined && raw.isData === true) node.categoryType = 'Data';
  return node;
}

/** Converts a key-based graph to OJS; array positions are kept so JSON pointers stay valid. */
export function convertLegacy(doc: Json): OjsDocument {
  const nodes = (doc.nodeDataArray as unknown[]).map((n) =>
    n && typeof n === 'object' ? convertNode(n as Json) : (n as OjsNode),
  );
  const links = (Array.isArray(doc.linkDataArray) ? doc.linkDataArray : []).map((l) => {
    if (!l || typeof l !== 'object') return l as OjsLink;
    const o = l as Json;
    const link: OjsLink = { ...o, from: str(o.from) ?? '', to: str(o.to) ?? '' };
    // The oldest editor wrote geometric sides as ports; they name nothing.
    if (typeof o.fromPort === 'string' && /^[BTRL]$/.test(o.fromPort)) delete link.fromPort;
    if (typeof o.toPort === 'string' && /^[BTRL]$/.test(o.toPort)) delete link.toPort;
    return link;
  });
  return { ...doc, nodeDataArray: nodes, linkDataArray: links } as OjsDocument;
}
