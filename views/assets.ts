// The views' built assets (scripts and stylesheet bundled by esbuild from views/web into
// dist/views) and the route that serves them, for the translator service and every manager.
// Nothing is fetched from elsewhere: the machines running these have no internet.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Inline, ViewName } from './pages.ts';

export const ASSETS = ['viewer.js', 'gantt.js', 'session.js', 'views.css'] as const;

/** dist/views beside the bundled CLIs, or <repo>/dist/views when running from the sources. */
export function assetDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return import.meta.url.endsWith('.ts') ? resolve(here, '../dist/views') : join(here, 'views');
}

export class MissingAssets extends Error {}

export function readAsset(name: (typeof ASSETS)[number]): string {
  const p = join(assetDir(), name);
  if (!existsSync(p)) throw new MissingAssets(`the views are not built (${p} is missing): run npm run build`);
  return readFileSync(p, 'utf8');
}

export function inlineAssets(view: ViewName): Inline {
  return { js: readAsset(`${view}.js`), css: readAsset('views.css') };
}

export function registerViewAssets(app: FastifyInstance): void {
  const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
  app.get('/static/views/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!(ASSETS as readonly string[]).includes(file)) return reply.code(404).type('application/json').send(JSON.stringify({ detail: `no asset ${file}` }));
    const text = readAsset(file as (typeof ASSETS)[number]);
    return reply.type(types[file.split('.').pop()!]!).header('Cache-Control', 'no-cache').send(text);
  });
}
