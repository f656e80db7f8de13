// The graph drawing shared by the viewer and the session dashboard: cytoscape.js on a canvas,
// laid out with dagre at the level of LG nodes (groups). Every group starts collapsed, one
// node with its drop count; an expanded group becomes a box holding its drops in a grid (at
// most EXPAND_LIMIT of them). So the layout costs O(groups) and the canvas holds groups plus
// the expanded drops, whatever the size of the graph.

import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import dagre from '@dagrejs/dagre';
import type { GroupInfo } from '../model.ts';

export const EXPAND_LIMIT = 400;

export interface GraphData {
  groups: GroupInfo[];
  /** flat [from group, to group, count] */
  groupEdges: number[];
  /** per-drop data, when the server sent it */
  detail?: { oid: string[]; group: number[]; src: number[]; dst: number[] };
}

export interface DropItem {
  /** index in detail, or -1 when the drop comes from elsewhere (session progress) */
  index: number;
  oid: string;
  colour: string;
}

export interface Painter {
  /** colour slices of a collapsed group: [colour, weight] */
  group(g: number): [string, number][];
  /** the drops an expanded group shows (pinned ones included) and how many it has */
  children(g: number, pinned: ReadonlySet<number>): { items: DropItem[]; total: number };
}

export interface Selection {
  kind: 'group' | 'drop';
  group: number;
  drop?: DropItem;
}

/**
 * A collapsed group's fill: its slices side by side as a horizontal stacked bar (hard gradient
 * stops), so a node spread over partitions or states shows their shares.
 */
function fillStyle(slices: [string, number][]): Record<string, string> {
  const total = slices.reduce((s, [, w]) => s + w, 0) || 1;
  const sorted = [...slices].sort((a, b) => b[1] - a[1]).slice(0, 12);
  if (sorted.length <= 1) return { 'background-fill': 'solid', 'background-color': sorted[0]?.[0] ?? '#cccccc', 'border-color': sorted[0]?.[0] ?? '#cccccc' };
  const colours: string[] = [];
  const stops: string[] = [];
  let at = 0;
  for (const [c, w] of sorted) {
    const next = Math.min(100, at + (100 * w) / total);
    colours.push(c, c);
    stops.push(`${at.toFixed(2)}%`, `${next.toFixed(2)}%`);
    at = next;
  }
  stops[stops.length - 1] = '100%';
  return {
    'background-fill': 'linear-gradient', 'background-gradient-direction': 'to-right', 'border-color': sorted[0]![0],
    'background-gradient-stop-colors': colours.join(' '), 'background-gradient-stop-positions': stops.join(' '),
  };
}

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node.group',
    style: {
      shape: 'round-rectangle', width: 'data(w)', height: 'data(h)', label: 'data(label)', 'text-wrap': 'wrap', 'text-max-width': 'data(w)',
      'text-valign': 'center', 'font-size': 11, color: '#111', 'border-width': 2, 'background-opacity': 0.85,
      'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': '2px', 'text-background-shape': 'roundrectangle',
    },
  },
  { selector: 'node.group.data', style: { shape: 'ellipse' } },
  {
    selector: 'node.box',
    style: {
      shape: 'round-rectangle', width: 'data(w)', height: 'data(h)', label: 'data(label)', 'text-valign': 'top', 'text-halign': 'center',
      'font-size': 12, 'background-color': '#f4f6f9', 'border-width': 1, 'border-color': '#8a94a6', 'z-index': 0,
    },
  },
  { selector: 'node.drop', style: { width: 14, height: 14, 'background-color': 'data(c)', 'border-width': 0, label: '', 'z-index': 2 } },
  { selector: 'node.drop.app', style: { shape: 'round-rectangle' } },
  { selector: 'node.more', style: { width: 36, height: 14, shape: 'round-rectangle', 'background-color': '#fff', label: 'data(label)', 'font-size': 9, 'text-valign': 'center', 'z-index': 2 } },
  { selector: 'edge', style: { width: 'data(w)', 'line-color': '#9aa3b2', 'target-arrow-color': '#9aa3b2', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.7, 'curve-style': 'straight', opacity: 0.8 } },
  { selector: ':selected', style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.25, 'overlay-padding': 4 } },
  { selector: '.hit', style: { 'border-width': 4, 'border-color': '#f0b400' } },
];

