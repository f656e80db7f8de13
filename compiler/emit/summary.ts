// `--summary`: why a graph became N drops. Drops per LG node with the construct nest that
// multiplied them, instances per construct, totals, and the widest fan-in and fan-out.

import { distinctDropEdges, type DropTable } from '../unroll/index.ts';
import type { PartitionPlan } from '../partition/plan.ts';
import { DropNames } from './pgt.ts';

export interface Summary {
  drops: number;
  edges: number;
  relationships: number;
  nodes: { id: string; name: string; category: string; drops: number; nest: string }[];
  constructs: { id: string; name: string; construct: string; dop: number; instances: number }[];
  maxFanOut: { oid: string; degree: number } | null;
  maxFanIn: { oid: string; degree: number } | null;
}

export function summarise(t: DropTable): Summary {
  const { lg, props } = t;
  const nodes: Summary['nodes'] = [];
  for (const b of t.blocks) {
    const node = lg.nodes[b.node];
    const chain = props.chain[b.node].map((c) => `${lg.nodes[c].construct}(${props.dop[c]})`).join(' > ');
    // A placement group multiplies nothing; say that the drops share a node.
    const group = node.exclusive !== undefined ? `ExclusiveForceNode '${lg.exclusiveGroups[node.exclusive]!.name}'` : '';
    const nest = [chain, group].filter(Boolean).join(', ');
    nodes.push({
      id: node.id,
      name: b.kind === 'grpdata' ? `${node.name} -grp-data` : node.name,
      category: b.kind === 'grpdata' ? 'Memory' : node.construct ?? node.category,
      drops: b.count,
      nest: nest || '-',
    });
  }
  const constructs = lg.nodes
    .filter((n) => n.kind === 'construct')
    .map((n) => ({ id: n.id, name: n.name, construct: n.construct ?? '', dop: props.dop[n.index], instances: props.count[n.index] }));
  const outDeg = new Int32Array(t.n);
  const inDeg = new Int32Array(t.n);
  for (let e = 0; e < t.m; e++) {
    outDeg[t.src[e]]++;
    inDeg[t.dst[e]]++;
  }
  const names = new DropNames(t, { oidPrefix: '1' }, { perDrop: false });
  const widest = (deg: Int32Array) => {
    let best = -1;
    for (let d = 0; d < t.n; d++) if (best < 0 || deg[d] > deg[best]) best = d;
    return best < 0 || deg[best] === 0 ? null : { oid: names.oid(best), degree: deg[best] };
  };
  return {
    drops: t.n,
    edges: distinctDropEdges(t),
    relationships: t.m,
    nodes,
    constructs,
    maxFanOut: widest(outDeg),
    maxFanIn: widest(inDeg),
  };
}

/** Control characters as escapes (`\n`, `\t`, `\x07`): a name from the graph stays on its row. */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function table(rows: string[][]): string {
  rows = rows.map((r) => r.map(oneLine));
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

export function formatSummary(s: Summary): string {
  const out: string[] = [];
  const nodeRows = [['drops', 'node', 'category', 'inside'], ...s.nodes.map((n) => [String(n.drops), n.name, n.category, n.nest])];
  out.push(table(nodeRows));
  if (s.constructs.length) {
    out.push('');
    out.push(table([['construct', 'name', 'dop', 'instances'], ...s.constructs.map((c) => [c.construct, c.name, String(c.dop), String(c.instances)])]));
  }
  out.push('');
  out.push(`total: ${s.drops} drops, ${s.edges} edges (${s.relationships} relationship entries)`);
  if (s.maxFanOut) out.push(`largest fan-out: ${s.maxFanOut.degree} from ${oneLine(s.maxFanOut.oid)}`);
  if (s.maxFanIn) out.push(`largest fan-in: ${s.maxFanIn.degree} into ${oneLine(s.maxFanIn.oid)}`);
  return out.join('\n') + '\n';
}

/** The schedule before and after partitioning (§5.3), for --summary with pgtp/pg. */
export function formatPlan(p: PartitionPlan): string {
  const f = (x: number) => (Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '-');
  const rows = [
    ['', 'completion', 'compute', 'data moved', 'max DoP', 'partitions', 'islands'],
    ['before', f(p.before.completionTime), f(p.before.computeTime), f(p.before.dataMovement), f(p.before.maxDop), '-', '-'],
    ['after', f(p.after.completionTime), f(p.after.computeTime), f(p.after.dataMovement), f(p.after.maxDop), String(p.numParts), String(p.numIslands)],
  ];
  const head = `schedule: ${p.result.algo} made ${p.algorithmParts} partition${p.algorithmParts === 1 ? '' : 's'}; placed in ${p.numParts} node slot${p.numParts === 1 ? '' : 's'} on ${p.numIslands} island${p.numIslands === 1 ? '' : 's'}`;
  return `\n${head}\n${table(rows)}\n`;
}
