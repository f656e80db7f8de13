// What every page shares: its configuration (the JSON the server put in the page), small DOM
// builders, fetching with errors shown on the page, number formatting and the colours.

import type { PageConfigLike } from './types.ts';

let cached: PageConfigLike | undefined;

export function config(): PageConfigLike {
  if (cached) return cached;
  const el = document.getElementById('dlg-config');
  return (cached = el ? (JSON.parse(el.textContent ?? '{}') as PageConfigLike) : { view: 'viewer' });
}

/** A same-server URL carrying the page's token (servers started with --token accept ?token= on GET). */
export function withToken(url: string): string {
  const t = config().token;
  return t ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(t)}` : url;
}

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | ((e: Event) => void)> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'href' && typeof v === 'string' && v.startsWith('/')) e.setAttribute('href', withToken(v));
    else if (typeof v === 'function') e.addEventListener(k.replace(/^on/, ''), v);
    else if (v === false) continue;
    else if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

export function fmt(x: number): string {
  return Number.isFinite(x) ? (Math.round(x * 100) / 100).toLocaleString('en-US') : '-';
}

/** JSON from the server; an error answer becomes an Error carrying the server's detail. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(withToken(url), { credentials: 'same-origin' });
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 500);
    try {
      const body = JSON.parse(text) as { detail?: string; args?: unknown[] };
      detail = body.detail ?? (Array.isArray(body.args) ? body.args.map(String).join('; ') : detail);
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`${url.split('?')[0]}: HTTP ${res.status}: ${detail}`);
  }
  return JSON.parse(text) as T;
}

export function showError(where: HTMLElement, e: unknown): void {
  where.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message ?? String(e)));
}

/** Distinct colours for partitions (cycled beyond 20). */
const PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f77b4', '#8c564b', '#17becf', '#bcbd22', '#7f7f7f', '#aec7e8', '#ffbb78', '#98df8a', '#c5b0d5', '#c49c94',
];

export function partColour(p: number): string {
  return PALETTE[p % PALETTE.length]!;
}

/** DropState (reference §7.3) → name and colour. */
export const STATES = [
  { name: 'INITIALIZED', colour: '#c8ccd2' },
  { name: 'WRITING', colour: '#3b82f6' },
  { name: 'COMPLETED', colour: '#22a155' },
  { name: 'ERROR', colour: '#dc2626' },
  { name: 'EXPIRED', colour: '#8fd19e' },
  { name: 'DELETED', colour: '#6b7280' },
  { name: 'CANCELLED', colour: '#f59e0b' },
  { name: 'SKIPPED', colour: '#e9d8a6' },
] as const;

export const SESSION_STATES = ['PRISTINE', 'BUILDING', 'DEPLOYING', 'RUNNING', 'FINISHED', 'CANCELLED', 'FAILED'];

/** Marks the page ready (tests and the benchmark wait for it) with the time it took. */
export function markReady(): void {
  // After the next two frames: what was built has been painted.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const ms = Math.round(performance.now());
    document.body.dataset.ready = String(ms);
    (window as unknown as { dlgReadyMs: number }).dlgReadyMs = ms;
  }));
}
