// A node manager killed with SIGKILL in the middle of a session run through a master manager:
// within 10 s the session is FAILED at its island and at the master, the lost node's drops are
// ERROR, the other nodes' parts are cancelled (their processes killed, no output file left
// under its final name), and dlg-deploy --wait exits 1 naming the lost node. Then the whole
// cluster stops on SIGTERM, every process gone (checked by PID).

import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagerClient } from '../../engine/client/client.ts';
import { flattenStatus, overallStatus } from '../../engine/client/deploy.ts';
import { AppState, DropState, SessionState } from '../../engine/states.ts';
import { repoRoot, tempRoot } from './helpers.ts';
import { alive, startCluster, waitFor } from './hierarchy-helpers.ts';

test('kill -9 of a node manager mid-run fails the session within 10 s everywhere and cancels the rest', async (t) => {
  t.timeout(240_000);
  const c = await startCluster(t, 4, 2);
  const host = (u: string) => u.replace('http://', '');
  const islandOf = (k: number) => host(c.dims[k < 2 ? 0 : 1]!.url);
  // On every node a long bash app; its output feeds a copy on the next node, which writes a file there.
  const pg: unknown[] = [];
  for (let k = 0; k < 4; k++) {
    const here = { node: host(c.nms[k]!.url), island: islandOf(k) };
    const next = { node: host(c.nms[(k + 1) % 4]!.url), island: islandOf((k + 1) % 4) };
    pg.push(
      { oid: `sleep${k}`, categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: 'echo $$ > sleeper.pid; exec sleep 300', outputs: [`slept${k}`], ...here },
      { oid: `slept${k}`, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', producers: [`sleep${k}`], consumers: [`copy${k}`], ...here },
      { oid: `copy${k}`, categoryType: 'Application', dropclass: 'dlg.apps.simple.CopyApp', inputs: [`slept${k}`], outputs: [`done${k}`], ...next },
      { oid: `done${k}`, categoryType: 'Data', dropclass: 'dlg.data.drops.file.FileDROP', filepath: `done${k}.txt`, producers: [`copy${k}`], ...next },
    );
  }
  pg.push({});
  const file = join(tempRoot(t), 'pg.json');
  writeFileSync(file, JSON.stringify(pg));
  const deploy = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'engine/cli/dlg-deploy.ts'), file, '--url', c.mm, '--wait', '--poll-interval', '0.2', '--session-id', 'doomed'], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1' },
  });
  t.teardown(() => {
    if (deploy.exitCode === null) deploy.kill('SIGKILL');
  });
  let deployErr = '';
  deploy.stderr.on('data', (b) => (deployErr += b));
  const deployExit = new Promise<number | null>((resolve) => deploy.on('exit', (code) => resolve(code)));

  const pidFile = (k: number) => join(c.nms[k]!.root, 'workspace/doomed/sleeper.pid');
  await waitFor('every node to run its sleeper', () => [0, 1, 2, 3].every((k) => existsSync(pidFile(k)) && readFileSync(pidFile(k), 'utf8').trim() !== '') || undefined, 120_000);
  const sleepers = [0, 1, 2, 3].map((k) => Number(readFileSync(pidFile(k), 'utf8')));
  t.true(sleepers.every(alive));

  const mm = new ManagerClient(c.mm);
  const dim0 = new ManagerClient(c.dims[0]!.url);
  const lost = host(c.nms[1]!.url);
  const t0 = performance.now();
  process.kill(c.nms[1]!.pid, 'SIGKILL');
  const failedAt = async (client: ManagerClient) => {
    await waitFor('FAILED', async () => {
      const s = await client.sessionStatus('doomed').catch(() => undefined);
      return s !== undefined && overallStatus(flattenStatus(s)) === SessionState.FAILED ? true : undefined;
    }, 30_000, 100);
    return (performance.now() - t0) / 1000;
  };
  const [atIsland, atMaster] = await Promise.all([failedAt(dim0), failedAt(mm)]);
  t.log(`FAILED after ${atIsland.toFixed(1)} s at the island manager, ${atMaster.toFixed(1)} s at the master`);
  t.true(atIsland < 10, `island: ${atIsland} s`);
  t.true(atMaster < 10, `master: ${atMaster} s`);

  const status = (await mm.sessionStatus('doomed')) as Record<string, Record<string, number>>;
  const island0 = Object.values(status)[0]!;
  t.is(Object.entries(island0).find(([n]) => n.startsWith(lost))?.[1], SessionState.FAILED, 'the lost node\'s part is FAILED');
  t.true(flattenStatus(status).filter((s) => s !== SessionState.FAILED).every((s) => s === SessionState.CANCELLED), 'the other parts are CANCELLED');

  // The drops the lost node held are ERROR; everything elsewhere was cancelled.
  const drops = await mm.graphStatus('doomed');
  for (const oid of ['sleep1', 'slept1', 'copy0', 'done0']) t.is(drops[oid]?.status, DropState.ERROR, oid);
  t.is(drops.sleep1?.execStatus, AppState.ERROR);
  for (const oid of ['sleep0', 'slept0', 'sleep2', 'copy1', 'done1', 'copy3', 'done3']) t.is(drops[oid]?.status, DropState.CANCELLED, oid);
  t.is(Object.keys(drops).length, 16);

  // Processes of the other parts are killed; nothing is left under a final file name.
  await waitFor('the other sleepers to be killed', () => [0, 2, 3].every((k) => !alive(sleepers[k]!)) || undefined, 15_000);
  for (const k of [0, 2, 3]) {
    const files = readdirSync(join(c.nms[k]!.root, 'workspace/doomed'));
    t.deepEqual(files.filter((f) => f.startsWith('done') || f.includes('.partial')), [], `node ${k}: ${files.join(', ')}`);
  }

  t.is(await deployExit, 1, deployErr);
  t.regex(deployErr, /session FAILED/);
  t.true(deployErr.includes(lost), `dlg-deploy names the lost node ${lost}: ${deployErr}`);

  // The master's summary and dashboard say which node was lost.
  const summary = (await mm.graphSummary('doomed')) as { lost?: string[] };
  t.true(summary.lost?.some((n) => n.startsWith(lost)));
  const page = await (await fetch(`${c.mm}/`)).text();
  t.true(page.includes(lost) && page.includes('FAILED'));

  // A node manager that stops answering (SIGSTOP) is lost too, after the probe deadline (6 s).
  const dim1 = new ManagerClient(c.dims[1]!.url);
  const hungPg: unknown[] = [];
  for (const k of [2, 3]) {
    const here = { node: host(c.nms[k]!.url) };
    hungPg.push(
      { oid: `nap${k}`, categoryType: 'Application', dropclass: 'dlg.apps.bash_shell_app.BashShellApp', command: 'echo $$ > sleeper.pid; exec sleep 300', outputs: [`napped${k}`], ...here },
      { oid: `napped${k}`, categoryType: 'Data', dropclass: 'dlg.data.drops.memory.InMemoryDROP', producers: [`nap${k}`], consumers: [`wake${k}`], ...here },
      { oid: `wake${k}`, categoryType: 'Application', dropclass: 'dlg.apps.simple.CopyApp', inputs: [`napped${k}`], node: host(c.nms[5 - k]!.url) },
    );
  }
  await dim1.createSession('hung');
  await dim1.append('hung', [...hungPg, {}]);
  await dim1.deploy('hung', ['nap2', 'nap3']);
  const napFile = (k: number) => join(c.nms[k]!.root, 'workspace/hung/sleeper.pid');
  await waitFor('both nappers to run', () => [2, 3].every((k) => existsSync(napFile(k)) && readFileSync(napFile(k), 'utf8').trim() !== '') || undefined, 60_000);
  const napper2 = Number(readFileSync(napFile(2), 'utf8'));
  const t1 = performance.now();
  process.kill(c.nms[3]!.pid, 'SIGSTOP');
  try {
    const hungAt = await (async () => {
      await waitFor('FAILED', async () => {
        const st = await dim1.sessionStatus('hung').catch(() => undefined);
        return st !== undefined && overallStatus(flattenStatus(st)) === SessionState.FAILED ? true : undefined;
      }, 30_000, 100);
      return (performance.now() - t1) / 1000;
    })();
    t.log(`a stopped node manager: FAILED after ${hungAt.toFixed(1)} s`);
    t.true(hungAt < 10, `stopped node: ${hungAt} s`);
    await waitFor('the other napper to be killed', () => !alive(napper2) || undefined, 15_000);
  } finally {
    process.kill(c.nms[3]!.pid, 'SIGCONT');
  }
  // Back again, its part is cancelled too.
  const nm3 = new ManagerClient(c.nms[3]!.url);
  await waitFor('the part of the node that came back to be cancelled', async () => ((await nm3.sessionStatus('hung').catch(() => undefined)) === SessionState.CANCELLED ? true : undefined), 30_000);

  // The cluster stops on SIGTERM and leaves no process behind.
  const pids = c.pids().filter((p) => p !== c.nms[1]!.pid);
  t.true(pids.every(alive), 'all other managers still run');
  c.child.kill('SIGTERM');
  await waitFor('every cluster process to exit', () => pids.every((p) => !alive(p)) || undefined, 30_000);
  t.pass();
});
