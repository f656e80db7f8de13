// dlg-engine cluster leaves no orphans even when killed itself; dlg-engine daemon (reference
// §7.8) starts and stops managers on request, also when a master manager asks.

import test from 'ava';
import { startCluster, alive, engineProcess, startComposite, waitFor } from './hierarchy-helpers.ts';
import { tempRoot } from './helpers.ts';

test('a cluster killed with SIGKILL takes its managers with it', async (t) => {
  t.timeout(180_000);
  const c = await startCluster(t, 2, 1);
  const pids = c.pids();
  t.is(pids.length, 5, 'the cluster, a master, an island and two node managers');
  t.true(pids.every(alive));
  const api = (await (await fetch(`${c.mm}/api`)).json()) as { hosts: string[] };
  t.deepEqual(api.hosts, [`${c.dims[0]!.url.replace('http://', '')}:5555:6666`]);
  process.kill(c.pid, 'SIGKILL');
  await waitFor('every manager to exit', () => pids.every((p) => !alive(p)) || undefined, 30_000);
  t.pass();
});

test('the daemon starts and stops managers on request, directly or through a master manager', async (t) => {
  t.timeout(180_000);
  const daemon = engineProcess(['daemon', '--port', '0', '--nm-port', '0', '--dim-port', '0', '--mm-port', '0', '--dlg-root', tempRoot(t)]);
  t.teardown(() => {
    if (alive(daemon.pid!)) daemon.kill('SIGKILL');
  });
  let err = '';
  daemon.stderr!.on('data', (b) => (err += b));
  const url = await waitFor('the daemon to listen', () => /daemon on (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1], 60_000);
  const j = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: (await res.json()) as any };
  };
  t.deepEqual((await j('GET', '/')).json, { master: null, island: null, node: null });
  const nm = (await j('POST', '/managers/node/start')).json;
  t.true(nm.pid > 0 && alive(nm.pid));
  t.is((await j('POST', '/managers/node/start')).status, 409, 'already running');
  t.is((await j('GET', '/managers/node')).json.pid, nm.pid);

  // A master asks the daemon (host:port in the path) for an island over that node manager.
  const mm = await startComposite(t, 'master', [], { probeIntervalMs: 200 });
  const daemonHost = url.replace('http://', '');
  const island = await fetch(`${mm.url}/api/managers/${daemonHost}/island`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodes: [nm.url.replace('http://', '')] }) });
  const islands = ((await island.json()) as { islands: string[] }).islands;
  t.is(islands.length, 1);
  const dimPid = (await j('GET', '/managers/island')).json.pid;
  t.true(alive(dimPid));
  t.deepEqual(await (await fetch(`${mm.url}/api/managers/${daemonHost}/island`)).json(), { pid: dimPid, url: (await j('GET', '/managers/island')).json.url });
  await waitFor('the master to see the node', async () => ((await mm.client.nodes()).length === 1 ? true : undefined));
  t.deepEqual(await mm.client.nodes(), [`${nm.url.replace('http://', '')}:5555:6666`]);
  t.deepEqual((await j('GET', '/managers')).json, { master: null, island: dimPid, node: nm.pid });

  const stopped = await fetch(`${mm.url}/api/managers/${daemonHost}/node/stop`, { method: 'POST' });
  t.is(stopped.status, 200);
  t.false(alive(nm.pid), 'the node manager process is gone');
  t.is((await j('POST', '/managers/node/stop')).status, 409, 'not running');
  daemon.kill('SIGTERM');
  await waitFor('the daemon and its island manager to exit', () => (!alive(daemon.pid!) && !alive(dimPid)) || undefined, 30_000);
  t.pass();
});
