// scripts/attack.mjs against a live dlg-engine nm on loopback: every cross-origin,
// rebinding, shutdown, traversal, injection, prototype-key and token-less attempt of
// issue 8 must be refused. The script bounds itself (--deadline) and stops its engines.

import test from 'ava';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './helpers.ts';

test('scripts/attack.mjs: every attempt is refused', async (t) => {
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts/attack.mjs'), '--deadline', '90'], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  t.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const checks = lines.slice(0, -1);
  t.true(checks.length >= 14, r.stdout);
  for (const line of checks) t.regex(line, /^(refused|ok) /, line);
  for (const what of ['cross-origin POST /api/sessions', 'DNS rebinding', 'GET /api/shutdown', '../../ traversal', 'symlink to /etc/passwd', 'shell injection', '__proto__', 'without the token'])
    t.true(checks.some((l) => l.includes(what)), `the run covers: ${what}`);
  t.regex(lines.at(-1)!, /^all \d+ checks passed$/);
});
