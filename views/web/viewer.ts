// The PGT/PG viewer: the drops grouped by LG node and coloured by partition (node/island for
// a PG), the schedule summary beside them, a search by oid or name. Its graph comes inlined
// in the page (--emit html) or from the translator (/pgt_view). Without a graph it lists
// the PGTs the translator has stored.

import type { GraphModel } from '../model.ts';
import { config, fmt, getJson, h, markReady, partColour, showError } from './common.ts';
import { EXPAND_LIMIT, GraphView, type DropItem, type Painter, type Selection } from './graph.ts';

const APP_COLOUR = '#4e79a7';
const DATA_COLOUR = '#59a14f';

function painterOf(m: GraphModel, view: () => GraphView): Painter {
  const byGroup = new Map<number, [number, number][]>();
  for (let k = 0; k < m.groupParts.length; k += 3) {
    const g = m.groupParts[k]!;
    let l = byGroup.get(g);
    if (!l) byGroup.set(g, (l = []));
    l.push([m.groupParts[k + 1]!, m.groupParts[k + 2]!]);
  }
  const kind = (g: number) => (m.groups[g]!.app ? APP_COLOUR : DATA_COLOUR);
  const dropColour = (i: number) => (m.detail && m.detail.part.length ? partColour(m.detail.part[i]!) : kind(m.detail!.group[i]!));
  return {
    group: (g) => (byGroup.get(g)?.map(([p, c]) => [partColour(p), c] as [string, number]) ?? [[kind(g), 1]]),
    children: (g, pinned) => {
      const all = view().dropsOf(g);
      const items: DropItem[] = [];
      const take = (i: number) => items.push({ index: i, oid: m.detail!.oid[i]!, colour: dropColour(i) });
      for (let k = 0; k < all.length && items.length < EXPAND_LIMIT; k++) if (!pinned.has(all[k]!)) take(all[k]!);
      for (const i of pinned) take(i);
      return { items, total: m.groups[g]!.count };
    },
  };
}

function summaryTable(m: GraphModel): HTMLElement {
  return h('table', { class: 'summary' }, ...m.summary.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}

function partsList(m: GraphModel): HTMLElement | null {
  if (!m.parts.length) return null;
  const shown = m.parts.slice(0, 200);
  return h('div', { class: 'parts' },
    h('h2', {}, m.kind === 'pg' ? `Nodes (${m.parts.length})` : `Partitions (${m.parts.length})`),
    h('ul', { class: 'legend', id: 'parts' }, ...shown.map((p, i) => h('li', {}, h('span', { class: 'swatch', style: `background:${partColour(i)}` }),
      `${p.label} `, h('small', {}, `island ${p.island} · ${fmt(p.drops)} drops`)))),
    m.parts.length > shown.length ? h('p', {}, `… and ${m.parts.length - shown.length} more`) : null);
}

function groupsTable(m: GraphModel, view: GraphView): HTMLElement {
  const spread = new Map<number, number>();
  for (let k = 0; k < m.groupParts.length; k += 3) spread.set(m.groupParts[k]!, (spread.get(m.groupParts[k]!) ?? 0) + 1);
  const rows = m.groups.map((g, i) => h('tr', { 'data-group': i },
    h('td', {}, g.name), h('td', {}, g.category), h('td', { class: 'num' }, fmt(g.count)),
    h('td', { class: 'num' }, m.parts.length ? String(spread.get(i) ?? 0) : '-'),
    h('td', {}, m.detail ? h('button', { type: 'button', onclick: () => view.toggle(i) }, 'expand') : '')));
  return h('div', {},
    h('h2', {}, `LG nodes (${m.groups.length})`),
    m.detail ? null : h('p', { class: 'note' }, `Per-drop detail is not sent above 250,000 drops: this graph (${fmt(m.drops)} drops) is shown per LG node only.`),
    h('table', { class: 'groups', id: 'groups' }, h('thead', {}, h('tr', {}, h('th', {}, 'node'), h('th', {}, 'category'), h('th', {}, 'drops'), h('th', {}, m.parts.length ? 'partitions' : ''), h('th', {}, ''))), h('tbody', {}, ...rows)));
}

function search(m: GraphModel, view: GraphView, out: HTMLElement, q: string): void {
  const s = q.trim().toLowerCase();
  if (!s) {
    out.replaceChildren();
    view.highlight([], []);
    return;
  }
  const groups = m.groups.flatMap((g, i) => (g.name.toLowerCase().includes(s) || g.key.toLowerCase().includes(s) ? [i] : []));
  const drops: number[] = [];
  if (m.detail) for (let i = 0; i < m.detail.oid.length && drops.length < 100; i++) if (m.detail.oid[i]!.toLowerCase().includes(s)) drops.push(i);
  view.highlight(groups, drops);
  out.replaceChildren(
    h('p', { id: 'search-count' }, `${groups.length} node${groups.length === 1 ? '' : 's'}, ${drops.length}${drops.length === 100 ? '+' : ''} drop${drops.length === 1 ? '' : 's'}`),
    h('ul', {},
      ...groups.slice(0, 50).map((g) => h('li', {}, h('a', { href: '#', onclick: (e: Event) => { e.preventDefault(); view.reveal(g); } }, `${m.groups[g]!.name} (${fmt(m.groups[g]!.count)})`))),
      ...drops.slice(0, 50).map((i) => h('li', {}, h('a', { href: '#', onclick: (e: Event) => { e.preventDefault(); view.reveal(m.detail!.group[i]!, i); } }, m.detail!.oid[i]!)))));
}

function selectionPanel(m: GraphModel, out: HTMLElement, s: Selection | undefined): void {
  if (!s) return void out.replaceChildren();
  const g = m.groups[s.group]!;
  const rows: [string, string][] = [['LG node', `${g.name} (${g.key})`], ['category', g.category], ['drops', fmt(g.count)]];
  if (s.drop && m.detail && s.drop.index >= 0) {
    rows.unshift(['drop', s.drop.oid]);
    if (m.detail.part.length) rows.push([m.kind === 'pg' ? 'node' : 'partition', m.parts[m.detail.part[s.drop.index]!]?.label ?? '-']);
  }
  out.replaceChildren(h('h2', {}, 'Selected'), h('table', { class: 'summary', id: 'selection' }, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))));
}

