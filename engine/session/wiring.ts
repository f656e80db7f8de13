// Wiring drops from the relationship lists of their specs (reference §8.1 step 6). Either
// side of a relationship is enough and both sides are usual, so every link is de-duplicated.
// Lists stay arrays (cheap for the common small fan-out); a list that grows past a few
// entries gets a Set beside it for the duration of the wiring, which keeps a 10^6-wide
// scatter linear instead of quadratic.

import type { OidLookup } from '../../kernel/oid-index.ts';
import { AppDrop, type AppClass } from '../drops/app.ts';
import { DataDrop } from '../drops/data.ts';
import type { Drop } from '../drops/drop.ts';
import { type DropSpec } from '../drops/spec.ts';
import { entryOid, LINK_TYPE_OF_LIST, linkKind, ownerIsApp, type LinkKind, type RelationList } from '../../kernel/relations.ts';
import { invalidRelationship } from '../errors.ts';
import { LinkType } from '../../kernel/states.ts';

const SMALL = 16;

export class Linker {
  private readonly big = new Map<readonly Drop[], Set<Drop>>();

  private has(list: readonly Drop[], item: Drop): boolean {
    if (list.length < SMALL) return list.includes(item);
    let s = this.big.get(list);
    if (s === undefined) this.big.set(list, (s = new Set(list)));
    return s.has(item);
  }

  private noted(list: readonly Drop[], item: Drop): void {
    this.big.get(list)?.add(item);
  }

  /** `app` reads `data` once it is complete. */
  consume(data: DataDrop, app: AppDrop): void {
    if (this.has(data.consumers, app)) return;
    if (data.streamingConsumers.length > 0 && data.streamingConsumers.includes(app))
      throw invalidRelationship([app.oid, LinkType.CONSUMER, data.oid], 'already a streaming consumer of this drop');
    data.addConsumer(app);
    this.noted(data.consumers, app);
    app.addInput(data);
  }

  /** `app` reads `data` chunk by chunk while it is written. */
  stream(data: DataDrop, app: AppDrop): void {
    if (this.has(data.streamingConsumers, app)) return;
    if (!(app.constructor as AppClass).acceptsStreaming)
      throw invalidRelationship([app.oid, LinkType.STREAMING_CONSUMER, data.oid], `${app.constructor.name} does not accept streaming inputs`);
    if (data.consumers.includes(app))
      throw invalidRelationship([app.oid, LinkType.STREAMING_CONSUMER, data.oid], 'already a normal consumer of this drop');
    data.addStreamingConsumer(app);
    this.noted(data.streamingConsumers, app);
    app.addStreamingInput(data);
  }

  /** The link of one relationship, by how its two ends meet. */
  join(kind: LinkKind, app: AppDrop, data: DataDrop): void {
    if (kind === 'consume') this.consume(data, app);
    else if (kind === 'stream') this.stream(data, app);
    else this.produce(app, data);
  }

  /** `app` writes `data`. */
  produce(app: AppDrop, data: DataDrop): void {
    if (this.has(app.outputs, data)) return;
    app.addOutput(data);
    this.noted(app.outputs, data);
    data.addProducer(app);
  }
}

/**
 * Wire every local relationship. Entries naming oids that are not in this session are
 * skipped: they are remote drops, wired through subscriptions (reference §7.9).
 * Cost: O(drops + links). Property reads are spelt out per drop kind because this loop
 * touches every link of 10^6-drop graphs twice (both sides are usually listed).
 */
export function wireDrops(specs: readonly DropSpec[], drops: readonly Drop[], index: OidLookup, linker: Linker): void {
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const self = drops[i]!;
    if (self instanceof AppDrop) {
      let l = spec.inputs;
      if (l !== undefined) wireList(l, 'inputs', self, drops, index, linker);
      l = spec.outputs;
      if (l !== undefined) wireList(l, 'outputs', self, drops, index, linker);
      l = spec.streamingInputs;
      if (l !== undefined) wireList(l, 'streamingInputs', self, drops, index, linker);
      if (spec.producers !== undefined) wireList(spec.producers, 'producers', self, drops, index, linker);
      if (spec.consumers !== undefined) wireList(spec.consumers, 'consumers', self, drops, index, linker);
      if (spec.streamingConsumers !== undefined) wireList(spec.streamingConsumers, 'streamingConsumers', self, drops, index, linker);
    } else {
      let l = spec.producers;
      if (l !== undefined) wireList(l, 'producers', self, drops, index, linker);
      l = spec.consumers;
      if (l !== undefined) wireList(l, 'consumers', self, drops, index, linker);
      l = spec.streamingConsumers;
      if (l !== undefined) wireList(l, 'streamingConsumers', self, drops, index, linker);
      if (spec.inputs !== undefined) wireList(spec.inputs, 'inputs', self, drops, index, linker);
      if (spec.outputs !== undefined) wireList(spec.outputs, 'outputs', self, drops, index, linker);
      if (spec.streamingInputs !== undefined) wireList(spec.streamingInputs, 'streamingInputs', self, drops, index, linker);
    }
  }
}

function wireList(list: unknown, key: RelationList, self: Drop, drops: readonly Drop[], index: OidLookup, linker: Linker): void {
  if (!Array.isArray(list)) return;
  for (let k = 0; k < list.length; k++) {
    const e: unknown = list[k];
    const oid = typeof e === 'string' ? e : entryOid(e);
    if (oid === undefined) continue;
    const j = index.get(oid);
    if (j !== undefined) link(linker, key, self, drops[j]!);
  }
}

function link(linker: Linker, key: RelationList, self: Drop, other: Drop): void {
  const selfApp = ownerIsApp(key);
  const app = selfApp ? self : other;
  const data = selfApp ? other : self;
  if (!(app instanceof AppDrop) || !(data instanceof DataDrop)) {
    throw invalidRelationship(
      [self.oid, LINK_TYPE_OF_LIST[key], other.oid],
      `'${key}' of ${self.oid} must link ${selfApp ? 'an application to data' : 'data to an application'}`,
    );
  }
  linker.join(linkKind(key), app, data);
}
