// DALiuGE's own Python client (dlg.deploy.common.submit, monitor_sessions and
// dlg.clients.NodeManagerClient) drives our node manager through a whole session of Python apps.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadValue } from '../../compiler/load/index.ts';
import { translate } from '../../compiler/translate.ts';
import { pgtChunks } from '../../compiler/emit/pgt.ts';
import { DropState, SessionState } from '../../engine/states.ts';
import { startNode } from '../engine/helpers.ts';
import { needsPython, pythonOptions } from '../python.ts';
import { needsReference, runRefPython } from './reference.ts';
import { simpleAppsGraph } from './graphs.ts';

if (needsPython(test, 'numpy') && needsReference(test)) {
  test('the reference Python client submits, monitors, queries and destroys a session on our node manager', async (t) => {
    const node = await startNode(t, { python: pythonOptions, maxWorkers: 2 });
    const loaded = loadValue(simpleAppsGraph(), 'simple_interop.graph');
    const tr = translate(loaded.value!, { emit: 'pgt', oidPrefix: '1' });
    if (!tr.value || tr.value.kind !== 'table') return t.fail('translation failed');
    const pg = Buffer.concat([...pgtChunks(tr.value.table, { oidPrefix: '1' })].map((c) => Buffer.from(c)));
    const dir = mkdtempSync(join(tmpdir(), 'dlg-client-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'pg.json'), pg);
    const drops = (JSON.parse(pg.toString()) as { oid?: string }[]).filter((s) => s.oid).length;

    const r = JSON.parse(await runRefPython('client_session.py', ['127.0.0.1', String(node.port), join(dir, 'pg.json')])) as Record<string, any>;
    t.is(r.submit, 'client-session');
    t.is(r.monitor, SessionState.FINISHED, 'monitor_sessions returned with the final status');
    t.deepEqual(r.sessions, [{ sessionId: 'client-session', status: SessionState.FINISHED, size: drops }]);
    t.is(r.session_status, SessionState.FINISHED);
    t.is(r.graph_size, drops);
    t.is(Object.keys(r.graph_status).length, drops);
    for (const [oid, s] of Object.entries(r.graph_status as Record<string, { status: number }>))
      t.true(s.status === DropState.COMPLETED || s.status === DropState.EXPIRED, `${oid}: ${s.status}`);
    t.deepEqual(r.graph_oids, Object.keys(r.graph_status).sort());
    t.deepEqual(r.session_keys, ['dir', 'graph', 'status']);
    t.true(String(r.session_dir.dir).endsWith('/workspace/client-session'));
    t.is(r.drop_status.session, 'client-session');
    t.true(Array.isArray(r.drop_status.logs));
    t.is(r.repro_status, true);
    t.deepEqual(r.repro_data_keys, ['graph', 'reprodata']);
    t.deepEqual(r.submission_method, { methods: ['BROWSER', 'SERVER'] });
    t.is(r.create_again, 'SessionAlreadyExistsException');
    t.is(r.unknown_session, 'NoSessionException');
    t.deepEqual(r.after_destroy, []);
  });
}
