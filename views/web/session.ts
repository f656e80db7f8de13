// The live session dashboard of every manager (GET /session?sessionId=…): the graph grouped by
// LG node and coloured by drop state, a progress bar, counts per state, the failed drops first
// with their log lines (and the app's stderr, which the engine logs), links to each drop's log
// and data. It polls the compact progress route once a second while the session runs.

import type { SessionOutline, SessionProgress } from '../model.ts';
import { SESSION_STATES, STATES, config, fmt, getJson, h, markReady, showError } from './common.ts';
import { GraphView, type DropItem, type Painter, type Selection } from './graph.ts';

const FINAL = new Set([4, 5, 6]);
const POLL_MS = 1000;
const LOGS_SHOWN = 10;

interface LogRecord {
  time: string;
  Level: string;
  Message: string;
}

class Dashboard {
  readonly api: string;
  progress: SessionProgress;
  polls = 0;
  view!: GraphView;
  private readonly logsLoaded = new Set<string>();
  private readonly bar = h('div', { class: 'progress', id: 'progress', role: 'progressbar' });
  private readonly counts = h('table', { class: 'summary', id: 'counts' });
  private readonly failed = h('ol', { class: 'failed', id: 'failed' });
  private readonly selected = h('div', { id: 'selected' });
  private readonly note = h('p', { id: 'poll-note' });

  constructor(readonly sessionId: string, readonly outline: SessionOutline, first: SessionProgress) {
    this.api = `/api/sessions/${encodeURIComponent(sessionId)}`;
    this.progress = first;
  }

  private painter(): Painter {
    return {
      group: (g) => {
        const out: [string, number][] = [];
        for (let s = 0; s < STATES.length; s++) {
          const c = this.progress.groups[g * STATES.length + s] ?? 0;
          if (c > 0) out.push([STATES[s]!.colour, c]);
        }
        return out.length ? out : [[STATES[0].colour, 1]];
      },
      children: (g) => {
        const key = this.outline.groups[g]!.key;
        const list = this.progress.expanded[key] ?? [];
        const items: DropItem[] = list.map(([oid, s]) => ({ index: -1, oid, colour: STATES[s]?.colour ?? '#000' }));
        return { items, total: this.outline.groups[g]!.count };
      },
    };
  }

  mount(app: HTMLElement): void {
    const canvas = h('div', { class: 'canvas', id: 'graph' });
    const links = h('div', { class: 'toolbar' },
      h('a', { href: `${this.api}/logs` }, 'session log'), h('a', { href: '/' }, 'all sessions'),
      h('button', { type: 'button', onclick: () => this.view.collapseAll() }, 'collapse all'),
      h('button', { type: 'button', onclick: () => this.view.cy.fit(undefined, 20) }, 'fit'));
    const groups = h('table', { class: 'groups', id: 'groups' },
      h('thead', {}, h('tr', {}, h('th', {}, 'node'), h('th', {}, 'drops'), h('th', {}, ''))),
      h('tbody', {}, ...this.outline.groups.map((g, i) => h('tr', { 'data-group': i }, h('td', {}, g.name), h('td', { class: 'num' }, fmt(g.count)),
        h('td', {}, h('button', { type: 'button', onclick: () => void this.toggle(i) }, 'expand'))))));
    const side = h('aside', { class: 'side' }, h('h2', {}, 'Progress'), this.bar, this.counts, this.note,
      h('h2', {}, 'Failed drops'), this.failed, this.selected, h('h2', {}, `LG nodes (${this.outline.groups.length})`), groups);
    app.replaceChildren(h('div', { class: 'layout' }, h('section', { class: 'main' }, links, canvas), side));
    this.view = new GraphView(canvas, { groups: this.outline.groups, groupEdges: this.outline.groupEdges }, this.painter());
    this.view.onSelect = (s) => void this.select(s);
    this.view.cy.off('dbltap');
    this.view.cy.on('dbltap', 'node.group, node.box', (e) => void this.toggle(Number(String(e.target.id()).slice(1))));
    this.view.render();
    this.show();
  }

  private async toggle(g: number): Promise<void> {
    if (this.view.expanded.has(g)) this.view.expanded.delete(g);
    else this.view.expanded.add(g);
    await this.poll(false);
    this.view.render();
  }

  private expandedKeys(): string[] {
    return [...this.view.expanded].map((g) => this.outline.groups[g]!.key);
  }

  /** One poll; `recolour` false when the caller re-renders anyway. */
  async poll(recolour = true): Promise<void> {
    const keys = this.expandedKeys();
    const q = keys.length ? `?expand=${keys.map(encodeURIComponent).join(',')}` : '';
    this.progress = await getJson<SessionProgress>(`${this.api}/graph/progress${q}`);
    this.polls++;
    if (recolour) this.view.recolour();
    this.show();
  }

