// The small HTML pages of the managers (dashboard, session view, drop log view). They are
// not part of the API; they exist so a browser pointed at a manager shows something useful.

import { sessionStateName } from '../../states.ts';
import type { DropLogs, SessionListEntry } from '../manager.ts';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Links keep the `?token=` the page was opened with, so a browser can follow them. */
function withToken(href: string, token: string | undefined): string {
  if (token === undefined) return href;
  return `${href}${href.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function statusText(s: SessionListEntry['status']): string {
  return typeof s === 'number' ? sessionStateName(s) : JSON.stringify(s);
}

export function dashboard(kind: string, sessions: SessionListEntry[], token?: string): string {
  const rows = sessions
    .map((s) => {
      const id = encodeURIComponent(s.sessionId);
      return `<tr><td><a href="${escapeHtml(withToken(`/session?sessionId=${id}`, token))}">${escapeHtml(s.sessionId)}</a></td><td>${statusText(s.status)}</td><td>${s.size}</td></tr>`;
    })
    .join('');
  return page(`dlg-ts ${kind}`, `<table><tr><th>session</th><th>status</th><th>drops</th></tr>${rows}</table>`);
}

export function dropPage(info: DropLogs): string {
  const rows = info.logs
    .map((r) => `<tr><td>${escapeHtml(r.time)}</td><td>${r.Level}</td><td><pre>${escapeHtml(r.Message)}</pre></td></tr>`)
    .join('');
  return page(`Drop ${info.oid}`, `<p>Session ${escapeHtml(info.session)}</p><table>${rows}</table>`);
}
