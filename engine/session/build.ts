// Turning a session's specs into live drops at deploy: create them, wire them, find the
// leaves, and check what can only be checked once wired. Then the proxies for drops that
// live on other nodes (reference §7.9). Cost: O(drops + links).

import { AppDrop } from '../drops/app.ts';
import { DataDrop, NullDrop } from '../drops/data.ts';
import { type Drop, type DropHost, F_LEAF } from '../drops/drop.ts';
import { FileDrop } from '../drops/file.ts';
import { NullBarrierApp } from '../drops/apps/simple.ts';
import { type DropClass, resolveDropClass } from '../drops/registry.ts';
import { type DropSpec, entryOid } from '../drops/spec.ts';
import { invalidGraph, invalidRelationship, messageOf } from '../errors.ts';
import { LinkType } from '../states.ts';
import type { Relation } from './remote.ts';
import { Linker, wireDrops } from './wiring.ts';

const MAX_LISTED = 10;

/** "a, b, c and 7 more": error messages stay readable for 10^6-drop graphs. */
export function listed(items: string[]): string {
  return items.length <= MAX_LISTED ? items.join(', ') : `${items.slice(0, MAX_LISTED).join(', ')} and ${items.length - MAX_LISTED} more`;
}

/**
 * Check a batch of specs before it joins a session: oids unique, classes implemented, specs
 * valid. Each oid is entered in `index` (after the `existing` specs) and each class pushed to
 * `classes`; on any problem both are rolled back and one error lists every offender. The unimplemented
 * classes come first, as their own 400, listing each drop's oid and class.
 */
export function admitSpecs(
  specs: readonly DropSpec[],
  existing: readonly DropSpec[],
  index: Map<string, number>,
  classes: DropClass[],
  /** The session, for checks that need its directories (paths). */
  host?: DropHost,
): void {
  const base = existing.length;
  const unimplemented: { oid: string; class: string }[] = [];
  const problems: string[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    // One Map operation per spec; duplicates show up as a size shortfall, checked below.
    index.set(spec.oid, base + i);
    const r = resolveDropClass(spec);
    if (!r.ok) {
      if ('unimplemented' in r) unimplemented.push({ oid: spec.oid, class: r.unimplemented });
      else problems.push(`${spec.oid}: ${r.invalid}`);
      continue;
    }
    const why = r.cls.check?.(spec) ?? (host && r.cls.checkHosted?.(host, spec));
    if (why) problems.push(`${spec.oid} (${r.cls.name}): ${why}`);
    classes.push(r.cls);
  }
  if (index.size !== base + specs.length) {
    // Rare: rebuild the index of the earlier specs to tell which oids were repeated.
    index.clear();
    existing.forEach((s, i) => index.set(s.oid, i));
    for (const spec of specs) {
      if (index.has(spec.oid)) problems.push(`${spec.oid}: a drop with this oid already exists`);
      else index.set(spec.oid, -1);
    }
  }
  if (unimplemented.length === 0 && problems.length === 0) return;
  index.clear();
  existing.forEach((s, i) => index.set(s.oid, i));
  classes.length = base;
  if (unimplemented.length > 0) {
    const byClass = new Map<string, string[]>();
    for (const u of unimplemented) {
      const oids = byClass.get(u.class);
      if (oids) oids.push(u.oid);
      else byClass.set(u.class, [u.oid]);
    }
    const what = [...byClass].map(([c, oids]) => `${c} (${listed(oids)})`).join('; ');
    throw invalidGraph(`${unimplemented.length} drop(s) use classes this engine does not implement: ${what}`, unimplemented, problems);
  }
  throw invalidGraph(`${problems.length} invalid drop spec(s): ${listed(problems)}`, problems);
}

export interface Built {
  drops: Drop[];
  /** Drops that could not be created or prepared, with the reason: they fail the session. */
  failed: [Drop, string][];
  leaves: number;
  linker: Linker;
}