  private show(): void {
    const p = this.progress;
    const status = SESSION_STATES[p.status] ?? String(p.status);
    document.getElementById('subtitle')!.textContent = `${status} · ${fmt(p.total)} drops`;
    document.body.dataset.status = status;
    const total = Math.max(1, p.total);
    this.bar.replaceChildren(...[2, 4, 5, 7, 6, 3, 1].filter((s) => p.counts[s]! > 0).map((s) =>
      h('span', { style: `width:${(100 * p.counts[s]!) / total}%;background:${STATES[s]!.colour}`, title: `${STATES[s]!.name}: ${p.counts[s]}` })));
    const done = p.counts[2]! + p.counts[3]! + p.counts[4]! + p.counts[5]! + p.counts[6]! + p.counts[7]!;
    this.bar.setAttribute('aria-valuenow', String(Math.round((100 * done) / total)));
    this.counts.replaceChildren(
      h('tr', {}, h('th', {}, 'session'), h('td', { id: 'session-status' }, status)),
      h('tr', { 'data-state': 'RUNNING-APPS' }, h('th', {}, 'apps running now'), h('td', { class: 'num', id: 'running' }, fmt(p.running ?? 0))),
      ...STATES.map((s, i) => h('tr', { 'data-state': s.name }, h('th', {}, h('span', { class: 'swatch', style: `background:${s.colour}` }), s.name), h('td', { class: 'num' }, fmt(p.counts[i] ?? 0)))));
    this.showFailed();
  }

  private showFailed(): void {
    const p = this.progress;
    const errors = p.counts[3] ?? 0;
    if (!p.failed.length) {
      this.failed.replaceChildren(h('li', { class: 'none' }, 'none'));
      return;
    }
    const items = p.failed.map((f, k) => {
      const logs = h('div', { class: 'logs', 'data-oid': f.oid });
      if (k < LOGS_SHOWN) void this.loadLogs(f.oid, logs);
      return h('li', { 'data-oid': f.oid }, h('strong', {}, f.name), ' ', h('code', {}, f.oid), ' ', ...this.dropLinks(f.oid), logs);
    });
    this.failed.replaceChildren(...items, errors > p.failed.length ? h('li', { class: 'more' }, `… ${fmt(errors - p.failed.length)} more`) : '');
  }

  private dropLinks(oid: string): HTMLElement[] {
    const s = encodeURIComponent(this.sessionId);
    const o = encodeURIComponent(oid);
    return [h('a', { href: `/sessions/${s}/graph/drop/${o}` }, 'log'), h('a', { href: `/sessions/${s}/graph/drop/data/${o}` }, 'data')];
  }

  private readonly logCache = new Map<string, LogRecord[]>();

  private async loadLogs(oid: string, into: HTMLElement): Promise<void> {
    let logs = this.logCache.get(oid);
    if (!logs && !this.logsLoaded.has(oid)) {
      this.logsLoaded.add(oid);
      try {
        logs = (await getJson<{ logs: LogRecord[] }>(`${this.api}/graph/drop/${encodeURIComponent(oid)}`)).logs;
        this.logCache.set(oid, logs);
      } catch (e) {
        into.replaceChildren(h('p', { class: 'error' }, (e as Error).message));
        return;
      }
    }
    if (logs) into.replaceChildren(logs.length ? h('pre', {}, logs.map((r) => `${r.time} ${r.Level} ${r.Message}`).join('\n')) : h('p', { class: 'none' }, 'no log lines (it failed because its input did)'));
  }

  private async select(s: Selection | undefined): Promise<void> {
    if (!s) return void this.selected.replaceChildren();
    const g = this.outline.groups[s.group]!;
    if (s.kind === 'group') {
      const c = this.progress.groups.slice(s.group * STATES.length, (s.group + 1) * STATES.length);
      this.selected.replaceChildren(h('h2', {}, 'Selected'), h('p', {}, `${g.name}: ${fmt(g.count)} drops`),
        h('p', {}, STATES.map((st, i) => (c[i] ? `${st.name} ${fmt(c[i]!)}` : '')).filter(Boolean).join(' · ')));
      return;
    }
    const oid = s.drop!.oid;
    const logs = h('div', { class: 'logs' });
    this.selected.replaceChildren(h('h2', {}, 'Selected'), h('p', {}, h('code', {}, oid), ' ', ...this.dropLinks(oid)), logs);
    this.logsLoaded.delete(oid);
    this.logCache.delete(oid);
    await this.loadLogs(oid, logs);
  }
}

async function main(): Promise<void> {
  const app = document.getElementById('app')!;
  const id = config().sessionId ?? '';
  try {
    const api = `/api/sessions/${encodeURIComponent(id)}`;
    const [outline, progress] = await Promise.all([getJson<SessionOutline>(`${api}/graph/outline`), getJson<SessionProgress>(`${api}/graph/progress`)]);
    const d = new Dashboard(id, outline, progress);
    d.mount(app);
    (window as unknown as { dlg: unknown }).dlg = d;
    markReady();
    let delay = POLL_MS;
    const tick = async () => {
      if (FINAL.has(d.progress.status)) return;
      try {
        await d.poll();
        delay = POLL_MS;
        document.getElementById('poll-note')!.textContent = '';
      } catch (e) {
        delay = Math.min(delay * 2, 30_000);
        document.getElementById('poll-note')!.textContent = `${(e as Error).message}; retrying`;
      }
      setTimeout(() => void tick(), delay);
    };
    setTimeout(() => void tick(), POLL_MS);
  } catch (e) {
    showError(app, e);
    markReady();
  }
}

void main();
