// Port-name resolution (§1.6, §3.6): the name stored in a relationship entry is the name of
// the port (field) whose id the link names; a link without a port id (artificial links)
// takes the last port of that direction; a name that cannot be found is null (a plain oid
// entry). The reference crashes on artificial app links instead (Q5).

import type { LgNode, LgPort } from '../model.ts';

export function portName(node: LgNode, direction: 'input' | 'output', portId: string | undefined): string | null {
  const list: LgPort[] = direction === 'input' ? node.inputPorts : node.outputPorts;
  if (portId === undefined) return list.length ? list[list.length - 1].name : null;
  for (const p of list) if (p.id === portId) return p.name;
  // A port id of the other direction still names a port of this node.
  for (const f of node.fields) if (f.id === portId && f.usage !== 'NoPort') return f.name;
  return null;
}
