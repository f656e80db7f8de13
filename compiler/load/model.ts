// OJS document → LogicalGraph: the normalised model every later stage reads.
// Non-executable nodes go at every nesting level (Q12), construct input apps become app
// nodes (§1.9), ports and parents are resolved. Never throws on malformed input: anything
// it cannot use is skipped here and reported by compiler/validate.

import { pointer } from '../diagnostics.ts';
import { expandMkn } from './mkn.ts';
import {
  CONSTRUCT_KINDS,
  type ConstructKind,
  type ExclusiveGroup,
  type LgField,
  type LgLink,
  type LgNode,
  type LgPort,
  type LogicalGraph,
  type NodeKind,
  type OjsDocument,
  type OjsField,
  type OjsNode,
  type Usage,
} from '../model.ts';

/** Categories the translator treats as applications when categoryType is missing (§1.4). */
export const APP_CATEGORIES = new Set([
  'Branch', 'Component', 'PythonApp', 'DALiuGEApp', 'BashShellApp', 'Mpi', 'DynlibApp',
  'DynlibProcApp', 'Docker', 'Service', 'PyFuncApp', 'PythonMemberFunction', 'PythonObject',
]);
/** Data categories (§1.4); these win over APP_CATEGORIES for `Data` (Q13). */
export const DATA_CATEGORIES = new Set([
  'File', 'Memory', 'S3', 'NGAS', 'json', 'SharedMemory', 'Data', 'null', 'Plasma',
  'PlasmaFlight', 'ParameterSet', 'Start', 'End', 'EnvironmentVariables',
]);
/** Categories that are never executed: removed with their links before anything else. */
export const NON_EXECUTABLE = new Set([
  'Comment', 'Description', 'Variables', 'GlobalVariable', 'EnvironmentVariables',
  'ExclusiveForceNode', 'Unknown',
]);
const NO_APP = new Set(['', 'None', 'UnknownApplication']);
/** The category of EAGLE's placement groups (ExclusiveGroup). */
export const EXCLUSIVE_FORCE_NODE = 'ExclusiveForceNode';

export function hasEmbeddedApp(type: unknown): type is string {
  return typeof type === 'string' && !NO_APP.has(type);
}

export function isNonExecutable(n: OjsNode): boolean {
  return NON_EXECUTABLE.has(scalarText(n.category)) || n.categoryType === 'Other';
}

function deriveCategoryType(category: string, given: unknown): string {
  if (typeof given === 'string' && given !== '') return given;
  if (DATA_CATEGORIES.has(category)) return 'Data';
  if (APP_CATEGORIES.has(category)) return 'Application';
  if ((CONSTRUCT_KINDS as readonly string[]).includes(category)) return 'Construct';
  return 'Unknown';
}

function kindOf(category: string, categoryType: string, isGroup: boolean): { kind: NodeKind; construct?: ConstructKind } {
  if ((CONSTRUCT_KINDS as readonly string[]).includes(category) && (isGroup || categoryType === 'Construct')) {
    return { kind: 'construct', construct: category as ConstructKind };
  }
  if (categoryType === 'Data') return { kind: 'data' };
  if (categoryType === 'Other') return { kind: 'other' };
  // Application, Control (old Branch), Service (e.g. Plasma) all unroll as app drops (§3.4.1).
  return { kind: 'app' };
}

const USAGES = new Set(['NoPort', 'InputPort', 'OutputPort', 'InputOutput']);

function toField(f: OjsField, ptr: string): LgField {
  const usage = (USAGES.has(scalarText(f.usage)) ? f.usage : 'NoPort') as Usage;
  const value = f.value;
  return {
    id: scalarText(f.id),
    name: scalarText(f.name),
    value,
    effective: value === '' && f.defaultValue !== undefined ? f.defaultValue : value,
    type: typeof f.type === 'string' ? f.type : 'Unknown',
    parameterType: typeof f.parameterType === 'string' ? f.parameterType : 'Unknown',
    usage,
    encoding: typeof f.encoding === 'string' ? f.encoding : undefined,
    raw: f,
    pointer: ptr,
  };
}

function fieldList(list: unknown, basePtr: string): LgField[] {
  if (!Array.isArray(list)) return [];
  const out: LgField[] = [];
  list.forEach((f, i) => {
    if (f && typeof f === 'object') out.push(toField(f as OjsField, `${basePtr}/${i}`));
  });
  return out;
}

function ports(fields: LgField[]): { inputPorts: LgPort[]; outputPorts: LgPort[] } {
  const inputPorts: LgPort[] = [];
  const outputPorts: LgPort[] = [];
  fields.forEach((f, i) => {
    const p = { id: f.id, name: f.name, encoding: f.encoding, field: i };
    if (f.usage === 'InputPort' || f.usage === 'InputOutput') inputPorts.push(p);
    if (f.usage === 'OutputPort' || f.usage === 'InputOutput') outputPorts.push(p);
  });
  return { inputPorts, outputPorts };
}