/** Throws InvalidGraph/InvalidRelationship errors for graphs that cannot run as wired. */
export function buildDrops(host: DropHost, specs: readonly DropSpec[], classes: readonly DropClass[], index: ReadonlyMap<string, number>): Built {
  const failed: [Drop, string][] = [];
  const n = specs.length;
  const drops: Drop[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const spec = specs[i]!;
    const cls = classes[i]!;
    try {
      drops[i] = cls.create(host, spec);
    } catch (err) {
      // A stand-in keeps the wiring intact; the session fails with this drop in ERROR.
      drops[i] = cls.kind === 'app' ? new NullBarrierApp(host, spec) : new NullDrop(host, spec);
      failed.push([drops[i]!, messageOf(err)]);
    }
  }
  const linker = new Linker();
  wireDrops(specs, drops, index, linker);

  const problems: string[] = [];
  let leaves = 0;
  for (const d of drops) {
    if (d instanceof AppDrop) {
      const why = d.wiringProblem();
      if (why) problems.push(`${d.oid}: ${why}`);
      const inputs = d.inputs.length + d.streamingInputs.length;
      if (d.effectiveInputs > inputs) problems.push(`${d.oid}: n_effective_inputs (${d.effectiveInputs}) exceeds its ${inputs} inputs`);
      if (d.outputs.length === 0) {
        d.flags |= F_LEAF;
        leaves++;
      }
    } else if (d instanceof DataDrop) {
      if (d.consumers.length === 0 && d.streamingConsumers.length === 0) {
        d.flags |= F_LEAF;
        leaves++;
      }
      if (d instanceof FileDrop) {
        try {
          d.prepare();
        } catch (err) {
          failed.push([d, messageOf(err)]);
        }
      }
    }
  }
  if (problems.length > 0) throw invalidGraph(`${problems.length} drop(s) cannot run as wired: ${listed(problems)}`, problems);
  if (leaves === 0 && n > 0) throw invalidGraph('The graph has no leaf drops: it contains a cycle');
  return { drops, failed, leaves, linker };
}

export interface ProxySource {
  /** The local drop (or, before deploy, spec) of an oid or uid. */
  local(oid: string): unknown;
  proxy(uid: string, peer: string, kind: 'app' | 'data'): Drop;
}

/**
 * Wire each subscription relation (lhs is <rel> of rhs) whose one side is local to a proxy
 * of the other side. Relations with both or neither side here are skipped.
 */
export function attachProxies(subscriptions: readonly [peer: string, rel: Relation][], linker: Linker, source: ProxySource): void {
  for (const [peer, [lhs, rel, rhs]] of subscriptions) {
    let appOid: string, dataOid: string;
    if (rel === LinkType.CONSUMER || rel === LinkType.STREAMING_CONSUMER || rel === LinkType.PRODUCER) [appOid, dataOid] = [lhs, rhs];
    else if (rel === LinkType.INPUT || rel === LinkType.STREAMING_INPUT || rel === LinkType.OUTPUT) [dataOid, appOid] = [lhs, rhs];
    else continue; // parent/child: containers are not implemented
    const localApp = source.local(appOid);
    const localData = source.local(dataOid);
    if ((localApp === undefined) === (localData === undefined)) continue;
    const app = localApp ?? source.proxy(appOid, peer, 'app');
    const data = localData ?? source.proxy(dataOid, peer, 'data');
    if (!(app instanceof AppDrop) || !(data instanceof DataDrop))
      throw invalidRelationship([lhs, rel, rhs], 'a subscription must link an application and a data drop');
    if (rel === LinkType.PRODUCER || rel === LinkType.OUTPUT) linker.produce(app, data);
    else if (rel === LinkType.STREAMING_CONSUMER || rel === LinkType.STREAMING_INPUT) linker.stream(data, app);
    else linker.consume(data, app);
  }
}

/**
 * An app reads its inputs in the order its own spec lists them, however the links were made
 * (from either side's list, locally or through proxies for other nodes), so that a gather
 * concatenates the same way whatever the placement. O(inputs) for apps already in order.
 */
export function orderInputs(drops: readonly Drop[]): void {
  for (const d of drops) {
    if (!(d instanceof AppDrop) || d.inputs.length < 2) continue;
    const list = d.spec.inputs;
    if (!Array.isArray(list) || list.length < 2) continue;
    const pos = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      const o = entryOid(list[i]);
      if (o !== undefined && !pos.has(o)) pos.set(o, i);
    }
    const inputs = d.inputs;
    const key = (x: DataDrop, i: number) => pos.get(x.oid) ?? list.length + i;
    let sorted = true;
    for (let i = 1; i < inputs.length && sorted; i++) if (key(inputs[i - 1]!, i - 1) > key(inputs[i]!, i)) sorted = false;
    if (sorted) continue;
    const keyed = inputs.map((x, i) => [key(x, i), x] as const);
    keyed.sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < keyed.length; i++) inputs[i] = keyed[i]![1];
  }
}
