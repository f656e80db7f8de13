// The HTML pages of the views: a small shell that loads one bundled script (views/web, built
// into dist/views) and hands it its configuration as JSON. The same shell, with the script,
// the stylesheet and the data inlined, is the self-contained file of `dlg-translate --emit html`.

import type { GraphModel } from './model.ts';

export type ViewName = 'viewer' | 'gantt' | 'session';

export interface PageConfig {
  view: ViewName;
  /** viewer/gantt on a translator: the stored PGT */
  pgtId?: string;
  /** the reference's result() line shown under the title */
  partInfo?: string;
  /** session page: the session and where the manager's API is (relative) */
  sessionId?: string;
  tab?: 'gantt' | 'matrix';
  /** a graph carried in the page itself (--emit html) */
  model?: GraphModel;
  /** the bearer token the page was opened with (?token=): its requests and links carry it */
  token?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside <script>: no "</script>" or "<!--" can end or change the element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface Inline {
  js: string;
  css: string;
}

export function page(title: string, config: PageConfig, inline?: Inline): string {
  const q = config.token ? `?token=${encodeURIComponent(config.token)}` : '';
  const css = inline ? `<style>${inline.css}</style>` : `<link rel="stylesheet" href="/static/views/views.css${q.replace(/&/g, '&amp;')}">`;
  const js = inline ? `<script>${inline.js.replace(/<\/script/gi, '<\\/script')}</script>` : `<script src="/static/views/${config.view}.js${q}"></script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,">${css}</head>
<body data-view="${config.view}"><header><h1>${escapeHtml(title)}</h1><div id="subtitle"></div></header>
<main id="app"><p class="loading">Loading…</p></main>
<script type="application/json" id="dlg-config">${scriptJson(config)}</script>${js}</body></html>
`;
}

export function viewerPage(o: { title: string; pgtId?: string; partInfo?: string; token?: string }): string {
  return page(o.title, { view: 'viewer', pgtId: o.pgtId, partInfo: o.partInfo, token: o.token });
}

export function ganttPage(o: { title: string; pgtId: string; tab: 'gantt' | 'matrix'; token?: string }): string {
  return page(o.title, { view: 'gantt', pgtId: o.pgtId, tab: o.tab, token: o.token });
}

export function sessionPage(sessionId: string, kind: string, token?: string): string {
  return page(`Session ${sessionId} (${kind})`, { view: 'session', sessionId, token });
}
