// A drop list read from a file (a PGT or PG made by us or by DALiuGE), normalised so that
// later stages can start from it: legacy forms converted, relationship entries stored on
// both ends and de-duplicated by (oid, port). Only the drops that change are copied: a list
// that is already normal (ours always is) passes through as the same objects, so a 10^5-drop
// PGT costs little more than parsing and printing it. O(drops + relationship entries).

import type { DropListContext } from '../validate/context.ts';
import { makeDropListContext } from '../validate/context.ts';

type Spec = Record<string, unknown>;
type Entry = string | Record<string, unknown>;

export { entryOid } from '../relations.ts';
import { entryOid, MIRROR, type RelationList } from '../relations.ts';

const LISTS = Object.keys(MIRROR) as RelationList[];

function entryPort(e: Entry): unknown {
  return typeof e === 'string' ? null : (e as Record<string, unknown>)[entryOid(e)!];
}

/** The 2022-era forms (§1.11): `/` in iids, `type`/`app`/`storage` instead of categoryType/dropclass. */
function isOldForm(s: Spec): boolean {
  return (typeof s.iid === 'string' && s.iid.includes('/')) || s.categoryType === undefined || (s.category === undefined && typeof s.dt === 'string');
}

function modernise(spec: Spec): Spec {
  const s: Spec = { ...spec };
  if (typeof s.iid === 'string' && s.iid.includes('/')) s.iid = s.iid.replace(/\//g, '-');
  if (s.categoryType === undefined) {
    if (s.type === 'app' || s.type === 'socket') {
      s.categoryType = 'Application';
      if (s.dropclass === undefined && typeof s.app === 'string') s.dropclass = s.app;
    } else if (s.type === 'plain' || s.type === 'container' || typeof s.dt === 'string') {
      s.categoryType = 'Data';
    }
  }
  if (s.category === undefined && typeof s.dt === 'string') s.category = s.dt;
  return s;
}

/** The list with the 2022-era drops converted (copies); the other drops are the same objects. */
export function moderniseDropList(drops: readonly Spec[]): Spec[] {
  return drops.map((d) => (isOldForm(d) ? modernise(d) : d));
}

/**
 * The normal form of a drop list: drops that change are new objects, the others are the
 * input's, which is never modified. Entries naming oids that are not in the list are kept
 * (they may live on another node, §4.3); malformed entries are dropped.
 */
export function normaliseDropList(drops: readonly Spec[]): Spec[] {
  return normaliseWith(makeDropListContext(moderniseDropList(drops), '-', []));
}

/**
 * The same, from the validation context of a modernised list (dlg-translate validates first,
 * so the relationships are read once).
 */
export function normaliseWith(ctx: DropListContext): Spec[] {
  const out = ctx.drops.slice();
  const copied = new Set<number>();
  const own = (i: number): Spec => {
    if (!copied.has(i)) {
      copied.add(i);
      out[i] = { ...out[i]! };
    }
    return out[i]!;
  };
  // Repeated or malformed entries: rebuild that drop's lists, each (oid, port) once.
  for (const i of ctx.irregular()) {
    const d = out[i]!;
    for (const list of LISTS) {
      const v = d[list];
      if (!Array.isArray(v)) continue;
      const seen = new Set<string>();
      const kept: Entry[] = [];
      for (const e of v as Entry[]) {
        const oid = entryOid(e);
        if (oid === undefined) continue;
        const port = entryPort(e);
        const key = `${oid}\u0000${port === null || port === undefined ? '\u0001' : String(port)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        kept.push(e);
      }
      if (kept.length === v.length) continue; // two ports to one drop: nothing to remove
      if (kept.length) own(i)[list] = kept;
      else delete own(i)[list];
    }
  }
  // The missing far ends: a.outputs ∋ b ⇒ b.producers ∋ a (the port names are the far
  // drop's own, unknown here).
  const grown = new Set<string>();
  for (const { mirror, owners, others } of ctx.oneSided()) {
    for (let k = 0; k < owners.length; k++) {
      const j = others[k]!;
      const d = own(j);
      const key = `${j}\u0000${mirror}`;
      if (!grown.has(key)) {
        grown.add(key);
        d[mirror] = Array.isArray(d[mirror]) ? [...(d[mirror] as Entry[])] : [];
      }
      (d[mirror] as Entry[]).push(String(ctx.drops[owners[k]!]!.oid));
    }
  }
  return out;
}

/** The drop list as JSON chunks, with the trailing reprodata element (§4.1). */
export function* dropListChunks(drops: readonly Spec[], trailing: Record<string, unknown> | undefined, pretty = false): Generator<string> {
  let buf = pretty ? '[\n' : '[';
  for (const d of drops) {
    buf += (pretty ? JSON.stringify(d, null, 2).replace(/^/gm, '  ') + ',\n' : JSON.stringify(d) + ',');
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  const t = JSON.stringify(trailing ?? {});
  yield buf + (pretty ? `  ${t}\n]\n` : `${t}]`);
}
