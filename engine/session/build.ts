// Turning a session's specs into live drops at deploy: create them, wire them, find the
// leaves, and check what can only be checked once wired. Then the proxies for drops that
// live on other nodes (reference §7.9). Cost: O(drops + links).

import { OidIndex, type OidLookup } from '../../kernel/oid-index.ts';
import { AppDrop } from '../drops/app.ts';
import { DataDrop, NullDrop } from '../drops/data.ts';
import { type Drop, type DropHost, F_LEAF } from '../drops/drop.ts';
import { FileDrop } from '../drops/file.ts';
import { NullBarrierApp } from '../drops/apps/simple.ts';
import { type DropClass, resolveDropClass } from '../drops/registry.ts';
import { type DropSpec } from '../drops/spec.ts';
import { entryOid, linkKind, listOfLinkType, ownerIsApp } from '../../kernel/relations.ts';
import { invalidGraph, invalidRelationship, messageOf } from '../errors.ts';
import type { Relation } from './remote.ts';
import { Linker, wireDrops } from './wiring.ts';

const MAX_LISTED = 10;

/** "a, b, c and 7 more": error messages stay readable for 10^6-drop graphs. */
export function listed(items: string[]): string {
  return items.length <= MAX_LISTED ? items.join(', ') : `${items.slice(0, MAX_LISTED).join(', ')} and ${items.length - MAX_LISTED} more`;
}

/**
 * The checks a graph passes before it joins a session: oids unique (among its own drops and
 * against the session's), classes implemented, specs valid. The graph may come in batches
 * (add() each as it is parsed, while the rest uploads); check() then throws one 400 listing
 * every offender, the unimplemented classes first as their own 400 with each drop's oid and
 * class. Nothing of the session is touched: `index` maps the new oids to their places after
 * the session's `base` drops, and `classes` holds their classes, for the session to take.
 */
export class Admission {
  readonly specs: DropSpec[] = [];
  readonly classes: DropClass[] = [];
  readonly index = new OidIndex();
  private readonly unimplemented: { oid: string; class: string }[] = [];
  private readonly problems: string[] = [];
  private readonly taken: string[] = [];

  constructor(
    /** The session's oids, and how many drops it has. */
    private readonly existing: OidIndex,
    readonly base: number,
    /** The session, for checks that need its directories (paths). */
    private readonly host?: DropHost,
  ) {}

  /** Checks a batch; returns each spec's class (undefined where it has none), for what else scans the batch. */
  add(specs: readonly DropSpec[]): (DropClass | undefined)[] {
    const existing = this.existing.size > 0 ? this.existing : undefined;
    const batch = new Array<DropClass | undefined>(specs.length);
    for (let k = 0; k < specs.length; k++) {
      const spec = specs[k]!;
      this.shareValues(spec);
      // One Map operation per spec; repeats show up as a size shortfall, named in check().
      this.index.set(spec.oid, this.base + this.specs.length);
      this.specs.push(spec);
      if (existing?.has(spec.oid)) this.taken.push(`${spec.oid}: a drop with this oid already exists`);
      const r = resolveDropClass(spec);
      if (!r.ok) {
        if ('unimplemented' in r) this.unimplemented.push({ oid: spec.oid, class: r.unimplemented });
        else this.problems.push(`${spec.oid}: ${r.invalid}`);
        continue;
      }
      const why = r.cls.check?.(spec) ?? (this.host && r.cls.checkHosted?.(this.host, spec));
      if (why) this.problems.push(`${spec.oid} (${r.cls.name}): ${why}`);
      this.classes.push(r.cls);
      batch[k] = r.cls;
    }
    return batch;
  }

  // The values most specs repeat (class, category, node) are parsed into a new string each
  // time; pointing the spec at one shared copy lets the parsed ones die young, instead of 10^5
  // copies being moved to the old generation and kept for the session's life.
  private readonly shared = new Map<string, string>();

  private share(v: string): string {
    const s = this.shared.get(v);
    if (s !== undefined) return s;
    if (this.shared.size < 4096) this.shared.set(v, v);
    return v;
  }

  private shareValues(spec: DropSpec): void {
    const r = spec as Record<string, unknown>;
    if (typeof r.dropclass === 'string') r.dropclass = this.share(r.dropclass);
    if (typeof r.categoryType === 'string') r.categoryType = this.share(r.categoryType);
    if (typeof r.node === 'string') r.node = this.share(r.node);
    if (typeof r.island === 'string') r.island = this.share(r.island);
  }

  /** Throws the 400 for everything added that cannot join the session. */
  check(): void {
    const problems = [...this.problems, ...this.taken];
    if (this.index.size !== this.specs.length) {
      // Rare: tell which oids of the graph repeat one another.
      const seen = new Set<string>();
      for (const spec of this.specs) {
        if (seen.has(spec.oid)) problems.push(`${spec.oid}: a drop with this oid already exists`);
        seen.add(spec.oid);
      }
    }
    const unimplemented = this.unimplemented;
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
    if (problems.length > 0) throw invalidGraph(`${problems.length} invalid drop spec(s): ${listed(problems)}`, problems);
  }
}

export interface Built {
  drops: Drop[];
  /** Drops that could not be created or prepared, with the reason: they fail the session. */
  failed: [Drop, string][];
  leaves: number;
  linker: Linker;
}

/** Throws InvalidGraph/InvalidRelationship errors for graphs that cannot run as wired. */
export function buildDrops(host: DropHost, specs: readonly DropSpec[], classes: readonly DropClass[], index: OidLookup): Built {
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
    const list = listOfLinkType(rel);
    if (list === undefined) continue; // parent/child: containers are not implemented
    // "lhs is <rel> of rhs": the list is rhs's, so rhs is the app when it owns app-side lists.
    const [appOid, dataOid] = ownerIsApp(list) ? [rhs, lhs] : [lhs, rhs];
    const localApp = source.local(appOid);
    const localData = source.local(dataOid);
    if ((localApp === undefined) === (localData === undefined)) continue;
    const app = localApp ?? source.proxy(appOid, peer, 'app');
    const data = localData ?? source.proxy(dataOid, peer, 'data');
    if (!(app instanceof AppDrop) || !(data instanceof DataDrop))
      throw invalidRelationship([lhs, rel, rhs], 'a subscription must link an application and a data drop');
    linker.join(linkKind(list), app, data);
  }
}

/**
 * An app reads its inputs in the order its own spec lists them, however the links were made
 * (from either side's list, locally or through proxies for other nodes), so that a gather
 * concatenates the same way whatever the placement. O(inputs) for apps already in order.
 */
export function orderInputs(drops: readonly Drop[]): void {
  for (let i = 0; i < drops.length; i++) {
    const d = drops[i]!;
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
