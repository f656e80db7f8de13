// Where every drop of a composite manager's session went, and the relations that cross its
// children (reference §7.9). Kept per session (the reference shares one dictionary between all
// sessions, §9 Q31) in flat arrays: 10^6 drops cost one Map entry and a few numbers each.
//
// A relation is recorded as the reference does, (other oid, link type of the list it was
// found in, this oid), with every entry reduced to its oid first (§9 Q32: mixed lists are not
// mangled) and oids replaced by uids. It is indexed under the child holding each side, keyed
// by the node holding the other side: that is the peer the child's node exchanges events with.
// The entries themselves stay in the forwarded specs, since they carry the port names.

import { type DropSpec } from '../../drops/spec.ts';
import { entryOid, linkKind, listOfLinkType, ownerIsApp } from '../../../kernel/relations.ts';
import { LinkType } from '../../../kernel/states.ts';
import type { Relation } from '../../session/remote.ts';
import { invalidGraph } from '../../errors.ts';
import { listed } from '../../session/build.ts';
import { OidIndex } from '../../../kernel/oid-index.ts';

/** "lhs is <rel> of rhs" → the app, the data drop, and how they meet: one key per relationship. */
function normalised(lhs: string, rel: number, rhs: string): string {
  const list = listOfLinkType(rel);
  if (list === undefined) return `${lhs}\u0000${rhs}\u0000${rel}`;
  const kind = linkKind(list);
  return ownerIsApp(list) ? `${rhs}\u0000${lhs}\u0000${kind}` : `${lhs}\u0000${rhs}\u0000${kind}`;
}

class Names {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  id(name: string): number {
    let i = this.ids.get(name);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(name);
      this.ids.set(name, i);
    }
    return i;
  }
  find(name: string): number | undefined {
    return this.ids.get(name);
  }
}

/**
 * Where each drop went, by drop number: its child's and its node's ids (Names), and whether
 * it is an application. Typed arrays grown by doubling: JS arrays of 10^6 numbers are copied
 * into fresh large-object pages at every growth, and fresh pages are dear on virtual machines.
 */
class Places {
  size = 0;
  child = new Int32Array(1024);
  /** node id * 2, + 1 for an application. */
  nodeApp = new Int32Array(1024);

  push(child: number, node: number, app: boolean): void {
    if (this.size === this.child.length) {
      const child = new Int32Array(this.size * 2);
      const nodeApp = new Int32Array(this.size * 2);
      child.set(this.child);
      nodeApp.set(this.nodeApp);
      this.child = child;
      this.nodeApp = nodeApp;
    }
    this.child[this.size] = child;
    this.nodeApp[this.size++] = app ? 2 * node + 1 : 2 * node;
  }

  nodeOf(i: number): number {
    return this.nodeApp[i]! >> 1;
  }

  isApp(i: number): boolean {
    return (this.nodeApp[i]! & 1) === 1;
  }
}

export interface IndexMark {
  size: number;
  pending: number;
  lengths: Map<Relation[], number>;
}

export class GraphIndex {
  private readonly oids: string[] = [];
  private readonly uids = new Map<number, string>();
  /** 2i for drop i's oid, 2i + 1 for its uid (when it has its own); the keys are read from oids and uids. */
  private readonly index = new OidIndex(1 << 16, (e) => ((e & 1) === 0 ? this.oids[e >> 1]! : this.uids.get(e >> 1)!));
  private readonly places = new Places();
  private readonly children = new Names();
  private readonly nodes = new Names();
  private pending: [oid: string, rel: number, drop: number][] = [];
  private readonly rels = new Map<number, Map<string, Relation[]>>();
  private readonly relKeys = new Set<string>();
  /** Relation keys added since the last mark(), while a graph arriving in batches may still be refused. */
  private journal: string[] | undefined;

  get size(): number {
    return this.oids.length;
  }

  has(oidOrUid: string): boolean {
    return this.index.has(oidOrUid);
  }

  /** The drop number of an oid or uid. */
  private find(oidOrUid: string): number | undefined {
    const e = this.index.get(oidOrUid);
    return e === undefined ? undefined : e >> 1;
  }

  /** The child holding a drop, by oid or uid. */
  childOfDrop(oidOrUid: string): string | undefined {
    const i = this.find(oidOrUid);
    return i === undefined ? undefined : this.children.list[this.places.child[i]!];
  }

