// The schedule of a stored PGT: a Gantt chart (every timed drop on a lane of its partition,
// over time, the critical path in red) and the partition matrix (how busy each partition is
// over time, from the same schedule as the reference's /get_schedule_matrices). ECharts draws.

import * as echarts from 'echarts/core';
import { CustomChart, HeatmapChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ScheduleModel } from '../model.ts';
import { config, fmt, getJson, h, markReady, partColour, showError } from './common.ts';

echarts.use([CustomChart, HeatmapChart, GridComponent, TooltipComponent, DataZoomComponent, VisualMapComponent, CanvasRenderer]);

const CRITICAL = '#d62728';

function rows(m: ScheduleModel): { start: number[]; labels: string[] } {
  const start: number[] = [];
  const labels: string[] = [];
  m.lanes.forEach((n, p) => {
    start.push(labels.length);
    for (let l = 0; l < n; l++) labels.push(`${m.parts[p] ?? `#${p}`} · ${l}`);
  });
  return { start, labels };
}

function gantt(el: HTMLElement, m: ScheduleModel): echarts.ECharts {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const { start, labels } = rows(m);
  const critical = new Set(m.critical);
  const data: number[][] = [];
  for (let k = 0; k < m.bars.length; k += 5) {
    const [drop, part, lane, s, e] = m.bars.slice(k, k + 5) as [number, number, number, number, number];
    data.push([start[part]! + lane, s, e, drop, part, critical.has(drop) ? 1 : 0]);
  }
  chart.setOption({
    animation: false,
    tooltip: {
      formatter: (p: { value: number[] }) => `${m.names[p.value[3]!] ?? `drop ${p.value[3]! + 1}`}<br>${fmt(p.value[1]!)} → ${fmt(p.value[2]!)}${p.value[5] ? '<br><b>critical path</b>' : ''}`,
    },
    grid: { left: 120, right: 30, top: 20, bottom: 60 },
    xAxis: { type: 'value', min: 0, max: Math.max(1, m.makespan), name: 'time', nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { fontSize: 10 } },
    dataZoom: [{ type: 'slider', xAxisIndex: 0, height: 16, bottom: 8 }, { type: 'inside', xAxisIndex: 0 }, { type: 'slider', yAxisIndex: 0, width: 14, right: 6 }, { type: 'inside', yAxisIndex: 0 }],
    series: [{
      type: 'custom',
      encode: { x: [1, 2], y: 0 },
      data,
      progressive: 20000,
      renderItem: (params: unknown, api: { value: (i: number) => number; coord: (v: number[]) => number[]; size: (v: number[]) => number[] }) => {
        void params;
        const row = api.value(0);
        const a = api.coord([api.value(1), row]);
        const b = api.coord([api.value(2), row]);
        const height = api.size([0, 1])[1]! * 0.7;
        const crit = api.value(5) === 1;
        return {
          type: 'rect',
          shape: { x: a[0]!, y: a[1]! - height / 2, width: Math.max(1, b[0]! - a[0]!), height },
          style: { fill: crit ? CRITICAL : partColour(api.value(4)), stroke: crit ? '#5a0000' : undefined, opacity: crit ? 1 : 0.85 },
        };
      },
    }],
  });
  return chart;
}

/** Busy lanes per partition and time bucket: a partitions × time heatmap. */
function matrix(el: HTMLElement, m: ScheduleModel): echarts.ECharts {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const buckets = Math.max(1, Math.min(200, Math.ceil(m.makespan)));
  const width = Math.max(1, m.makespan) / buckets;
  const busy = m.parts.map(() => new Float64Array(buckets));
  for (let k = 0; k < m.bars.length; k += 5) {
    const part = m.bars[k + 1]!, s = m.bars[k + 3]!, e = m.bars[k + 4]!;
    for (let b = Math.floor(s / width); b < Math.min(buckets, Math.ceil(e / width)); b++) {
      const overlap = Math.min(e, (b + 1) * width) - Math.max(s, b * width);
      if (overlap > 0) busy[part]![b]! += overlap / width;
    }
  }
  const data: number[][] = [];
  let max = 0;
  busy.forEach((row, p) => row.forEach((v, b) => {
    data.push([b, p, Math.round(v * 100) / 100]);
    if (v > max) max = v;
  }));
  chart.setOption({
    animation: false,
    tooltip: { formatter: (p: { value: number[] }) => `${m.parts[p.value[1]!]}, t ≈ ${fmt(p.value[0]! * width)}: ${fmt(p.value[2]!)} busy lanes` },
    grid: { left: 120, right: 90, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: Array.from({ length: buckets }, (_, b) => fmt(b * width)), name: 'time', nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'category', data: m.parts, inverse: true },
    visualMap: { min: 0, max: Math.max(1, max), calculable: true, orient: 'vertical', right: 10, top: 20, inRange: { color: ['#f7fbff', '#08306b'] } },
    series: [{ type: 'heatmap', data, progressive: 0 }],
  });
  return chart;
}

async function main(): Promise<void> {
  const app = document.getElementById('app')!;
  const c = config();
  try {
    const id = encodeURIComponent(c.pgtId ?? '');
    const m = await getJson<ScheduleModel>(`/pgt_schedule?pgt_id=${id}`);
    const critical = m.critical.length;
    document.getElementById('subtitle')!.textContent = `${m.title} · ${fmt(m.drops)} drops · completion time ${fmt(m.makespan)} · ${m.parts.length} partition(s) · critical path: ${critical} drops`;
    const area = h('div', { class: 'chart', id: 'chart' });
    let chart: echarts.ECharts | undefined;
    const tabs: Record<string, HTMLButtonElement> = {};
    const open = (tab: 'gantt' | 'matrix') => {
      chart?.dispose();
      chart = tab === 'gantt' ? gantt(area, m) : matrix(area, m);
      for (const [k, b] of Object.entries(tabs)) b.setAttribute('aria-selected', String(k === tab));
      document.body.dataset.tab = tab;
    };
    tabs.gantt = h('button', { type: 'button', role: 'tab', onclick: () => open('gantt') }, 'Gantt chart');
    tabs.matrix = h('button', { type: 'button', role: 'tab', onclick: () => open('matrix') }, 'Partition matrix');
    app.replaceChildren(h('div', { class: 'layout' }, h('section', { class: 'main' },
      h('div', { class: 'tabs' }, tabs.gantt, tabs.matrix,
        h('a', { href: `/pg_viewer?pgt_view_name=${id}` }, 'graph'), h('a', { href: `/pgt_gantt_chart?pgt_id=${id}` }, 'Gantt matrix (JSON)'), h('a', { href: `/get_schedule_matrices?pgt_id=${id}` }, 'schedule matrices (JSON)')),
      m.omitted ? h('p', { class: 'note' }, `${fmt(m.omitted)} shorter bars are not drawn (at most ${fmt(m.bars.length / 5)}); the critical path is complete.`) : null,
      area)));
    open(c.tab ?? 'gantt');
    window.addEventListener('resize', () => chart?.resize());
    (window as unknown as { dlg: unknown }).dlg = { schedule: m, chart: () => chart };
  } catch (e) {
    showError(app, e);
  }
  markReady();
}

void main();
