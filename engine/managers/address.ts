// Manager addresses (reference §6.4): `host[:restPort[:eventsPort[:rpcPort]]]`, compared and
// reported in their full four-part form, so `10.0.0.2` and `10.0.0.2:8000` are one node. The
// default REST port depends on what the address names (a node manager 8000, an island
// manager 8001); an address's events and RPC ports are carried for compatibility only, since
// this engine talks to its peers over the REST port.

import { badRequest } from '../errors.ts';

export const NODE_PORT = 8000;
export const ISLAND_PORT = 8001;
export const MASTER_PORT = 8002;
export const DAEMON_PORT = 9000;
const EVENTS_PORT = 5555;
const RPC_PORT = 6666;

export interface ManagerAddress {
  host: string;
  port: number;
  /** `host:port:events:rpc`, the form managers report and compare. */
  text: string;
  /** The REST base URL, `http://host:port`. */
  url: string;
}

function port(p: string | undefined, fallback: number, what: string, raw: string): number {
  if (p === undefined || p === '') return fallback;
  const n = Number(p);
  if (!/^\d+$/.test(p) || n < 1 || n > 65535) throw badRequest(`Bad address '${raw}': ${what} port '${p}' is not in 1..65535`);
  return n;
}

/** Parses an address, or an http:// URL naming one; throws a 400 error naming the text. */
export function parseAddress(raw: string, defaultPort: number): ManagerAddress {
  let text = String(raw).trim();
  const url = /^https?:\/\/([^/]+)\/?$/i.exec(text);
  if (url) text = url[1]!;
  const parts = text.split(':');
  const host = parts[0] ?? '';
  if (host === '' || /[\s/]/.test(host) || parts.length > 4) throw badRequest(`Bad address '${raw}': expected host[:port[:eventsPort[:rpcPort]]]`);
  const p = port(parts[1], defaultPort, 'REST', raw);
  const e = port(parts[2], EVENTS_PORT, 'events', raw);
  const r = port(parts[3], RPC_PORT, 'RPC', raw);
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return { host, port: p, text: `${host}:${p}:${e}:${r}`, url: `http://${hostForUrl}:${p}` };
}

/** `text` of an address, or undefined when it does not parse. */
export function normalAddress(raw: unknown, defaultPort: number): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return parseAddress(raw, defaultPort).text;
  } catch {
    return undefined;
  }
}

/** Parses a comma-separated list (a CLI value) into distinct full addresses, in order. */
export function parseAddressList(list: string | readonly string[], defaultPort: number): ManagerAddress[] {
  const items = (typeof list === 'string' ? list.split(',') : list).map((s) => s.trim()).filter(Boolean);
  const seen = new Set<string>();
  const out: ManagerAddress[] = [];
  for (const item of items) {
    const a = parseAddress(item, defaultPort);
    if (!seen.has(a.text)) {
      seen.add(a.text);
      out.push(a);
    }
  }
  return out;
}
