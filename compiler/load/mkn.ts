// MKN constructs, rewritten into the constructs the unroller knows (§3.10.5; the reference
// leaves MKN unsupported). An MKN(m, k, n) with input app A, output app B and children C:
//
//   - every m consecutive inputs make one MKN instance: a Gather of width m whose app is A;
//   - in each instance A fans out to k parallel copies of C: a Scatter of k inside the Gather;
//   - B (inside the Gather, outside that Scatter) collects the k copies;
//   - B's outputs are made n times per instance: the nodes B links to move into a Scatter of n.
//
// Links on A's ports attach to A (and, coming from outside, to the Gather's inputs); links on
// B's ports attach to B. `%m`, `%k`, `%n` in string field values become the numbers, and the
// two apps carry `mkn: [m, k, n]`. Nodes keep their ids, so drops stay traceable to the LG.

import type { OjsDocument, OjsField, OjsLink, OjsNode } from '../model.ts';

/** The field objects of a list; malformed input (not an array, null entries) gives none. */
function fieldObjects(fields: unknown): OjsField[] {
  return Array.isArray(fields) ? fields.filter((f): f is OjsField => !!f && typeof f === 'object') : [];
}

function num(fields: OjsField[] | undefined, name: string): number {
  const f = fieldObjects(fields).find((x) => x.name === name);
  const v = f ? (f.value === '' ? f.defaultValue : f.value) : undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function substitute(fields: OjsField[] | undefined, mkn: [number, number, number]): OjsField[] | undefined {
  if (!Array.isArray(fields)) return fields;
  return fields.map((f) =>
    f && typeof f === 'object' && typeof f.value === 'string' && /%[mkn]/.test(f.value)
      ? { ...f, value: f.value.replace(/%m/g, String(mkn[0])).replace(/%k/g, String(mkn[1])).replace(/%n/g, String(mkn[2])) }
      : f,
  );
}

export function hasMkn(doc: OjsDocument): boolean {
  return Array.isArray(doc.nodeDataArray) && doc.nodeDataArray.some((n) => n && n.category === 'MKN' && n.isGroup === true);
}

export function expandMkn(doc: OjsDocument): OjsDocument {
  if (!hasMkn(doc)) return doc;
  const nodes: OjsNode[] = doc.nodeDataArray.map((n) => ({ ...n }));
  let links: OjsLink[] = (Array.isArray(doc.linkDataArray) ? doc.linkDataArray : []).map((l) => ({ ...l }));
  const added: OjsNode[] = [];
  nodes.forEach((mkn, index) => {
    if (!mkn || mkn.category !== 'MKN' || mkn.isGroup !== true) return;
    const id = String(mkn.id);
    const _pointer = `/nodeDataArray/${index}`;
    const m = num(mkn.fields, 'm');
    const k = num(mkn.fields, 'k');
    const n = num(mkn.fields, 'n');
    const triple: [number, number, number] = [m, k, n];
    const kId = `${id}/k`;
    const nId = `${id}/n`;
    const bId = typeof mkn.outputApplicationId === 'string' && mkn.outputApplicationId ? mkn.outputApplicationId : `${id}/output`;
    const bPorts = new Set(fieldObjects(mkn.outputAppFields).map((f) => String(f.id)));
    const parentId = mkn.parentId;

    // The MKN node itself becomes the Gather (it keeps its id, so its input app A gets it, §1.9).
    const gather: OjsNode = {
      ...mkn,
      category: 'Gather',
      categoryType: 'Construct',
      inputAppFields: substitute(mkn.inputAppFields, triple),
      fields: [{ id: `${id}/num_of_inputs`, name: 'num_of_inputs', value: m, defaultValue: m, type: 'Integer', parameterType: 'ConstructParameter', usage: 'NoPort' }],
      mkn: triple,
    };
    Object.assign(mkn, gather);
    added.push(
      { _pointer, id: kId, name: `${mkn.name ?? 'MKN'} (k=${k})`, category: 'Scatter', categoryType: 'Construct', isGroup: true, parentId: id, inputApplicationType: 'None',
        fields: [{ id: `${kId}/num_of_copies`, name: 'num_of_copies', value: k, defaultValue: k, type: 'Integer', parameterType: 'ConstructParameter', usage: 'NoPort' }] },
      { _pointer, id: nId, name: `${mkn.name ?? 'MKN'} (n=${n})`, category: 'Scatter', categoryType: 'Construct', isGroup: true, parentId: id, inputApplicationType: 'None',
        fields: [{ id: `${nId}/num_of_copies`, name: 'num_of_copies', value: n, defaultValue: n, type: 'Integer', parameterType: 'ConstructParameter', usage: 'NoPort' }] },
    );
    if (mkn.outputApplicationType && mkn.outputApplicationType !== 'None' && mkn.outputApplicationType !== 'UnknownApplication') {
      added.push({
        _pointer,
        id: bId, name: mkn.outputApplicationName || `${mkn.name ?? 'MKN'} output`, category: mkn.outputApplicationType,
        categoryType: 'Application', isGroup: false, parentId: id, fields: substitute(mkn.outputAppFields, triple), mkn: triple,
      });
    }
    // Children of the MKN run k times per instance.
    for (const c of nodes) {
      if (c !== mkn && c && String(c.parentId) === id) {
        c.parentId = kId;
        c.fields = substitute(c.fields, triple);
      }
    }
    // Links on B's ports attach to B; B's targets at the MKN's level are made n times.
    const targets = new Set<string>();
    links = links.map((l) => {
      const out = { ...l };
      if (String(l.from) === id && bPorts.has(String(l.fromPort))) {
        out.from = bId;
        targets.add(String(l.to));
      }
      if (String(l.to) === id && bPorts.has(String(l.toPort))) out.to = bId;
      return out;
    });
    for (const c of nodes) {
      if (c && targets.has(String(c.id)) && (c.parentId ?? undefined) === (parentId ?? undefined)) c.parentId = nId;
    }
  });
  return { ...doc, nodeDataArray: [...nodes, ...added], linkDataArray: links };
}
