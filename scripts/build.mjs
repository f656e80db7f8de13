// Bundles every CLI entry point (compiler/cli/dlg-*.ts, engine/cli/dlg-*.ts) into dist/.
// One self-contained ESM file per command keeps start-up to a single module load.
import { build } from 'esbuild';
import { buildViews } from './build-views.mjs';
import { readdirSync, mkdirSync, existsSync } from 'node:fs';
import { writeAtomic } from './atomic.mjs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = [];
for (const dir of ['compiler/cli', 'engine/cli']) {
  const abs = join(root, dir);
  if (!existsSync(abs)) continue;
  for (const f of readdirSync(abs)) if (/^dlg-[a-z-]+\.ts$/.test(f)) entries.push(join(abs, f));
}
// The translator service's worker threads load their own bundle (see service/pool.ts).
const outName = (entry) => (entry.endsWith('service/worker.ts') ? 'dlg-translate-worker' : basename(entry, '.ts'));
entries.push(join(root, 'service/worker.ts'));
// `--out DIR` builds elsewhere (tests that run the bundles build their own copy).
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 && process.argv[outArg + 1] ? process.argv[outArg + 1] : join(root, 'dist');
mkdirSync(outDir, { recursive: true });
await Promise.all(entries.map(async (entry) => {
  const outfile = join(outDir, outName(entry) + '.js');
  const result = await build({
    entryPoints: [entry],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: false,
    minify: false,
    legalComments: 'none',
    // CommonJS dependencies bundled into ESM still call require() for node builtins.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __dlgCreateRequire } from 'node:module';\nconst require = __dlgCreateRequire(import.meta.url);" },
    logLevel: 'warning',
    // only the sources (tests) bundle the translator worker on the fly with it
    external: ['esbuild'],
  });
  for (const f of result.outputFiles) writeAtomic(f.path, f.contents, 0o755);
}));

// Beside the commands, where the servers look for them.
await buildViews(join(outDir, 'views'));