export class GraphView {
  readonly cy: Core;
  readonly expanded = new Set<number>();
  private readonly pinned = new Map<number, Set<number>>();
  private readonly dropsByGroup: Int32Array[] = [];
  /** drops shown in expanded groups, by detail index */
  private shown = new Map<number, string>();
  onSelect?: (s: Selection | undefined) => void;

  constructor(container: HTMLElement, readonly data: GraphData, readonly painter: Painter) {
    this.cy = cytoscape({
      container, style: STYLE, minZoom: 0.02, maxZoom: 4, autoungrabify: true,
      textureOnViewport: data.groups.length > 300, hideEdgesOnViewport: data.groups.length > 300, pixelRatio: 1,
    });
    const d = data.detail;
    if (d) {
      const count = new Int32Array(data.groups.length + 1);
      for (const g of d.group) count[g + 1]!++;
      for (let g = 0; g < data.groups.length; g++) count[g + 1]! += count[g]!;
      const flat = new Int32Array(d.group.length);
      const fill = count.slice(0, data.groups.length);
      for (let i = 0; i < d.group.length; i++) flat[fill[d.group[i]!]!++] = i;
      for (let g = 0; g < data.groups.length; g++) this.dropsByGroup.push(flat.subarray(count[g]!, count[g + 1]!));
    }
    this.cy.on('tap', 'node', (e) => this.onSelect?.(this.selectionOf(e.target.id())));
    this.cy.on('tap', (e) => {
      if (e.target === this.cy) this.onSelect?.(undefined);
    });
    this.cy.on('dbltap', 'node.group, node.box', (e) => this.toggle(Number(String(e.target.id()).slice(1))));
  }

  /** The detail indices of a group's drops (empty without detail). */
  dropsOf(g: number): Int32Array {
    return this.dropsByGroup[g] ?? new Int32Array(0);
  }

  private selectionOf(id: string): Selection | undefined {
    if (id.startsWith('g')) return { kind: 'group', group: Number(id.slice(1)) };
    const n = this.cy.getElementById(id);
    const g = Number(n.data('g'));
    return { kind: 'drop', group: g, drop: { index: Number(n.data('i')), oid: String(n.data('oid')), colour: String(n.data('c')) } };
  }

  toggle(g: number): void {
    if (this.expanded.has(g)) this.expanded.delete(g);
    else this.expanded.add(g);
    this.render();
  }

  /** Expands a group so that `drop` (a detail index) is among the drops it shows. */
  reveal(g: number, drop?: number): void {
    if (drop !== undefined) {
      let p = this.pinned.get(g);
      if (!p) this.pinned.set(g, (p = new Set()));
      p.add(drop);
    }
    this.expanded.add(g);
    this.render();
    const id = drop !== undefined ? `d${drop}` : `g${g}`;
    const n = this.cy.getElementById(id);
    if (n.nonempty()) {
      this.cy.elements().unselect();
      n.select();
      this.cy.animate({ center: { eles: n }, zoom: Math.max(this.cy.zoom(), 1) }, { duration: 200 });
    }
  }

  collapseAll(): void {
    this.expanded.clear();
    this.render();
  }

