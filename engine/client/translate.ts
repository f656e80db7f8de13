// dlg-deploy hands a logical graph (a JSON object rather than a drop list) to this function:
// the compiler fills, validates and unrolls it into the drop list that is deployed.

import { existsSync } from 'node:fs';
import { CODES, error, hasErrors, type Diagnostic } from '../../compiler/diagnostics.ts';
import { pgtChunks } from '../../compiler/emit/pgt.ts';
import { fill, parseParamArgs, readParamsFile } from '../../compiler/fill/index.ts';
import { loadValue } from '../../compiler/load/index.ts';
import { translate } from '../../compiler/translate.ts';
import { type DropMapper, managerBase, nodesFromAnswer } from '../../compiler/map/index.ts';
import { ConnectionError, ManagerClient, ManagerError } from './client.ts';

export interface TranslateOptions {
  /** Parameter files and name=value pairs given with --params. */
  params?: string[];
  /** The manager the graph goes to, whose nodes the translation maps onto; none = embedded. */
  url?: string;
  /** The graph's file name, for diagnostics. */
  file?: string;
  /** Refuse an LG that unrolls to more drops (default: the compiler's DEFAULT_MAX_DROPS). */
  maxDrops?: number;
  /** Bearer token of the manager (and of the island managers a master reports). */
  token?: string;
}

/** The translation failed: the diagnostics say why (they name the LG nodes). */
export class TranslateFailed extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; '));
  }
}

/** --params values: an existing file is a params file; `name=value` (or a JSON object) is one parameter. */
function paramsOf(values: readonly string[]): { params: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let params: Record<string, unknown> = {};
  for (const v of values) {
    const asFile = existsSync(v) || (!v.includes('=') && !v.trim().startsWith('{'));
    const r = asFile ? readParamsFile(v) : parseParamArgs([v]);
    diagnostics.push(...r.diagnostics);
    if (r.value) params = { ...params, ...r.value };
  }
  return { params, diagnostics };
}

/** Translate an LG into a PGT ready to deploy; warnings are returned, errors thrown. */
export async function translateForDeploy(lg: Record<string, unknown>, opts: TranslateOptions): Promise<{ drops: unknown[]; warnings: Diagnostic[] }> {
  const file = opts.file ?? '-';
  const { params, diagnostics } = paramsOf(opts.params ?? []);
  if (hasErrors(diagnostics)) throw new TranslateFailed(diagnostics);
  const loaded = loadValue(lg, file);
  diagnostics.push(...loaded.diagnostics);
  if (!loaded.value) throw new TranslateFailed(diagnostics);
  // A composite manager (data island, master) reports its islands and nodes: the graph is
  // partitioned and mapped onto them. A node manager has none: the graph goes there as a PGT.
  const layout = opts.url ? await managerLayout(opts.url, opts.token) : undefined;
  const nodeCount = layout?.reduce((n, i) => n + i.nodes.length, 0) ?? 0;
  const t = translate(loaded.value, {
    emit: layout ? 'pgtp' : 'pgt',
    oidPrefix: '1',
    maxDrops: opts.maxDrops,
    fill: (doc, f) => fill(doc, { params }, f),
    place: layout ? { algorithm: 'metis', numPartitions: nodeCount, numIslands: layout.length } : undefined,
  });
  diagnostics.push(...t.diagnostics);
  if (!t.value || hasErrors(diagnostics)) throw new TranslateFailed(diagnostics);
  if (t.value.kind !== 'table') {
    throw new TranslateFailed([...diagnostics, error(CODES.NOT_A_GRAPH, 'expected a logical graph', { file })]);
  }
  const parts: Buffer[] = [];
  const plan = t.value.placed?.plan;
  const placement = layout && plan ? hierarchyMapper(plan.part, plan.islandOf, layout) : t.value.placed?.mapper;
  for (const c of pgtChunks(t.value.table, { oidPrefix: '1', placement })) parts.push(Buffer.from(c));
  return { drops: JSON.parse(Buffer.concat(parts).toString()) as unknown[], warnings: diagnostics };
}

