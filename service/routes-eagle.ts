// The translator's original routes (reference §7.11), the ones EAGLE and its browser client
// call: /gen_pgt, /pgt_jsonbody, /gen_pg, /gen_pg_spec, the viewer and schedule pages and
// their data, /jsonbody and /api/submission_method.

import { createReadStream, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ALGORITHM_PARAMS, isAlgorithmName } from '../compiler/schedule/params.ts';
import { queryToken } from '../engine/managers/rest/security.ts';
import { ganttPage, viewerPage } from '../views/pages.ts';
import { Fields, HttpError, badField, sendJson } from './http.ts';
import type { Service } from './server.ts';
import { streamJob } from './respond.ts';
import { checkPgtId } from './repo.ts';
import { parseRmode, type GenPgtArgs } from './translate-jobs.ts';
import type { GenPgArgs } from './stored-jobs.ts';

/** The reference's algorithm parameter names (§5.1), plus our seed. */
const ALGO_PARAM_NAMES = ['min_goal', 'ptype', 'max_load_imb', 'max_cpu', 'time_greedy', 'deadline', 'topk', 'swarm_size', 'max_mem', 'seed'];

/**
 * The algorithm's own parameters from the request (§9 Q33/Q34: honoured, on every route).
 * Parameters of other algorithms are ignored, as each reference algorithm reads only its own
 * (EAGLE's form sends all of them).
 */
export function algoParams(f: Fields, algo: string, field: string): Record<string, unknown> {
  if (!isAlgorithmName(algo)) throw badField(field, `unknown algorithm ${JSON.stringify(algo)}; one of ${Object.keys(ALGORITHM_PARAMS).join(', ')}`);
  const out: Record<string, unknown> = {};
  const nested = f.raw('algo_params');
  const fromNested = typeof nested === 'string' && nested.trim().startsWith('{') ? parseObject(nested, 'algo_params') : nested && typeof nested === 'object' ? nested as Record<string, unknown> : {};
  for (const name of ALGO_PARAM_NAMES) {
    const v = f.has(name) ? f.raw(name) : fromNested[name];
    if (v !== undefined && v !== null && v !== '' && (ALGORITHM_PARAMS[algo] as readonly string[]).includes(name)) out[name] = v;
  }
  return out;
}

export function parseObject(text: string, field: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badField(field, `not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badField(field, 'expected a JSON object');
  return v as Record<string, unknown>;
}

/** gen_pgt's fields, shared by the GET (LG from --lg-dir) and POST (LG in the form) routes. */
function genPgtArgs(s: Service, f: Fields, source: GenPgtArgs['source'], lgName: string): GenPgtArgs {
  const algo = f.str('algo', 'metis');
  return {
    source, lgName,
    rmode: parseRmode(f.str('rmode', '0')),
    test: f.str('test', 'false').toLowerCase() === 'true',
    algo,
    numPar: f.int('num_par', 1, 1),
    numIslands: f.int('num_islands', 0, 0),
    parLabel: f.str('par_label', 'Partition'),
    algoParams: algoParams(f, algo, 'algo'),
    pgtDir: s.pgts.root,
    maxDrops: s.maxDrops,
  };
}

async function genPgtPage(s: Service, req: FastifyRequest, reply: FastifyReply, args: GenPgtArgs): Promise<FastifyReply> {
  const r = (await s.pool.run('genPgt', args)) as { pgtId: string; partInfo: string };
  return reply.type('text/html; charset=utf-8').send(viewerPage({ title: `Physical Graph Template Partitioning: ${args.lgName}`, pgtId: r.pgtId, partInfo: r.partInfo, token: queryToken(req) }));
}

export interface Manager {
  /** http(s)://host:port/prefix, no trailing slash */
  base: string;
  host: string;
  port: number;
  prefix: string;
}

/** dlg_mgr_url, or dlg_mgr_host + dlg_mgr_port (default 8001, the island manager's; the reference uses 443: §9 Q42). */
export function managerOf(f: Fields): Manager | undefined {
  const url = f.str('dlg_mgr_url');
  if (url !== undefined) {
    let u: URL;
    try {
      u = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
    } catch {
      throw badField('dlg_mgr_url', `not a URL: ${JSON.stringify(url)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badField('dlg_mgr_url', 'expected an http or https URL');
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    const prefix = u.pathname.replace(/\/+$/, '');
    return { base: `${u.protocol}//${u.hostname}:${port}${prefix}`, host: u.hostname, port, prefix };
  }
  const host = f.str('dlg_mgr_host');
  if (host === undefined) return undefined;
  if (!/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:]+\]$/.test(host)) throw badField('dlg_mgr_host', `not a host name: ${JSON.stringify(host)}`);
  const port = f.int('dlg_mgr_port', 8001, 1);
  return { base: `http://${host}:${port}`, host, port, prefix: '' };
}

