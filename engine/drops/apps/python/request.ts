// What an app call sends to a Python worker and how its reply reaches the outputs. Inputs go
// as descriptors: small contents inline, large ones and files by path (read by Python only
// if the app reads them). Outputs come back inline or as files the worker wrote at paths
// named here: beside a FileDROP's final name, or in shared memory for memory drops.

import { rmSync } from 'node:fs';
import type { AppDrop } from '../../app.ts';
import { DataDrop, MemoryDrop, NullDrop } from '../../data.ts';
import { FileDrop } from '../../file.ts';
import { entryOid, entryPort, relationshipList, type DropSpec } from '../../spec.ts';
import { DropState } from '../../../states.ts';
import type { PythonPool } from './pool.ts';

/** Spec keys a worker never reads; left out of every request. */
const NOT_SENT = new Set(['fields', 'reprodata', 'constraintParams', 'producers', 'consumers', 'streamingConsumers', 'ports']);

export interface PreparedCall {
  header: Record<string, unknown>;
  blobs: Buffer[];
  /** Paths the worker may create; removed when the call fails. */
  sinks: string[];
}

function trimmedSpec(spec: DropSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in spec) if (!NOT_SENT.has(k)) out[k] = spec[k];
  return out;
}

/** Port name and position of each drop in one of the app's relationship lists. */
function ports(spec: DropSpec, key: 'inputs' | 'outputs'): Map<string, [port: string | null, order: number]> {
  const m = new Map<string, [string | null, number]>();
  const list = relationshipList(spec, key) ?? [];
  for (let i = 0; i < list.length; i++) {
    const oid = entryOid(list[i]);
    if (oid !== undefined && !m.has(oid)) m.set(oid, [entryPort(list[i]) ?? null, i]);
  }
  return m;
}

export async function prepareCall(app: AppDrop, kind: string, pool: PythonPool): Promise<PreparedCall> {
  const { sessionId, sessionDir, dlgRoot } = app.host;
  const blobs: Buffer[] = [];
  const sinks: string[] = [];
  const inPorts = ports(app.spec, 'inputs');
  const inputs: Record<string, unknown>[] = [];
  for (const d of app.inputs) {
    const [port, order] = inPorts.get(d.oid) ?? [null, -1];
    const desc: Record<string, unknown> = { oid: d.oid, uid: d.uid, name: d.name, port, order, status: d.status, dataURL: d.dataURL, size: d.size };
    inputs.push(desc);
    if (d instanceof FileDrop) desc.path = d.path;
    if (d.status !== DropState.COMPLETED || d instanceof NullDrop || d instanceof FileDrop) continue;
    if (d instanceof MemoryDrop) {
      if (d.isText) desc.text = true;
      const where = d.forPython(() => pool.scratch.path(sessionId, d.oid));
      if ('file' in where) desc.file = where.file;
      else desc.blob = blobs.push(where.bytes) - 1;
    } else {
      desc.blob = blobs.push(await (d as DataDrop).read()) - 1;
    }
  }
  const outPorts = ports(app.spec, 'outputs');
  const outputs = app.outputs.map((o) => {
    const desc: Record<string, unknown> = { oid: o.oid, uid: o.uid, name: o.name, port: outPorts.get(o.oid)?.[0] ?? null, dataURL: o.dataURL };
    if (o instanceof FileDrop) {
      desc.path = o.path;
      desc.humanKey = o.humanKey;
      desc.sink = o.partialPath();
    } else if (o instanceof MemoryDrop) desc.sink = pool.scratch.path(sessionId, o.oid);
    if (typeof desc.sink === 'string') sinks.push(desc.sink);
    return desc;
  });
  const header: Record<string, unknown> = {
    op: 'run',
    app: kind,
    cwd: sessionDir,
    env: { DLG_UID: app.uid, DLG_SESSION_ID: sessionId, DLG_ROOT: dlgRoot },
    spec: trimmedSpec(app.spec),
    inputs,
    outputs,
  };
  return { header, blobs, sinks };
}

interface OutputReport {
  i: number;
  blob?: number;
  file?: string;
  size?: number;
  skip?: boolean;
  external?: boolean;
  /** The function wrote this file itself, at a name given on its path port. */
  path?: string;
}

/** Write what the worker produced into the app's outputs, in output order. */
export function applyOutputs(app: AppDrop, reply: Record<string, unknown>, blobs: readonly Buffer[]): void {
  const reports = Array.isArray(reply.outputs) ? (reply.outputs as OutputReport[]) : [];
  for (const r of reports) {
    const o = app.outputs[r.i];
    if (o === undefined) continue;
    if (r.skip) o.skip();
    else if (r.external && r.path !== undefined && o instanceof FileDrop) o.relocate(r.path);
    else if (r.file !== undefined) o.writeFile(r.file, r.size ?? 0);
    else if (r.blob !== undefined) {
      const b = blobs[r.blob];
      if (b !== undefined && b.length > 0) o.write(b);
    }
  }
}

export function removeSinks(sinks: readonly string[]): void {
  for (const s of sinks) rmSync(s, { force: true });
}
