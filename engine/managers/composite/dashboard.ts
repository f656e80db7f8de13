// GET / of an island or master manager: its children and their health, the sessions with the
// status of each part (nested per island for a master), and links to every node manager's
// own session page. Plain HTML; the richer live views are elsewhere.

import { escapeHtml } from '../rest/html.ts';
import { sessionStateName } from '../../states.ts';
import { overallStatus, flattenStatus } from '../../client/deploy.ts';
import { parseAddress } from '../address.ts';
import { type CompositeManager, ROLES } from './composite-manager.ts';

const STYLE = `body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.up{color:#070}.lost{color:#b00;font-weight:bold}.unknown{color:#888}.FAILED{color:#b00}.FINISHED{color:#070}`;

function managerUrl(address: string): string {
  try {
    return parseAddress(address, 8000).url;
  } catch {
    return '#';
  }
}

/** One session's status object as nested lists; leaves link to the node manager's session page. */
function parts(status: unknown, sessionId: string, tq: string): string {
  if (typeof status === 'number') return `<span class="${sessionStateName(status)}">${sessionStateName(status)}</span>`;
  if (typeof status !== 'object' || status === null) return escapeHtml(JSON.stringify(status));
  const items = Object.entries(status).map(([addr, st]) => {
    const label = escapeHtml(addr);
    const link = typeof st === 'number' ? `<a href="${managerUrl(addr)}/session?sessionId=${encodeURIComponent(sessionId)}${tq ? `&${tq}` : ''}">${label}</a>` : `<a href="${managerUrl(addr)}/${tq ? `?${tq}` : ''}">${label}</a>`;
    return `<li>${link}: ${parts(st, sessionId, tq)}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

/** `token`: the one this page was opened with; links to the other managers of the hierarchy carry it. */
export async function compositeDashboard(m: CompositeManager, token?: string): Promise<string> {
  const role = ROLES[m.role];
  const tq = token ? `token=${encodeURIComponent(token)}` : '';
  const children = [...m.children.keys()]
    .map((c) => {
      const state = m.health.state(c);
      const err = m.health.lastError(c);
      const nodes = m.role === 'master' ? (m.health.leafNodes(c) ?? []).map(escapeHtml).join('<br>') : '';
      return `<tr><td><a href="${managerUrl(c)}/${tq ? `?${tq}` : ''}">${escapeHtml(c)}</a></td><td class="${state}">${state}</td><td>${escapeHtml(err)}</td>${m.role === 'master' ? `<td>${nodes}</td>` : ''}</tr>`;
    })
    .join('');
  const sessions = await m.listSessions();
  const rows = sessions
    .map((s) => {
      const overall = sessionStateName(overallStatus(flattenStatus(s.status)));
      const lost = [...(m.sessions.get(s.sessionId)?.lostNodes ?? [])].map(escapeHtml).join('<br>');
      return `<tr><td>${escapeHtml(s.sessionId)}</td><td class="${overall}">${overall}</td><td>${s.size}</td><td>${parts(s.status, s.sessionId, tq)}</td><td class="lost">${lost}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>dlg-ts ${role.title}</title><style>${STYLE}</style></head><body>
<h1>dlg-ts ${role.title}</h1>
<h2>${role.child}s</h2>
<table><tr><th>address</th><th>health</th><th>last problem</th>${m.role === 'master' ? '<th>node managers</th>' : ''}</tr>${children}</table>
<h2>Sessions</h2>
<table><tr><th>session</th><th>status</th><th>drops</th><th>per ${m.role === 'master' ? 'island and node' : 'node'}</th><th>lost</th></tr>${rows}</table>
</body></html>`;
}