/** Managers started with a token need it: the translator sends $DLG_TOKEN, as our other clients do. */
export function managerHeaders(): Record<string, string> {
  const t = process.env.DLG_TOKEN;
  return t ? { authorization: `Bearer ${t}` } : {};
}

/**
 * The manager followed by its nodes (`GET /api/nodes`, a list or {"nodes": [...]}). A node
 * manager has no such route: it then runs the drops itself.
 */
export async function managerNodes(m: Manager): Promise<string[]> {
  const self = `${m.host}:${m.port}`;
  let res: Response;
  try {
    res = await fetch(`${m.base}/api/nodes`, { headers: managerHeaders(), signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new HttpError(502, `Failed to interact with DALiuGE Drop Manager at ${m.base}: ${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}`);
  }
  if (res.status === 404) return [self];
  if (!res.ok) throw new HttpError(502, `Failed to interact with DALiuGE Drop Manager at ${m.base}: GET /api/nodes answered HTTP ${res.status}`);
  const body = (await res.json().catch(() => undefined)) as unknown;
  const list = Array.isArray(body) ? body : (body as { nodes?: unknown } | undefined)?.nodes;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new HttpError(502, `${m.base}/api/nodes answered neither a list of nodes nor {"nodes": [...]}`);
  return [self, ...(list as string[])];
}

/** `<graph>_<YYYY-MM-DDTHH-MM-SS.ffffff>`, local time, as the reference names deployed sessions. */
export function deploySessionId(pgtId: string): string {
  const d = new Date();
  const p = (x: number, w = 2) => String(x).padStart(w, '0');
  const micro = p(d.getMilliseconds(), 3) + p(Math.floor((performance.now() % 1) * 1000), 3);
  const stem = pgtId.split('.graph')[0]!.split('_pgt')[0]!.split('/').pop();
  return `${stem}_${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}.${micro}`;
}

/** A file's text as one JSON string, streamed (the double encoding of /pgt_jsonbody). */
function encodedFile(path: string) {
  const decoder = new TextDecoder();
  let opened = false;
  return createReadStream(path, { highWaterMark: 1 << 20 }).pipe(new Transform({
    transform(chunk: Buffer, _enc, done) {
      const s = (opened ? '' : '"') + decoder.decode(chunk, { stream: true }).replace(/["\\]/g, '\\$&');
      opened = true;
      done(null, s);
    },
    flush(done) {
      done(null, (opened ? '' : '"') + decoder.decode().replace(/["\\]/g, '\\$&') + '"');
    },
  }));
}

export function registerEagleRoutes(app: FastifyInstance, s: Service): void {
  const fields = (req: FastifyRequest) => new Fields(req, req.body as Buffer | undefined);

  app.post('/gen_pgt', async (req, reply) => {
    const f = fields(req);
    const lgName = f.required('lg_name');
    const json = f.text('json_data');
    if (!json) throw badField('json_data', 'this field is required');
    return genPgtPage(s, req, reply, genPgtArgs(s, f, { name: lgName, ...json }, lgName));
  });

  app.get('/gen_pgt', async (req, reply) => {
    const f = fields(req);
    const lgName = f.required('lg_name');
    return genPgtPage(s, req, reply, genPgtArgs(s, f, { name: lgName, path: s.lgs.path(lgName) }, lgName));
  });

  app.get('/pgt_jsonbody', async (req, reply) => {
    const path = s.pgts.path(fields(req).str('pgt_name'), 'pgt_name');
    return reply.type('application/json').send(encodedFile(path));
  });

  app.get('/pg_viewer', async (req, reply) => {
    let id = fields(req).str('pgt_view_name');
    if (id === undefined) id = s.pgts.list()[0]?.pgt_id;
    if (id === undefined) throw new HttpError(404, 'Physical graph template view not found: no PGT is stored yet');
    s.pgts.path(id, 'pgt_view_name');
    return reply.type('text/html; charset=utf-8').send(viewerPage({ title: 'Physical Graph Template', pgtId: id, token: queryToken(req) }));
  });

  app.get('/jsonbody', async (req, reply) => {
    const name = fields(req).str('lg_name') ?? s.lgs.first();
    if (name === undefined) throw new HttpError(404, 'No logical graph found in the repository');
    const text = readFileSync(s.lgs.path(name), 'utf8');
    try {
      JSON.parse(text);
    } catch (e) {
      throw new HttpError(500, `Logical graph ${name} is not JSON: ${(e as Error).message}`);
    }
    return reply.type('application/json; charset=utf-8').send(text);
  });

  app.post('/jsonbody', async (req, reply) => {
    const f = fields(req);
    const name = f.required('lg_name');
    if (!s.lgs.exists(name)) throw new HttpError(404, 'Creating new graphs through this API is not supported');
    const doc = parseObject(f.required('lg_content'), 'lg_content');
    const rmode = parseRmode(f.str('rmode', '0'));
    if (rmode !== 0) doc.reprodata = { ...(doc.reprodata as object | undefined), rmode: String(rmode) };
    const path = s.lgs.path(name);
    const tmp = join(dirname(path), `.${process.pid}.jsonbody.tmp`);
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, path);
    return sendJson(reply, null);
  });

  app.get('/gen_pg', async (req, reply) => {
    const f = fields(req);
    const pgtId = checkPgtId(f.str('pgt_id'));
    s.pgts.path(pgtId);
    const m = managerOf(f);
    const tplNodesLen = f.int('tpl_nodes_len', 0, 0);
    const deploy = f.has('dlg_mgr_deploy');
    if (!m) {
      if (tplNodesLen <= 0) throw new HttpError(400, 'Must specify DALiuGE manager host or tpl_nodes_len');
      return streamJob(reply, s.pool, 'genPg', { pgtDir: s.pgts.root, pgtId } satisfies GenPgArgs);
    }
    const nodes = await managerNodes(m);
    if (!deploy) return streamJob(reply, s.pool, 'genPg', { pgtDir: s.pgts.root, pgtId, nodes } satisfies GenPgArgs);
    const sessionId = deploySessionId(pgtId);
    await s.pool.run('genPg', { pgtDir: s.pgts.root, pgtId, nodes, deploy: { base: m.base, sessionId } } satisfies GenPgArgs);
    const scheme = m.base.startsWith('https:') ? 'https' : 'http';
    return reply.code(307).redirect(`${scheme}://${m.host}:${m.port}${m.prefix}/session?sessionId=${encodeURIComponent(sessionId)}`, 307);
  });

  app.post('/gen_pg_spec', async (req, reply) => {
    const f = fields(req);
    const pgtId = checkPgtId(f.str('pgt_id'));
    s.pgts.path(pgtId);
    let host = f.required('manager_host');
    if (!host.includes(':')) host = `${host}:8001`;
    const nodeList = f.list('node_list') ?? [];
    f.int('tpl_nodes_len', 1, 0); // accepted for compatibility; the node list decides
    return streamJob(reply, s.pool, 'genPgSpec', { pgtDir: s.pgts.root, pgtId, nodes: [host, ...nodeList] });
  });

  app.get('/gen_pg_helm', async () => {
    throw new HttpError(501, 'Kubernetes (helm) deployment is not supported by this translator');
  });

  const stored = (req: FastifyRequest) => {
    const pgtId = checkPgtId(fields(req).str('pgt_id'));
    s.pgts.path(pgtId);
    return { pgtDir: s.pgts.root, pgtId };
  };
  app.get('/pgt_gantt_chart', async (req, reply) => streamJob(reply, s.pool, 'ganttMatrix', stored(req)));
  app.get('/get_schedule_matrices', async (req, reply) => streamJob(reply, s.pool, 'scheduleMatrices', stored(req)));
  app.get('/show_gantt_chart', async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(ganttPage({ title: 'Gantt chart', pgtId: stored(req).pgtId, tab: 'gantt', token: queryToken(req) })));
  app.get('/show_schedule_mat', async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(ganttPage({ title: 'Schedule matrix', pgtId: stored(req).pgtId, tab: 'matrix', token: queryToken(req) })));

  app.get('/api/submission_method', async (req, reply) => {
    const m = managerOf(fields(req));
    if (!m) return sendJson(reply, { methods: [] });
    try {
      const res = await fetch(`${m.base}/api/submission_method`, { headers: managerHeaders(), signal: AbortSignal.timeout(15_000) });
      const body = (await res.json()) as { methods?: unknown };
      return sendJson(reply, { methods: res.ok && Array.isArray(body.methods) ? body.methods : [] });
    } catch {
      return sendJson(reply, { methods: [] });
    }
  });
}
