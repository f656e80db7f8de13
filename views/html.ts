// `dlg-translate --emit html`: the viewer as one self-contained file (script, stylesheet and
// the graph inlined) for any translation: a drop table made from an LG, or a drop list read
// from a PGT/PG file.

import { DropNames } from '../compiler/emit/pgt.ts';
import { summarise } from '../compiler/emit/summary.ts';
import { maxWeightedAntichain } from '../compiler/schedule/antichain.ts';
import { dagFromDropSpecs } from '../compiler/schedule/dag.ts';
import type { Translation } from '../compiler/translate.ts';
import { dagOfTable } from '../compiler/unroll/index.ts';
import { inlineAssets } from './assets.ts';
import { buildModel, figure, groupSpecs, groupsOfTable, partsOfSpecs, planSummary } from './build.ts';
import type { GraphModel, PartInfo } from './model.ts';
import { page } from './pages.ts';

const DOP_LIMIT = 100_000;

export function modelOfTranslation(t: Exclude<Translation, { kind: 'lg' }>, title: string, oidPrefix = '1'): GraphModel {
  if (t.kind === 'table') {
    const { table } = t;
    const dag = dagOfTable(table);
    const { groups, groupOf } = groupsOfTable(table);
    const names = new DropNames(table, { oidPrefix }, { perDrop: false });
    const plan = t.placed?.plan;
    let parts: { parts: PartInfo[]; partOf: Int32Array } | undefined;
    if (plan && t.placed) {
      const list: PartInfo[] = [];
      for (let p = 0; p < plan.numParts; p++) list.push({ label: '', island: '', drops: 0 });
      for (let i = 0; i < table.n; i++) {
        const e = list[plan.part[i]!]!;
        if (e.drops++ === 0) {
          e.label = t.placed.mapper.node(i);
          e.island = t.placed.mapper.island(i);
        }
      }
      parts = { parts: list, partOf: plan.part };
    }
    const edges = dag.offsets[table.n]!;
    const maxDop = table.n <= DOP_LIMIT ? maxWeightedAntichain(dag) : NaN;
    const s = summarise(table);
    const summary: [string, string][] = plan
      ? planSummary(plan, table.n, edges, maxDop, DOP_LIMIT)
      : [['drops', figure(table.n)], ['edges', figure(edges)], ['max degree of parallelism', Number.isNaN(maxDop) ? '-' : figure(maxDop)]];
    if (s.maxFanOut) summary.push(['largest fan-out', `${figure(s.maxFanOut.degree)} from ${s.maxFanOut.oid}`]);
    if (s.maxFanIn) summary.push(['largest fan-in', `${figure(s.maxFanIn.degree)} into ${s.maxFanIn.oid}`]);
    return buildModel({
      title, kind: parts ? (t.placed?.mapper.node(0).startsWith('#') ? 'pgtp' : 'pg') : 'pgt', n: table.n, groups, groupOf, dag,
      oid: (i) => names.oid(i), parts, summary,
    });
  }
  const drops = t.drops;
  const dag = dagFromDropSpecs(drops);
  const { groups, groupOf } = groupSpecs(drops);
  const parts = partsOfSpecs(drops);
  const labelled = parts?.parts.every((p) => p.label.startsWith('#'));
  return buildModel({
    title, kind: parts ? (labelled ? 'pgtp' : 'pg') : 'pgt', n: drops.length, groups, groupOf, dag,
    oid: (i) => String(drops[i]!.oid), parts,
    summary: [['drops', figure(drops.length)], ['edges', figure(dag.offsets[dag.n]!)], ['partitions', parts ? String(parts.parts.length) : '-']],
  });
}

export function htmlOfTranslation(t: Exclude<Translation, { kind: 'lg' }>, title: string, oidPrefix = '1'): string {
  return page(title, { view: 'viewer', model: modelOfTranslation(t, title, oidPrefix) }, inlineAssets('viewer'));
}