/**
 * Deploy through the translator (GET /gen_pg with dlg_mgr_deploy): it maps the PGT onto the
 * manager's nodes, deploys, and the 307 it answers lands on the manager's session page.
 */
function deployForm(pgtId: string): HTMLElement {
  const saved = localStorage.getItem('dlg.manager_url') ?? 'http://localhost:8001';
  const url = h('input', { type: 'url', name: 'dlg_mgr_url', value: saved, required: true, 'aria-label': 'manager URL', size: 28 });
  return h('form', { method: 'get', action: '/gen_pg', id: 'deploy', onsubmit: () => localStorage.setItem('dlg.manager_url', url.value) },
    h('h2', {}, 'Deploy'),
    h('input', { type: 'hidden', name: 'pgt_id', value: pgtId }), h('input', { type: 'hidden', name: 'dlg_mgr_deploy', value: 'on' }),
    ...(config().token ? [h('input', { type: 'hidden', name: 'token', value: config().token! })] : []),
    url, ' ', h('button', { type: 'submit' }, 'deploy'));
}

function show(m: GraphModel, app: HTMLElement): void {
  const c = config();
  document.getElementById('subtitle')!.textContent = c.partInfo ?? `${m.kind.toUpperCase()} · ${fmt(m.drops)} drops · ${fmt(m.edges)} edges`;
  const canvas = h('div', { class: 'canvas', id: 'graph' });
  const results = h('div', { id: 'results' });
  const selected = h('div', { id: 'selected' });
  const links = m.pgtId ? [h('a', { href: `/show_gantt_chart?pgt_id=${encodeURIComponent(m.pgtId)}` }, 'Gantt chart'), h('a', { href: `/show_schedule_mat?pgt_id=${encodeURIComponent(m.pgtId)}` }, 'schedule matrix'), h('a', { href: `/gen_pg?tpl_nodes_len=1&pgt_id=${encodeURIComponent(m.pgtId)}` }, 'PG template (JSON)')] : [];
  const input = h('input', { type: 'search', id: 'search', placeholder: 'search oid or name', 'aria-label': 'search' });
  let view!: GraphView;
  const toolbar = h('div', { class: 'toolbar' }, input,
    h('button', { type: 'button', onclick: () => view.collapseAll() }, 'collapse all'),
    h('button', { type: 'button', onclick: () => view.cy.fit(undefined, 20) }, 'fit'), ...links);
  const side = h('aside', { class: 'side' }, h('h2', {}, 'Summary'), summaryTable(m), partsList(m));
  app.replaceChildren(h('div', { class: 'layout' }, h('section', { class: 'main' }, toolbar, canvas), side));
  view = new GraphView(canvas, m, painterOf(m, () => view));
  side.append(selected, results, groupsTable(m, view));
  if (m.pgtId) side.insertBefore(deployForm(m.pgtId), selected);
  view.onSelect = (s) => selectionPanel(m, selected, s);
  let timer: number | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => search(m, view, results, input.value), 150);
  });
  view.render();
  (window as unknown as { dlg: unknown }).dlg = { view, model: m };
}

async function index(app: HTMLElement): Promise<void> {
  const list = await getJson<{ pgt_id: string; lg_name: string; created: string; drops: number; partitions: number; algo: string }[]>('/pgts');
  document.getElementById('subtitle')!.textContent = `${list.length} stored physical graph template${list.length === 1 ? '' : 's'}`;
  app.replaceChildren(h('table', { class: 'groups', id: 'pgts' },
    h('thead', {}, h('tr', {}, ...['PGT', 'graph', 'drops', 'partitions', 'algorithm', 'made', ''].map((x) => h('th', {}, x)))),
    h('tbody', {}, ...list.map((p) => h('tr', {},
      h('td', {}, h('a', { href: `/pg_viewer?pgt_view_name=${encodeURIComponent(p.pgt_id)}` }, p.pgt_id)), h('td', {}, p.lg_name), h('td', { class: 'num' }, fmt(p.drops)),
      h('td', { class: 'num' }, String(p.partitions)), h('td', {}, p.algo), h('td', {}, p.created),
      h('td', {}, h('a', { href: `/show_gantt_chart?pgt_id=${encodeURIComponent(p.pgt_id)}` }, 'Gantt')))))));
}

async function main(): Promise<void> {
  const app = document.getElementById('app')!;
  const c = config();
  try {
    if (c.model) show(c.model, app);
    else if (c.pgtId) show(await getJson<GraphModel>(`/pgt_view?pgt_id=${encodeURIComponent(c.pgtId)}`), app);
    else await index(app);
  } catch (e) {
    showError(app, e);
  }
  markReady();
}

void main();