  private uid(i: number): string {
    return this.uids.get(i) ?? this.oids[i]!;
  }

  /**
   * Registers a batch whose placement was checked (children and nodes known, oids new), then
   * finds its relations with drops on other children. A batch repeating an oid is refused
   * whole (400). O(specs + links).
   */
  add(specs: readonly DropSpec[], childOf: readonly string[], nodeOf: readonly string[]): void {
    const first = this.oids.length;
    this.addDrops(specs, childOf, nodeOf, first);
    this.addRelations(specs, first);
  }

  /**
   * Where the drops of this batch went. Throws (the batch undone) when an oid or uid repeats
   * one of this batch or of the drops registered since `since` (earlier batches of the same
   * graph); oids of earlier appends are the placement's to check.
   */
  addDrops(specs: readonly DropSpec[], childOf: readonly string[], nodeOf: readonly string[], since = this.oids.length): void {
    const first = this.oids.length;
    let repeated = false;
    let lastChild = '';
    let lastChildId = -1;
    let lastNode = '';
    let lastNodeId = -1;
    for (let k = 0; k < specs.length; k++) {
      const s = specs[k]!;
      const i = first + k;
      this.oids.push(s.oid);
      if (this.index.add(s.oid, 2 * i) >= 0) repeated = true;
      const u = s.uid;
      if (typeof u === 'string' && u !== '' && u !== s.oid) {
        this.uids.set(i, u);
        if (this.index.add(u, 2 * i + 1) >= 0) repeated = true;
      }
      // Drops come in runs on one child: remember the last name instead of looking it up.
      const c = childOf[k]!;
      if (c !== lastChild) [lastChild, lastChildId] = [c, this.children.id(c)];
      const n = nodeOf[k]!;
      if (n !== lastNode) [lastNode, lastNodeId] = [n, this.nodes.id(n)];
      this.places.push(lastChildId, lastNodeId, s.categoryType === 'Application');
    }
    if (repeated) this.refuseRepeats(since);
  }

  /** The relations of a registered batch (its first drop at `first`) with drops on other children. */
  addRelations(specs: readonly DropSpec[], first: number): void {
    // Each list by name: a keyed load per list name would cost more than the rest.
    for (let k = 0; k < specs.length; k++) {
      const s = specs[k]!;
      const i = first + k;
      this.relationsOf(s.inputs, LinkType.INPUT, i);
      this.relationsOf(s.outputs, LinkType.OUTPUT, i);
      this.relationsOf(s.producers, LinkType.PRODUCER, i);
      this.relationsOf(s.consumers, LinkType.CONSUMER, i);
      this.relationsOf(s.streamingInputs, LinkType.STREAMING_INPUT, i);
      this.relationsOf(s.streamingConsumers, LinkType.STREAMING_CONSUMER, i);
    }
  }

  private relationsOf(list: unknown, rel: number, i: number): void {
    if (!Array.isArray(list)) return;
    for (let n = 0; n < list.length; n++) {
      const e: unknown = list[n];
      const o = typeof e === 'string' ? e : entryOid(e);
      if (o === undefined) continue;
      const j = this.find(o);
      if (j === undefined) this.pending.push([o, rel, i]);
      else if (this.places.child[j] !== this.places.child[i]) this.relate(j, rel, i);
    }
  }

  /** Undo the drops registered from `since` on (one graph's batches, this one included) and say which ids repeat. */
  private refuseRepeats(since: number): never {
    const seen = new Set<string>();
    const repeated = new Set<string>();
    for (let i = since; i < this.oids.length; i++) {
      for (const id of [this.oids[i]!, this.uids.get(i)]) {
        if (id === undefined || id === '') continue;
        const holder = this.find(id);
        if (seen.has(id) || (holder !== undefined && holder < since)) repeated.add(id);
        seen.add(id);
      }
    }
    this.truncate(since);
    throw invalidGraph(`${repeated.size} oid(s) appear more than once: ${listed([...repeated])}`, [...repeated]);
  }

  /** Forget every drop from `size` on (their ids, places and pending entries). */
  private truncate(size: number): void {
    for (const i of this.uids.keys()) if (i >= size) this.uids.delete(i);
    this.oids.length = this.places.size = size;
    // Rare (a refused graph): the table is made again from the drops that stay.
    this.index.clear();
    for (let i = 0; i < size; i++) {
      this.index.add(this.oids[i]!, 2 * i);
      const u = this.uids.get(i);
      if (u !== undefined) this.index.add(u, 2 * i + 1);
    }
    if (this.pending.length > 0) this.pending = this.pending.filter((p) => p[2] < size);
  }

