// Bundles the browser views (views/web/*.ts: viewer, gantt, session) and their stylesheet
// into dist/views, served by the translator service and the managers and inlined by
// `dlg-translate --emit html`. Browser code only: no Node built-ins, no CDN.
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeAtomic } from './atomic.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildViews(out = join(root, 'dist/views')) {
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: ['viewer', 'gantt', 'session'].map((v) => join(root, 'views/web', `${v}.ts`)),
    outdir: out,
    write: false,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const f of result.outputFiles) writeAtomic(f.path, f.contents);
  writeAtomic(join(out, 'views.css'), readFileSync(join(root, 'views/web/views.css')));
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildViews();