  /** Builds the elements, lays them out and fits the view. */
  render(): void {
    const { groups } = this.data;
    const els: ElementDefinition[] = [];
    const layout = new dagre.graphlib.Graph();
    layout.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, marginx: 10, marginy: 10 });
    layout.setDefaultEdgeLabel(() => ({}));
    this.shown = new Map();
    const grids = new Map<number, { items: DropItem[]; total: number; cols: number }>();
    for (let g = 0; g < groups.length; g++) {
      const gi = groups[g]!;
      if (this.expanded.has(g)) {
        const c = this.painter.children(g, this.pinned.get(g) ?? new Set());
        const cells = c.items.length + (c.total > c.items.length ? 1 : 0);
        const cols = Math.max(1, Math.ceil(Math.sqrt(cells * 2)));
        grids.set(g, { ...c, cols });
        const w = cols * 22 + 30;
        const hgt = Math.ceil(cells / cols) * 22 + 40;
        layout.setNode(`g${g}`, { width: w, height: hgt });
        els.push({ group: 'nodes', data: { id: `g${g}`, w, h: hgt, label: `${gi.name} (${c.total.toLocaleString('en-US')} drops${c.total > c.items.length ? `, ${c.items.length} shown` : ''})` }, classes: 'box' });
      } else {
        const label = `${gi.name}\n${gi.count.toLocaleString('en-US')} drop${gi.count === 1 ? '' : 's'}`;
        const w = Math.min(180, 24 + 6.2 * Math.max(Math.min(gi.name.length, 28), 10));
        const hgt = gi.name.length > 28 ? 58 : 44;
        layout.setNode(`g${g}`, { width: w, height: hgt });
        els.push({ group: 'nodes', data: { id: `g${g}`, label, w, h: hgt }, style: fillStyle(this.painter.group(g)), classes: gi.app ? 'group app' : 'group data' });
      }
    }
    const edges = this.visibleEdges();
    for (const [key, w] of edges) {
      const [a, b] = key.split('>') as [string, string];
      const ga = a.startsWith('g') ? a : `g${this.groupOfDrop(Number(a.slice(1)))}`;
      const gb = b.startsWith('g') ? b : `g${this.groupOfDrop(Number(b.slice(1)))}`;
      if (ga !== gb) layout.setEdge(ga, gb);
      els.push({ group: 'edges', data: { id: `e${key}`, source: a, target: b, w: Math.min(6, 1 + Math.log10(w)) } });
    }
    dagre.layout(layout);
    // A long pipeline laid out left to right becomes a thin strip: go top to bottom instead.
    const box = layout.graph() as { width?: number; height?: number };
    const aspect = this.cy.width() / Math.max(1, this.cy.height());
    if ((box.width ?? 0) > 4 * aspect * (box.height ?? 1)) {
      layout.setGraph({ ...layout.graph(), rankdir: 'TB' });
      dagre.layout(layout);
    }
    const positioned: ElementDefinition[] = [];
    for (const e of els) {
      const id = String(e.data.id);
      if (e.group !== 'nodes' || !id.startsWith('g')) continue;
      const g = Number(id.slice(1));
      const p = layout.node(id);
      const grid = grids.get(g);
      e.position = { x: p.x, y: p.y };
      if (!grid) continue;
      const left = p.x - p.width / 2 + 26;
      const top = p.y - p.height / 2 + 34;
      grid.items.forEach((it, k) => {
        const id2 = it.index >= 0 ? `d${it.index}` : `x${g}_${k}`;
        if (it.index >= 0) this.shown.set(it.index, id2);
        positioned.push({
          group: 'nodes', data: { id: id2, g, i: it.index, oid: it.oid, c: it.colour },
          position: { x: left + (k % grid.cols) * 22, y: top + Math.floor(k / grid.cols) * 22 }, classes: groups[g]!.app ? 'drop app' : 'drop',
        });
      });
      if (grid.total > grid.items.length) {
        const k = grid.items.length;
        positioned.push({
          group: 'nodes', data: { id: `m${g}`, g, label: `+${(grid.total - k).toLocaleString('en-US')}` },
          position: { x: left + (k % grid.cols) * 22 + 10, y: top + Math.floor(k / grid.cols) * 22 }, classes: 'more',
        });
      }
    }
    // Drop-level edges may name drops placed just above: add nodes first.
    const nodes = els.filter((e) => e.group === 'nodes').concat(positioned);
    const visibleIds = new Set(nodes.map((n) => String(n.data.id)));
    const links = els.filter((e) => e.group === 'edges' && visibleIds.has(String(e.data.source)) && visibleIds.has(String(e.data.target)));
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(nodes);
      this.cy.add(links);
    });
    this.cy.layout({ name: 'preset', fit: true, padding: 20 }).run();
    // Fitting a long graph shrinks its labels out of sight: keep them readable, sources in view.
    if (this.cy.zoom() < 0.55) {
      const bb = this.cy.elements().boundingBox();
      this.cy.zoom(0.55);
      this.cy.pan({ x: 20 - bb.x1 * 0.55, y: 20 - bb.y1 * 0.55 });
    }
  }

  private groupOfDrop(i: number): number {
    return this.data.detail!.group[i]!;
  }

  /**
   * Edges between what is visible: collapsed groups are their own ends; a drop shown in an
   * expanded group is its own end when per-drop edges are known. Keys "a>b" → drop edges.
   */
  private visibleEdges(): Map<string, number> {
    const out = new Map<string, number>();
    const add = (k: string, w: number) => out.set(k, (out.get(k) ?? 0) + w);
    const d = this.data.detail;
    const ge = this.data.groupEdges;
    for (let k = 0; k < ge.length; k += 3) {
      const a = ge[k]!, b = ge[k + 1]!;
      if (a === b) continue;
      if (d && (this.expanded.has(a) || this.expanded.has(b))) continue;
      add(`g${a}>g${b}`, ge[k + 2]!);
    }
    if (d && this.expanded.size > 0) {
      // Which drops are visible is known only after the painter chose them: use the same choice.
      const visible = new Set<number>();
      for (const g of this.expanded) for (const it of this.painter.children(g, this.pinned.get(g) ?? new Set()).items) visible.add(it.index);
      const end = (i: number) => (visible.has(i) ? `d${i}` : `g${d.group[i]}`);
      for (let e = 0; e < d.src.length; e++) {
        const u = d.src[e]!, v = d.dst[e]!;
        if (!this.expanded.has(d.group[u]!) && !this.expanded.has(d.group[v]!)) continue;
        const a = end(u), b = end(v);
        if (a !== b) add(`${a}>${b}`, 1);
      }
    }
    return out;
  }

  /** Recolours in place (live session updates): no new layout. */
  recolour(): void {
    this.cy.batch(() => {
      for (let g = 0; g < this.data.groups.length; g++) {
        if (this.expanded.has(g)) continue;
        this.cy.getElementById(`g${g}`).style(fillStyle(this.painter.group(g)));
      }
      for (const g of this.expanded) {
        const c = this.painter.children(g, this.pinned.get(g) ?? new Set());
        c.items.forEach((it, k) => this.cy.getElementById(it.index >= 0 ? `d${it.index}` : `x${g}_${k}`).data('c', it.colour));
      }
    });
  }

  /** Marks groups and drops (search hits). */
  highlight(groups: number[], drops: number[]): void {
    this.cy.batch(() => {
      this.cy.elements('.hit').removeClass('hit');
      for (const g of groups) this.cy.getElementById(`g${g}`).addClass('hit');
      for (const i of drops) this.cy.getElementById(`d${i}`).addClass('hit');
    });
  }

  stats(): { groupNodes: number; dropNodes: number; edges: number; expanded: number[] } {
    return {
      groupNodes: this.cy.nodes('.group, .box').length,
      dropNodes: this.cy.nodes('.drop').length,
      edges: this.cy.edges().length,
      expanded: [...this.expanded].sort((a, b) => a - b),
    };
  }
}
