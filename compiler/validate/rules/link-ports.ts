// DLG3004: a link naming a port id (fromPort/toPort) that its node does not have, or a field
// that is not a port of that direction. Port ids are field ids (§1.6); a construct answers
// for the ports of its embedded applications too (§1.9).

import { CODES, error } from '../../../kernel/diagnostics.ts';
import type { LgNode, LogicalGraph } from '../../model.ts';
import { linkName, type LgContext } from '../context.ts';

type Direction = 'output' | 'input';

const IN = new Set(['InputPort', 'InputOutput']);
const OUT = new Set(['OutputPort', 'InputOutput']);

/**
 * Port ids of a node in one direction. A construct also answers for the ports of its
 * embedded applications: converted ones (model nodes) and unknown ones ("UnknownApplication",
 * whose ports are only in inputAppFields/outputAppFields).
 */
function portIds(g: LogicalGraph, n: LgNode, dir: Direction): Set<string> {
  const ids = new Set((dir === 'output' ? n.outputPorts : n.inputPorts).map((p) => p.id));
  if (n.kind !== 'construct') return ids;
  for (const k of [n.inputApp, n.outputApp]) if (k !== undefined) for (const p of dir === 'output' ? g.nodes[k].outputPorts : g.nodes[k].inputPorts) ids.add(p.id);
  const usages = dir === 'output' ? OUT : IN;
  for (const list of [n.raw.inputAppFields, n.raw.outputAppFields]) {
    if (!Array.isArray(list)) continue;
    for (const f of list) if (f && typeof f === 'object' && usages.has(String(f.usage))) ids.add(String(f.id));
  }
  return ids;
}

/** Any field of the node (or of its construct's apps) with this id, to explain a wrong port. */
function anyField(g: LogicalGraph, n: LgNode, id: string): { name: string; usage: string } | undefined {
  const nodes = [n, ...[n.inputApp, n.outputApp, n.appOf].filter((k): k is number => k !== undefined).map((k) => g.nodes[k])];
  for (const m of nodes) for (const f of m.fields) if (f.id === id) return { name: f.name, usage: f.usage };
  return undefined;
}

export function linkPortsRule(ctx: LgContext): void {
  const g = ctx.graph;
  for (const l of g.links) {
    const ends: [Direction, LgNode, string | undefined, 'fromPort' | 'toPort'][] = [
      ['output', g.nodes[l.from], l.fromPort, 'fromPort'],
      ['input', g.nodes[l.to], l.toPort, 'toPort'],
    ];
    for (const [dir, node, port, key] of ends) {
      if (port === undefined) continue;
      if (portIds(g, node, dir).has(port)) continue;
      const f = anyField(g, node, port);
      const why = f
        ? `field '${f.name}' (usage ${f.usage}), which is not an ${dir} port`
        : `port '${port}', which ${ctx.label(node)} does not have`;
      ctx.report(error(CODES.LINK_UNKNOWN_PORT, `${linkName(l)} ${key} names ${why}`, ctx.at(node, { port, pointer: `${l.origin.pointer}/${key}` })));
    }
  }
}
