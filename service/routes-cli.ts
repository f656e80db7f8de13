// The form-encoded routes that mirror the CLI (reference §7.11 "Updated"): /lg_fill, /unroll,
// /partition, /unroll_and_partition, /map. A graph is `<kind>_name` (a file of --lg-dir) or
// `<kind>_content` (the JSON text), exactly one of the two.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Fields, HttpError, badField } from './http.ts';
import type { Service } from './server.ts';
import { streamJob } from './respond.ts';
import { algoParams, parseObject } from './routes-eagle.ts';
import { parseRmode, type MapArgs, type PartitionArgs, type UnrollArgs } from './translate-jobs.ts';
import type { Src } from './jobs.ts';

function source(s: Service, f: Fields, kind: 'lg' | 'pgt'): Src {
  const name = f.str(`${kind}_name`);
  const content = f.text(`${kind}_content`);
  if (name !== undefined && content !== undefined) throw new HttpError(400, `Need to supply either ${kind}_name or ${kind}_content, not both`);
  if (content !== undefined) return { name: `${kind}_content`, ...content };
  if (name !== undefined) return { name, path: s.lgs.path(name, `${kind}_name`) };
  throw new HttpError(400, `Need to supply ${kind}_name (a graph of the repository) or ${kind}_content (the graph's JSON)`);
}

/** default_app: the class every app becomes (the two the emitters know), or 0/1/2 as in the CLI's --app. */
function appOf(f: Fields): 0 | 1 | 2 {
  const v = f.str('default_app');
  if (v === undefined || v === '0') return 0;
  if (v === '1' || v === 'dlg.apps.simple.SleepApp') return 1;
  if (v === '2' || v === 'dlg.apps.simple.SleepAndCopyApp') return 2;
  throw badField('default_app', `${JSON.stringify(v)} is not supported; use dlg.apps.simple.SleepApp or dlg.apps.simple.SleepAndCopyApp (or 0, 1, 2)`);
}

function unrollArgs(s: Service, f: Fields): UnrollArgs {
  return { source: source(s, f, 'lg'), oidPrefix: f.str('oid_prefix', '1'), zeroRun: f.bool('zero_run', false), app: appOf(f), maxDrops: s.maxDrops };
}

function partitionArgs(s: Service, f: Fields, src: Src): PartitionArgs {
  const algorithm = f.str('algorithm', 'metis');
  return {
    source: src, algorithm, algoParams: algoParams(f, algorithm, 'algorithm'),
    numPartitions: f.int('num_partitions', 1, 1), numIslands: f.int('num_islands', 1, 0), maxDrops: s.maxDrops,
  };
}

export function registerCliRoutes(app: FastifyInstance, s: Service): void {
  const fields = (req: FastifyRequest) => new Fields(req, req.body as Buffer | undefined);

  app.post('/lg_fill', async (req, reply) => {
    const f = fields(req);
    const params = parseObject(f.str('parameters', '{}'), 'parameters');
    return streamJob(reply, s.pool, 'lgFill', { source: source(s, f, 'lg'), parameters: params, rmode: parseRmode(f.str('rmode', 'NOTHING')) });
  });

  app.post('/unroll', async (req, reply) => streamJob(reply, s.pool, 'unroll', unrollArgs(s, fields(req))));

  app.post('/partition', async (req, reply) => {
    const f = fields(req);
    return streamJob(reply, s.pool, 'partition', partitionArgs(s, f, source(s, f, 'pgt')));
  });

  app.post('/unroll_and_partition', async (req, reply) => {
    const f = fields(req);
    const u = unrollArgs(s, f);
    return streamJob(reply, s.pool, 'unrollAndPartition', { ...u, ...partitionArgs(s, f, u.source) });
  });

  app.post('/map', async (req, reply) => {
    const f = fields(req);
    const nodes = f.list('nodes');
    const host = f.str('host');
    if (!nodes && host === undefined) throw new HttpError(400, 'Need to supply nodes (comma-separated host[:port]) or host (and port) of a manager to ask for them');
    const args: MapArgs = {
      source: source(s, f, 'pgt'), nodes, manager: host === undefined ? undefined : `${host}:${f.int('port', 8001, 1)}`,
      numIslands: f.int('num_islands', 1, 0), coHostDim: f.bool('co_host_dim', true), maxDrops: s.maxDrops,
    };
    return streamJob(reply, s.pool, 'map', args);
  });
}