function attrsOf(fields: LgField[]): Record<string, unknown> {
  const attrs: Record<string, unknown> = Object.create(null);
  for (const f of fields) attrs[f.name] = f.effective;
  return attrs;
}

interface Draft {
  raw: OjsNode;
  id: string;
  name: string;
  category: string;
  categoryType: string;
  isGroup: boolean;
  parentId?: string;
  fields: LgField[];
  ptr: string;
  /** construct apps: how many leading fields are the app's own (node attributes, §2.5) */
  attrCount?: number;
  appOf?: number; // draft index of the construct
  outputApp?: boolean;
}

/** Builds the model. `file` is only recorded. Linear in nodes + links + fields. */
export function buildLogicalGraph(filled: OjsDocument, file = '-', version = 'OJS'): LogicalGraph {
  const doc = expandMkn(filled);
  const rawNodes: unknown[] = Array.isArray(doc.nodeDataArray) ? doc.nodeDataArray : [];
  const removed = new Set<string>();
  const drafts: Draft[] = [];
  const seen = new Set<string>();
  const forceNodes = new Map<string, { name: string; parentId?: string; ptr: string }>();

  rawNodes.forEach((n, i) => {
    if (!n || typeof n !== 'object') return;
    const raw = n as OjsNode;
    const id = typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id) : '';
    if (id === '' || seen.has(id)) return; // reported by validate (SCHEMA / DUPLICATE_NODE_ID)
    seen.add(id);
    if (raw.category === EXCLUSIVE_FORCE_NODE) {
      forceNodes.set(id, { name: typeof raw.name === 'string' ? raw.name : '', parentId: parentIdOf(raw), ptr: `/nodeDataArray/${i}` });
    }
    if (isNonExecutable(raw)) {
      removed.add(id);
      return;
    }
    const category = typeof raw.category === 'string' ? raw.category : 'Unknown';
    // Nodes made by the MKN rewrite point at their MKN.
    const ptr = typeof raw._pointer === 'string' ? raw._pointer : `/nodeDataArray/${i}`;
    drafts.push({
      raw,
      id,
      name: typeof raw.name === 'string' ? raw.name : '',
      category,
      categoryType: deriveCategoryType(category, raw.categoryType),
      isGroup: raw.isGroup === true,
      parentId: parentIdOf(raw),
      fields: fieldList(raw.fields, `${ptr}/fields`),
      ptr,
    });
  });

  // Construct input apps (§1.9): the app takes the construct's id, so every link EAGLE drew
  // to the construct now attaches to the app; the construct is re-keyed. Appended at the end,
  // as the reference does, so drop order matches its output. A SubGraph with input and
  // output apps is inlined: both apps go inside it, and links on the output app's ports
  // attach to the output app.
  const constructIds = new Map<string, string>(); // original id → construct's new id
  const outputPorts = new Map<string, { app: string; ports: Set<string> }>();
  const appDrafts: Draft[] = [];
  drafts.forEach((d, di) => {
    const c = d.category;
    if (!d.isGroup || !(c === 'Scatter' || c === 'Gather' || c === 'Service' || c === 'SubGraph')) return;
    if (!hasEmbeddedApp(d.raw.inputApplicationType)) return;
    if (c === 'SubGraph' && !hasEmbeddedApp(d.raw.outputApplicationType)) return;
    const newId = `${d.id}/${c.toLowerCase()}`;
    constructIds.set(d.id, newId);
    const inputFields = fieldList(d.raw.inputAppFields, `${d.ptr}/inputAppFields`);
    appDrafts.push({
      raw: d.raw,
      id: d.id,
      name: d.name,
      category: d.raw.inputApplicationType as string,
      // Q13: a construct app is an application whatever its category.
      categoryType: 'Application',
      isGroup: false,
      parentId: c === 'Gather' || c === 'SubGraph' ? newId : d.parentId,
      fields: c === 'SubGraph' ? inputFields : [...inputFields, ...d.fields],
      attrCount: inputFields.length,
      ptr: d.ptr,
      appOf: di,
    });
    if (c === 'SubGraph') {
      const outFields = fieldList(d.raw.outputAppFields, `${d.ptr}/outputAppFields`);
      const outId = typeof d.raw.outputApplicationId === 'string' && d.raw.outputApplicationId !== '' ? d.raw.outputApplicationId : `${d.id}/output`;
      outputPorts.set(d.id, { app: outId, ports: new Set(outFields.map((f) => f.id)) });
      appDrafts.push({
        raw: d.raw,
        id: outId,
        name: typeof d.raw.outputApplicationName === 'string' && d.raw.outputApplicationName !== '' ? d.raw.outputApplicationName : d.name,
        category: d.raw.outputApplicationType as string,
        categoryType: 'Application',
        isGroup: false,
        parentId: newId,
        fields: outFields,
        attrCount: outFields.length,
        ptr: d.ptr,
        appOf: di,
        outputApp: true,
      });
    }
    d.id = newId;
  });
  const all = drafts.concat(appDrafts);
  // The apps too: a nested construct's app took its construct's parent, which may itself have
  // been re-keyed, and must stay inside it to be made once per enclosing instance (§1.9 step 3).
  for (const d of all) {
    if (d.parentId !== undefined && constructIds.has(d.parentId)) d.parentId = constructIds.get(d.parentId);
  }
  const exclusiveOf = liftExclusiveChildren(all, forceNodes, constructIds);

  const byId = new Map<string, number>();
  const nodes: LgNode[] = all.map((d, index) => {
    byId.set(d.id, index);
    const { kind, construct } = kindOf(d.category, d.categoryType, d.isGroup);
    const attrFields = d.attrCount !== undefined ? d.fields.slice(0, d.attrCount) : d.fields;
    return {
      index,
      id: d.id,
      name: d.name,
      category: d.category,
      categoryType: d.appOf !== undefined ? 'Application' : d.categoryType,
      kind: d.appOf !== undefined ? 'app' : kind,
      construct: d.appOf !== undefined ? undefined : construct,
      isGroup: d.appOf !== undefined ? false : d.isGroup,
      parent: -1,
      children: [],
      fields: d.fields,
      ...ports(d.fields),
      attrs: attrsOf(attrFields),
      raw: d.raw,
      origin: { nodeId: d.appOf !== undefined ? d.id : String(d.raw.id), nodeName: d.name, pointer: d.ptr },
    };
  });
  const exclusiveGroups: ExclusiveGroup[] = [];
  const groupIndex = new Map<string, number>();
  all.forEach((d, i) => {
    const g = exclusiveOf[i];
    if (g !== undefined) {
      let k = groupIndex.get(g);
      if (k === undefined) {
        const f = forceNodes.get(g)!;
        k = exclusiveGroups.length;
        groupIndex.set(g, k);
        exclusiveGroups.push({ id: g, name: f.name, parent: -1, origin: { nodeId: g, nodeName: f.name, pointer: f.ptr } });
      }
      nodes[i].exclusive = k;
    }
    if (d.appOf !== undefined) {
      nodes[i].appOf = d.appOf;
      if (d.outputApp) nodes[d.appOf].outputApp = i;
      else nodes[d.appOf].inputApp = i;
    }
    if (d.parentId === undefined) return;
    const p = byId.get(d.parentId);
    // An unknown parent or a parent that is not a construct: the node stays at top level
    // (validate reports BAD_PARENT).
    if (p === undefined || p === i || nodes[p].kind !== 'construct') return;
    nodes[i].parent = p;
  });
  breakParentCycles(nodes);
  for (const n of nodes) if (n.parent >= 0) nodes[n.parent].children.push(n.index);
  // A group sits where its members do: they all have the construct that encloses it as
  // their nearest (or an outer) construct, so the shallowest member's parent is it.
  const depthOf = (i: number) => { let k = 0; for (let p = nodes[i].parent; p >= 0; p = nodes[p].parent) k++; return k; };
  const shallowest = new Int32Array(exclusiveGroups.length).fill(-1);
  for (const n of nodes) {
    if (n.exclusive === undefined) continue;
    const s = shallowest[n.exclusive]!;
    if (s < 0 || depthOf(n.index) < depthOf(s)) shallowest[n.exclusive] = n.index;
  }
  exclusiveGroups.forEach((g, k) => (g.parent = shallowest[k]! >= 0 ? nodes[shallowest[k]!].parent : -1));

  const links = buildLinks(doc, byId, removed, constructIds, outputPorts, nodes);
  const modelData = doc.modelData && typeof doc.modelData === 'object' ? doc.modelData : {};
  const reprodata = doc.reprodata && typeof doc.reprodata === 'object' ? doc.reprodata : undefined;
  return { file, version, modelData, nodes, links, byId, reprodata, exclusiveGroups, doc: filled };
}

