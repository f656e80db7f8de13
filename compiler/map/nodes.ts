// Node addresses (§6.4) and where they come from: `--nodes host[:port],...` or a running
// manager's `GET /api/nodes` (Q28: the MM answers {"nodes": [...]}, DIMs and the client
// expect a list; both are accepted).

import { CODES, error, type Diagnostic } from '../diagnostics.ts';

export interface NodeAddress {
  host: string;
  /** REST, events and RPC ports when given (§6.4). */
  ports: number[];
  /** As given; this is what a PG's node/island values carry. */
  text: string;
}

/** Parses `host[:restPort[:eventsPort[:rpcPort]]]`. */
export function parseNodeAddress(text: string): { value?: NodeAddress; diagnostics: Diagnostic[] } {
  const t = text.trim();
  const parts = t.split(':');
  const host = parts[0]!;
  const bad = (why: string) => ({
    diagnostics: [error(CODES.MAP_BAD_NODE_ADDRESS, `bad node address ${JSON.stringify(text)}: ${why}; expected host[:port[:eventsPort[:rpcPort]]]`, { field: 'nodes' })],
  });
  if (!host || /\s/.test(host)) return bad('missing or invalid host');
  if (parts.length > 4) return bad('too many ":" parts');
  const ports: number[] = [];
  for (const p of parts.slice(1)) {
    const x = Number(p);
    if (!/^\d+$/.test(p) || x < 1 || x > 65535) return bad(`port ${JSON.stringify(p)} is not in 1..65535`);
    ports.push(x);
  }
  return { value: { host, ports, text: t }, diagnostics: [] };
}

/** Parses the comma-separated `--nodes` value (or an already split list). */
export function parseNodeList(spec: string | readonly string[]): { value?: string[]; diagnostics: Diagnostic[] } {
  const items = (typeof spec === 'string' ? spec.split(',') : spec).map((s) => s.trim()).filter((s) => s !== '');
  const diagnostics: Diagnostic[] = [];
  const out: string[] = [];
  for (const item of items) {
    const r = parseNodeAddress(item);
    diagnostics.push(...r.diagnostics);
    if (r.value) out.push(r.value.text);
  }
  if (items.length === 0) diagnostics.push(error(CODES.MAP_BAD_NODE_ADDRESS, 'the node list is empty', { field: 'nodes' }));
  return diagnostics.length ? { diagnostics } : { value: out, diagnostics };
}

/** The node list of a `GET /api/nodes` answer: a list, or {"nodes": [...]} (Q28). */
export function nodesFromAnswer(body: unknown): { value?: string[]; diagnostics: Diagnostic[] } {
  const list = Array.isArray(body) ? body
    : body !== null && typeof body === 'object' && Array.isArray((body as { nodes?: unknown }).nodes)
      ? (body as { nodes: unknown[] }).nodes : undefined;
  if (!list || !list.every((x) => typeof x === 'string')) {
    return {
      diagnostics: [error(CODES.MAP_BAD_NODES_ANSWER,
        `the manager's /api/nodes answer is neither a list of node addresses nor {"nodes": [...]}: ${JSON.stringify(body).slice(0, 200)}`,
        { field: 'nodes-from' })],
    };
  }
  return parseNodeList(list as string[]);
}

/** host[:port] or a URL → base URL and the manager's own address (default port 8001). */
export function managerBase(manager: string): { base: string; address: string } {
  const withScheme = /^[a-z]+:\/\//i.test(manager) ? manager : `http://${manager}`;
  const u = new URL(withScheme);
  const port = u.port || '8001';
  return { base: `${u.protocol}//${u.hostname}:${port}`, address: `${u.hostname}:${port}` };
}

/**
 * Asks a running manager for its nodes: the manager itself first (it becomes the island
 * manager, as the reference's `dlg map` does), then every node it reports.
 */
export async function fetchNodes(
  manager: string,
  fetchImpl: typeof fetch = fetch,
  /** A manager started with a token needs it (default: $DLG_TOKEN). */
  token: string | undefined = process.env.DLG_TOKEN,
): Promise<{ value?: string[]; diagnostics: Diagnostic[] }> {
  let base: string;
  let address: string;
  try {
    ({ base, address } = managerBase(manager));
  } catch {
    return { diagnostics: [error(CODES.MAP_FETCH_FAILED, `bad manager address ${JSON.stringify(manager)}`, { field: 'nodes-from' })] };
  }
  let body: unknown;
  try {
    const res = await fetchImpl(`${base}/api/nodes`, token ? { headers: { authorization: `Bearer ${token}` } } : undefined);
    if (!res.ok) {
      const hint = res.status === 401 ? ' (the manager needs a token: set DLG_TOKEN)' : '';
      return { diagnostics: [error(CODES.MAP_FETCH_FAILED, `GET ${base}/api/nodes answered HTTP ${res.status}${hint}`, { field: 'nodes-from' })] };
    }
    body = await res.json();
  } catch (e) {
    return { diagnostics: [error(CODES.MAP_FETCH_FAILED, `GET ${base}/api/nodes failed: ${(e as Error).message}`, { field: 'nodes-from' })] };
  }
  const r = nodesFromAnswer(body);
  return r.value ? { value: [address, ...r.value], diagnostics: [] } : r;
}