  /** A point to come back to when a graph arriving in batches is refused after some were registered. */
  mark(): IndexMark {
    const lengths = new Map<Relation[], number>();
    for (const byPeer of this.rels.values()) for (const list of byPeer.values()) lengths.set(list, list.length);
    this.journal = [];
    return { size: this.oids.length, pending: this.pending.length, lengths };
  }

  /** Forget everything registered since `m`: drops, pending entries and relations. */
  rollback(m: IndexMark): void {
    this.truncate(m.size);
    this.pending.length = Math.min(this.pending.length, m.pending);
    for (const [child, byPeer] of this.rels) {
      for (const [peer, list] of byPeer) {
        const n = m.lengths.get(list);
        if (n === undefined) byPeer.delete(peer);
        else list.length = n;
      }
      if (byPeer.size === 0) this.rels.delete(child);
    }
    for (const k of this.journal ?? []) this.relKeys.delete(k);
    this.journal = undefined;
  }

  /** The graph that `m` marked the start of was accepted. */
  commit(): void {
    this.journal = undefined;
  }

  /** Whether an oid or uid was registered before drop number `size` (an earlier append). */
  hasBefore(oidOrUid: string, size: number): boolean {
    const i = this.find(oidOrUid);
    return i !== undefined && i < size;
  }

  /** At deploy: entries naming drops of later batches. Names of no drop at all are left, as a node does. */
  resolvePending(): void {
    for (const [o, rel, i] of this.pending) {
      const j = this.find(o);
      if (j !== undefined) this.relate(j, rel, i);
    }
    this.pending = [];
  }

  private relate(lhs: number, rel: number, rhs: number): void {
    const cl = this.places.child[lhs]!;
    const cr = this.places.child[rhs]!;
    if (cl === cr) return;
    const r: Relation = [this.uid(lhs), rel, this.uid(rhs)];
    this.addRelation(cl, this.nodes.list[this.places.nodeOf(rhs)]!, r);
    this.addRelation(cr, this.nodes.list[this.places.nodeOf(lhs)]!, r);
  }

  private addRelation(child: number, peer: string, r: Relation): void {
    const key = `${child}\u0000${peer}\u0000${normalised(r[0], r[1], r[2])}`;
    if (this.relKeys.has(key)) return;
    this.relKeys.add(key);
    this.journal?.push(key);
    let byPeer = this.rels.get(child);
    if (!byPeer) this.rels.set(child, (byPeer = new Map()));
    const list = byPeer.get(peer);
    if (list) list.push(r);
    else byPeer.set(peer, [r]);
  }

  /**
   * Relations a parent manager found between drops here and drops under its other children:
   * each goes to the child holding its local side, keyed by the same peer.
   */
  receive(byPeer: ReadonlyMap<string, readonly Relation[]>): void {
    for (const [peer, rels] of byPeer) {
      for (const r of rels) {
        for (const side of [r[0], r[2]]) {
          const i = this.find(side);
          if (i !== undefined) this.addRelation(this.places.child[i]!, peer, r);
        }
      }
    }
  }

  /** The subscriptions body for one child, or undefined when it has no cross relations. */
  subscriptionsFor(child: string): Record<string, Relation[]> | undefined {
    const c = this.children.find(child);
    const byPeer = c === undefined ? undefined : this.rels.get(c);
    return byPeer && byPeer.size > 0 ? Object.fromEntries(byPeer) : undefined;
  }

  /** How many drops went to a child. */
  countOn(child: string): number {
    const c = this.children.find(child);
    if (c === undefined) return 0;
    let n = 0;
    const of = this.places.child;
    for (let i = 0; i < this.places.size; i++) if (of[i] === c) n++;
    return n;
  }

  /** The drops a child holds: oid and whether it is an app. */
  *dropsOn(child: string): Generator<[oid: string, app: boolean]> {
    const c = this.children.find(child);
    if (c === undefined) return;
    for (let i = 0; i < this.places.size; i++) if (this.places.child[i] === c) yield [this.oids[i]!, this.places.isApp(i)];
  }
}