/**
 * A string, number or boolean as text; anything else (null, objects, arrays) as ''. Never
 * calls a value's own toString: `{"toString": 1}` in a file must not throw.
 */
export function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function parentIdOf(raw: OjsNode): string | undefined {
  const p = scalarText(raw.parentId);
  return p === '' ? undefined : p;
}

/**
 * ExclusiveForceNodes multiply nothing: their children move up to the node that encloses
 * the group (through nested groups), as if the group were absent. Returns, per draft, the
 * id of the outermost group it was inside, if any. O(nodes · depth).
 */
function liftExclusiveChildren(
  all: Draft[],
  forceNodes: Map<string, { parentId?: string }>,
  constructIds: Map<string, string>,
): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(all.length);
  if (forceNodes.size === 0) return out;
  const parentOf = new Map<string, string | undefined>();
  for (const d of all) if (!parentOf.has(d.id)) parentOf.set(d.id, d.parentId);
  for (const [id, f] of forceNodes) {
    const p = f.parentId !== undefined && constructIds.has(f.parentId) ? constructIds.get(f.parentId) : f.parentId;
    parentOf.set(id, p);
  }
  all.forEach((d, i) => {
    let group: string | undefined;
    let direct: string | undefined;
    let directFound = false;
    const visited = new Set<string>();
    for (let p = d.parentId; p !== undefined && !visited.has(p); p = parentOf.get(p)) {
      visited.add(p); // a parent cycle is validate's to report
      if (forceNodes.has(p)) group = p;
      else if (!directFound) { direct = p; directFound = true; }
    }
    if (group === undefined) return;
    out[i] = group;
    if (d.parentId !== undefined && forceNodes.has(d.parentId)) d.parentId = direct;
  });
  return out;
}

