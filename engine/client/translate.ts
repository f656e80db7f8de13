// dlg-deploy hands a logical graph (a JSON object rather than a drop list) to this function:
// the compiler fills, validates and unrolls it into the drop list that is deployed.

import { existsSync } from 'node:fs';
import { CODES, error, hasErrors, type Diagnostic } from '../../compiler/diagnostics.ts';
import { pgtChunks } from '../../compiler/emit/pgt.ts';
import { fill, parseParamArgs, readParamsFile } from '../../compiler/fill/index.ts';
import { loadValue } from '../../compiler/load/index.ts';
import { translate } from '../../compiler/translate.ts';
import { managerBase, nodesFromAnswer } from '../../compiler/map/index.ts';
import { ConnectionError, ManagerError } from './client.ts';

export interface TranslateOptions {
  /** Parameter files and name=value pairs given with --params. */
  params?: string[];
  /** The manager the graph goes to, whose nodes the translation maps onto; none = embedded. */
  url?: string;
  /** The graph's file name, for diagnostics. */
  file?: string;
  /** Refuse an LG that unrolls to more drops (default: the compiler's DEFAULT_MAX_DROPS). */
  maxDrops?: number;
  /** The manager's bearer token. */
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
  // A composite manager (data island, master) reports its nodes: the graph is partitioned
  // and mapped onto them. A node manager has no node list: the graph goes there as a PGT.
  const nodes = opts.url ? await managerNodes(opts.url, opts.token) : undefined;
  const t = translate(loaded.value, {
    emit: nodes ? 'pg' : 'pgt',
    oidPrefix: '1',
    maxDrops: opts.maxDrops,
    fill: (doc, f) => fill(doc, { params }, f),
    place: nodes ? { algorithm: 'metis', numPartitions: nodes.length - 1, numIslands: 1, nodes } : undefined,
  });
  diagnostics.push(...t.diagnostics);
  if (!t.value || hasErrors(diagnostics)) throw new TranslateFailed(diagnostics);
  if (t.value.kind !== 'table') {
    throw new TranslateFailed([...diagnostics, error(CODES.NOT_A_GRAPH, 'expected a logical graph', { file })]);
  }
  const parts: Buffer[] = [];
  for (const c of pgtChunks(t.value.table, { oidPrefix: '1', placement: t.value.placed?.mapper })) parts.push(Buffer.from(c));
  return { drops: JSON.parse(Buffer.concat(parts).toString()) as unknown[], warnings: diagnostics };
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
