// A drop list read from a file (a PGT or PG made by us or by DALiuGE), normalised so that
// later stages can start from it: legacy forms converted, relationship entries stored on
// both ends and de-duplicated by (oid, port). O(drops + relationship entries).

type Spec = Record<string, unknown>;
type Entry = string | Record<string, unknown>;

/** [list on this drop, list on the other drop] (§3.8). */
const PAIRS = Object.entries(MIRROR) as [RelationList, RelationList][];

export { entryOid } from '../relations.ts';
import { entryOid, MIRROR, type RelationList } from '../relations.ts';

function entryPort(e: Entry): unknown {
  return typeof e === 'string' ? null : (e as Record<string, unknown>)[Object.keys(e)[0]];
}

/** Converts the 2022-era forms (§1.11): `/` in iids, `type`/`app`/`storage` instead of categoryType/dropclass. */
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

/**
 * Returns new spec objects; the input is not modified. Entries naming oids that are not in
 * the list are kept (they may live on another node, §4.3).
 */
export function normaliseDropList(drops: readonly Spec[]): Spec[] {
  const out = drops.map(modernise);
  const byOid = new Map<string, Spec>();
  for (const d of out) byOid.set(String(d.oid), d);
  // Seen (list, other oid, port) per drop, so every entry appears once.
  const seen = new Map<Spec, Set<string>>();
  const has = (d: Spec, list: string, oid: string, port: unknown) => {
    let s = seen.get(d);
    if (!s) seen.set(d, (s = new Set()));
    const key = `${list}\u0000${oid}\u0000${port === null || port === undefined ? '\u0001' : String(port)}`;
    if (s.has(key)) return true;
    s.add(key);
    s.add(`${list}\u0000${oid}`); // any port: lets the far-end check below stay O(1)
    return false;
  };
  const fresh = new Map<Spec, Record<string, Entry[]>>();
  const push = (d: Spec, list: string, e: Entry) => {
    let lists = fresh.get(d);
    if (!lists) fresh.set(d, (lists = {}));
    (lists[list] ??= []).push(e);
  };
  for (const d of out) {
    for (const [list] of PAIRS) {
      const v = d[list];
      if (!Array.isArray(v)) continue;
      for (const e of v as Entry[]) {
        const oid = entryOid(e);
        if (oid === undefined) continue;
        if (!has(d, list, oid, entryPort(e))) push(d, list, e);
      }
    }
  }
  // Add the missing far ends: a.outputs ∋ b ⇒ b.producers ∋ a (port names are the far drop's own, unknown here).
  for (const d of out) {
    const oid = String(d.oid);
    for (const [list, mirror] of PAIRS) {
      const v = fresh.get(d)?.[list];
      if (!v) continue;
      for (const e of v) {
        const other = byOid.get(entryOid(e)!);
        if (!other) continue;
        if (seen.get(other)?.has(`${mirror}\u0000${oid}`)) continue;
        has(other, mirror, oid, null);
        push(other, mirror, oid);
      }
    }
  }
  for (const d of out) {
    const lists = fresh.get(d);
    for (const [list] of PAIRS) {
      if (lists?.[list]) d[list] = lists[list];
      else delete d[list];
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