export interface IslandLayout {
  /** What the graph's `island` values must say: the island manager's address. */
  address: string;
  /** Its node managers. */
  nodes: string[];
}

/**
 * The islands and nodes under a manager: a master lists its islands (GET /api/islands), each of
 * which lists its nodes; an island manager is one island of the nodes it reports (GET
 * /api/nodes). Undefined for a node manager, which has neither.
 */
export async function managerLayout(url: string, token: string | undefined = process.env.DLG_TOKEN): Promise<IslandLayout[] | undefined> {
  // Every composite manager lists its nodes; only a master also lists islands.
  const nodes = await managerNodes(url, token);
  if (!nodes) return undefined;
  const client = new ManagerClient(managerBase(url).base, { token, timeoutMs: NODES_TIMEOUT_MS });
  let islands: string[] | undefined;
  try {
    islands = await client.islands();
  } catch (err) {
    // No such route: an island manager. Anything else (unreachable, refused) is an error.
    if (!(err instanceof ManagerError && (err.httpStatus === 404 || err.httpStatus === 405))) throw err;
  }
  if (!Array.isArray(islands) || islands.length === 0) return [{ address: nodes[0]!, nodes: nodes.slice(1) }];
  const all = await Promise.all(
    islands.map(async (address) => ({ address, nodes: await new ManagerClient(managerBase(address.split(':').slice(0, 2).join(':')).base, { token, timeoutMs: NODES_TIMEOUT_MS }).nodes() })),
  );
  const usable = all.filter((i) => i.nodes.length > 0);
  return usable.length > 0 ? usable : undefined;
}

/**
 * Partitions onto node managers island by island: the partitions the placement put on island
 * j go to island j's nodes in turn, so every drop's node belongs to its island.
 */
export function hierarchyMapper(part: Int32Array, islandOf: Int32Array, layout: readonly IslandLayout[]): DropMapper {
  const seen = new Array<number>(layout.length).fill(0);
  const nodeOfPart = Array.from(islandOf, (j) => {
    const isl = layout[j % layout.length]!;
    return isl.nodes[seen[j % layout.length]!++ % isl.nodes.length]!;
  });
  const islandOfPart = Array.from(islandOf, (j) => layout[j % layout.length]!.address);
  return { node: (i) => nodeOfPart[part[i]!]!, island: (i) => islandOfPart[part[i]!]! };
}

/**
 * The manager and the nodes it reports (GET /api/nodes), or undefined for a node manager,
 * which has no such route (404). A manager that cannot be reached, or that fails to answer,
 * is an error: deploying the graph unpartitioned instead would put every drop on one node.
 */
async function managerNodes(url: string, token: string | undefined = process.env.DLG_TOKEN): Promise<string[] | undefined> {
  const base = url.replace(/\/+$/, '');
  const at = `${base}/api/nodes`;
  let res: Response;
  try {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    res = await fetch(at, { headers, signal: AbortSignal.timeout(NODES_TIMEOUT_MS) });
  } catch (err) {
    throw new ConnectionError(base, err);
  }
  if (res.status === 404 || res.status === 405) return undefined;
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    // DALiuGE's error body {"type", "args"} when there is one; the text otherwise.
    let type = 'NodeListUnavailable';
    let args: unknown[] = text ? [text.slice(0, 200)] : [];
    try {
      const e = JSON.parse(text) as { type?: unknown; args?: unknown };
      if (typeof e.type === 'string') type = e.type;
      if (Array.isArray(e.args)) args = e.args;
    } catch {
      /* not JSON: keep the text */
    }
    if (res.status === 401 && !token) args = [...args, 'the manager needs a token: set DLG_TOKEN or give --token'];
    throw new ManagerError(at, res.status, type, args);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ManagerError(at, res.status, 'BadNodesAnswer', [`GET /api/nodes did not answer JSON: ${text.slice(0, 200)}`]);
  }
  const r = nodesFromAnswer(body);
  if (!r.value) throw new TranslateFailed(r.diagnostics.map((d) => ({ ...d, message: `${at}: ${d.message}` })));
  return r.value.length > 0 ? [managerBase(base).address, ...r.value] : undefined;
}

const NODES_TIMEOUT_MS = 60_000;