/** A parent chain that loops back makes every node on it top level; validate reports it. */
function breakParentCycles(nodes: LgNode[]): void {
  const state = new Uint8Array(nodes.length); // 0 new, 1 on path, 2 done
  for (const start of nodes) {
    const path: number[] = [];
    let cur = start.index;
    while (cur >= 0 && state[cur] === 0) {
      state[cur] = 1;
      path.push(cur);
      cur = nodes[cur].parent;
    }
    if (cur >= 0 && state[cur] === 1) {
      // cycle: cut it where it closes
      for (let k = path.indexOf(cur); k < path.length; k++) nodes[path[k]].parent = -1;
    }
    for (const p of path) state[p] = 2;
  }
}

function buildLinks(
  doc: OjsDocument,
  byId: Map<string, number>,
  removed: Set<string>,
  constructIds: Map<string, string>,
  outputPorts: Map<string, { app: string; ports: Set<string> }>,
  nodes: LgNode[],
): LgLink[] {
  const rawLinks: unknown[] = Array.isArray(doc.linkDataArray) ? doc.linkDataArray : [];
  const links: LgLink[] = [];
  rawLinks.forEach((l, i) => {
    if (!l || typeof l !== 'object') return;
    const o = l as Record<string, unknown>;
    let fromId = scalarText(o.from);
    let toId = scalarText(o.to);
    if (removed.has(fromId) || removed.has(toId)) return;
    const subFrom = outputPorts.get(fromId);
    if (subFrom && subFrom.ports.has(scalarText(o.fromPort))) fromId = subFrom.app;
    const subTo = outputPorts.get(toId);
    if (subTo && subTo.ports.has(scalarText(o.toPort))) toId = subTo.app;
    // Links into a Gather feed the construct (gather expansion), not its app (§1.9 step 4).
    const gather = constructIds.get(toId);
    if (gather !== undefined && gather.endsWith('/gather')) {
      const src = byId.get(fromId);
      const inside = src !== undefined && isInside(nodes, src, byId.get(gather)!);
      if (!inside) toId = gather;
    }
    const from = byId.get(fromId);
    const to = byId.get(toId);
    if (from === undefined || to === undefined) return; // reported by validate (LINK_MISSING_NODE)
    const fromNode = nodes[from];
    links.push({
      index: links.length,
      from,
      to,
      fromPort: typeof o.fromPort === 'string' && o.fromPort !== '' ? o.fromPort : undefined,
      toPort: typeof o.toPort === 'string' && o.toPort !== '' ? o.toPort : undefined,
      loopAware: isLoopAware(o.loop_aware),
      closesLoop: o.closesLoop === true,
      artificial: false,
      origin: { nodeId: fromNode.origin.nodeId, nodeName: fromNode.name, pointer: pointer('linkDataArray', i) },
    });
  });
  return links;
}

/**
 * The reference honours only the string "1" (§1.7); EAGLE writes "0"/"1", but hand-written
 * graphs use true and 1 too, and they mean the same thing.
 */
function isLoopAware(v: unknown): boolean {
  return v === '1' || v === 1 || v === true || v === 'true';
}

function isInside(nodes: LgNode[], node: number, construct: number): boolean {
  for (let p = nodes[node].parent; p >= 0; p = nodes[p].parent) if (p === construct) return true;
  return false;
}
