// Conversion of pre-OJS EAGLE graphs to the OJS shape.
// Older editors wrote integer `key`/`group` instead of `id`/`parentId` (some versions an
// integer `oid`, negative like the keys, with links naming those numbers), `text` instead of
// `name`, and ports as `inputPorts`/`outputPorts` lists of {Id, IdText} instead of fields
// with a `usage`. The reference reads only the OJS keys and crashes on these graphs
// (KeyError: 'id'); we convert them to the same model instead.

import type { OjsDocument, OjsField, OjsLink, OjsNode } from '../model.ts';

type Json = Record<string, unknown>;

/** The keys older editors identified nodes by, in the order they are tried. */
const LEGACY_ID_KEYS = ['key', 'oid'] as const;

/** True when the graph needs conversion: any node without an `id` but with a `key` or `oid`. */
export function needsLegacyConversion(doc: Json): boolean {
  const nodes = doc.nodeDataArray;
  if (!Array.isArray(nodes)) return false;
  for (const n of nodes) {
    if (n && typeof n === 'object' && !('id' in n) && LEGACY_ID_KEYS.some((k) => k in n)) return true;
  }
  return false;
}

/** Which legacy identity key the nodes use ('key' or 'oid'), for the conversion message. */
export function legacyIdKey(doc: Json): string {
  const nodes = Array.isArray(doc.nodeDataArray) ? doc.nodeDataArray : [];
  for (const k of LEGACY_ID_KEYS) if (nodes.some((n) => n && typeof n === 'object' && !('id' in n) && k in n)) return k;
  return 'key';
}

/** Ids as text: strings and numbers only (never a value's own toString). */
function str(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

interface LegacyPort {
  Id?: unknown;
  IdText?: unknown;
  id?: unknown;
  name?: unknown;
  text?: unknown;
  type?: unknown;
  description?: unknown;
}

function portName(p: LegacyPort): string {
  // `text` is the user-visible name; IdText is the name in EAGLE 4, a geometric
  // label ("B-T") in the oldest editor; later port lists hold field-like objects.
  const t = typeof p.text === 'string' && p.text !== '' ? p.text : undefined;
  return t ?? (typeof p.IdText === 'string' ? p.IdText : typeof p.name === 'string' ? p.name : '');
}

/**
 * Adds the ports of a port list to a field list. A port whose id is already a field takes
 * that field's place (a field listed as a port in both directions is InputOutput); the
 * others become new ApplicationArgument fields.
 */
function addPorts(fields: OjsField[], list: unknown, usage: 'InputPort' | 'OutputPort'): void {
  if (!Array.isArray(list)) return;
  for (const p of list as LegacyPort[]) {
    if (!p || typeof p !== 'object') continue;
    const id = str(p.Id) ?? str(p.id);
    if (id === undefined) continue;
    const seen = fields.find((f) => f.id === id);
    if (seen) {
      const u = seen.usage;
      if (u === undefined || u === 'NoPort') seen.usage = usage;
      else if (u !== usage && u !== 'InputOutput') seen.usage = 'InputOutput';
      continue;
    }
    fields.push({
      id,
      name: portName(p),
      value: '',
      defaultValue: '',
      type: typeof p.type === 'string' && p.type ? p.type : 'Object',
      parameterType: 'ApplicationArgument',
      usage,
      description: typeof p.description === 'string' ? p.description : '',
    });
  }
}

/**
 * Fields as OJS fields: missing ids, names, values and usages filled in. OJS-shaped fields
 * come out as they went in, so files that mix both shapes convert field by field.
 */
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

const NO_APP = new Set(['', 'None', 'UnknownApplication']);

function appType(raw: Json, which: 'input' | 'output'): string | undefined {
  const t = raw[`${which}ApplicationType`];
  return typeof t === 'string' && !NO_APP.has(t) ? t : undefined;
}

function convertNode(raw: Json): OjsNode {
  const id = str(raw.id) ?? str(raw.key) ?? str(raw.oid) ?? '';
  const node: OjsNode = { ...raw, id };
  delete node.key;
  if (raw.id === undefined && raw.key === undefined) delete node.oid;
  if (typeof node.name !== 'string') node.name = typeof raw.text === 'string' ? raw.text : '';
  if (raw.parentId === undefined && str(raw.group) !== undefined) {
    node.parentId = str(raw.group);
  } else if (typeof raw.parentId === 'number') {
    node.parentId = String(raw.parentId);
  }
  delete node.group;
  if (typeof raw.inputApplicationName !== 'string' && typeof raw.inputAppName === 'string') node.inputApplicationName = raw.inputAppName;
  if (typeof raw.outputApplicationName !== 'string' && typeof raw.outputAppName === 'string') node.outputApplicationName = raw.outputAppName;

  const fields = [
    ...convertFields(id, raw.fields, 'ComponentParameter', 'field'),
    ...convertFields(id, raw.applicationArgs, 'ApplicationArgument', 'arg'),
  ];
  const inputApp = raw.isGroup === true ? appType(raw, 'input') : undefined;
  const outputApp = raw.isGroup === true ? appType(raw, 'output') : undefined;
  if (inputApp || outputApp) {
    // A construct has no ports of its own: EAGLE moves the ports drawn on it to its embedded
    // apps. The "local" ports face inside: the input app's outputs, the output app's inputs.
    // Without an output app, output ports can only be the input app's.
    const inFields = convertFields(id, raw.inputAppFields, 'ApplicationArgument', 'inapp');
    const outFields = convertFields(id, raw.outputAppFields, 'ApplicationArgument', 'outapp');
    const inputSide = inputApp ? inFields : outFields;
    addPorts(inputSide, raw.inputPorts, 'InputPort');
    addPorts(inputSide, raw.inputLocalPorts, 'OutputPort');
    addPorts(outputApp ? outFields : inFields, raw.outputLocalPorts, 'InputPort');
    addPorts(outputApp ? outFields : inFields, raw.outputPorts, 'OutputPort');
    node.inputAppFields = inFields;
    node.outputAppFields = outFields;
  } else {
    addPorts(fields, raw.inputPorts, 'InputPort');
    addPorts(fields, raw.outputPorts, 'OutputPort');
  }
  node.fields = fields;
  delete node.inputPorts;
  delete node.outputPorts;
  delete node.inputLocalPorts;
  delete node.outputLocalPorts;
  delete node.applicationArgs;
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
