// Reading a PG or PGT drop list as it arrives over REST or from a file (reference §4.1, §4.3).

import { invalidGraph, invalidRelationship } from '../errors.ts';
import { LinkType } from '../../kernel/states.ts';
import { type DropSpec } from '../drops/spec.ts';
import { DOWNSTREAM_LISTS, entryOid, isObject, listOfLinkType, unwrapDropList, UPSTREAM_LISTS } from '../../kernel/relations.ts';

export interface GraphInput {
  specs: DropSpec[];
  /** The trailing graph-level reproducibility element, when there was one. */
  reprodata: Record<string, unknown> | undefined;
}

/**
 * Accepts `[spec, …, {reprodata}]`, `[spec, …]` and the legacy `["name", [spec, …]]`.
 * The trailing element is recognised by having neither `oid` nor `categoryType`, which also
 * covers reprodata without a truthy `rmode` that the reference would reject.
 * Cost: O(number of specs).
 */
export function readGraphInput(input: unknown): GraphInput {
  if (!Array.isArray(input)) throw invalidGraph('A graph must be a JSON array of drop specs');
  let list = unwrapDropList(input).items as unknown[];
  let reprodata: Record<string, unknown> | undefined;
  const last = list[list.length - 1];
  if (isReprodataElement(last)) {
    reprodata = last;
    list = list.slice(0, -1);
  }
  for (let i = 0; i < list.length; i++) checkSpecElement(list[i], i);
  return { specs: list as DropSpec[], reprodata };
}

/**
 * A drop list read a batch of elements at a time (an append parsed while it uploads): each
 * batch's specs, checked and numbered as readGraphInput does the whole list's. An element that
 * looks like the graph-level one is held back until it proves to be the last; followed by more
 * elements, it is checked as a spec, and refused.
 */
export class DropListReader {
  private count = 0;
  private held: Record<string, unknown> | undefined;

  next(items: unknown[]): DropSpec[] {
    if (this.held !== undefined) items.unshift(this.held);
    this.held = isReprodataElement(items[items.length - 1]) ? (items.pop() as Record<string, unknown>) : undefined;
    // Each element is checked in place: the parsed array becomes the batch of specs.
    for (let i = 0; i < items.length; i++) checkSpecElement(items[i], this.count + i);
    this.count += items.length;
    return items as DropSpec[];
  }

  /** The graph-level element, once the list has ended with one. */
  get reprodata(): Record<string, unknown> | undefined {
    return this.held;
  }
}

/** The trailing graph-level element: neither `oid` nor `categoryType`. */
export function isReprodataElement(v: unknown): v is Record<string, unknown> {
  return isObject(v) && !('oid' in v) && !('categoryType' in v);
}

/** Element #i of a drop list is a spec: an object with an oid (numbers become strings) and a categoryType. */
export function checkSpecElement(s: unknown, i: number): DropSpec {
  if (!isObject(s)) throw invalidGraph(`Drop #${i} is not a JSON object`);
  const oid = s.oid;
  if (typeof oid !== 'string' || oid === '') {
    if (typeof oid === 'number') s.oid = String(oid);
    else throw invalidGraph(`Drop #${i} is missing its 'oid' argument`);
  }
  if (typeof s.categoryType !== 'string' || s.categoryType === '')
    throw invalidGraph(`Drop #${i} (${String(s.oid)}) is missing its 'categoryType' argument`);
  return s as DropSpec;
}

/**
 * Oids of the drops nothing flows into along `inward` (their own lists) or `outward` (the
 * lists of others that name them). O(drops + links).
 */
function endOids(specs: readonly DropSpec[], inward: readonly string[], outward: readonly string[]): string[] {
  const reached = new Set<string>();
  for (const s of specs) {
    for (const k of inward) if (Array.isArray(s[k]) && (s[k] as unknown[]).length > 0) reached.add(s.oid);
    for (const k of outward) {
      const list = s[k];
      if (!Array.isArray(list)) continue;
      for (const e of list) {
        const o = entryOid(e);
        if (o !== undefined) reached.add(o);
      }
    }
  }
  return specs.filter((s) => !reached.has(s.oid)).map((s) => s.oid);
}

/**
 * Oids of the drops with no upstream (reference §8.1 step 7). Either side of a relationship
 * is enough: a data drop named only in some app's `outputs` is not a root.
 */
export function rootOids(specs: readonly DropSpec[]): string[] {
  return endOids(specs, UPSTREAM_LISTS, DOWNSTREAM_LISTS);
}

/** Oids of the drops with no downstream; the mirror of rootOids. */
export function leafOids(specs: readonly DropSpec[]): string[] {
  return endOids(specs, DOWNSTREAM_LISTS, UPSTREAM_LISTS);
}

/** graph/link: append `rhOID` to the relationship list of `spec` named by `linkType`. */
export function addLink(spec: DropSpec, rhOID: string, linkType: number): void {
  if (linkType === LinkType.PARENT) {
    spec.parent = rhOID;
    return;
  }
  const key = linkType === LinkType.CHILD ? 'children' : listOfLinkType(linkType);
  if (key === undefined) throw invalidRelationship([spec.oid, linkType, rhOID], `unknown link type ${linkType}`);
  const list = Array.isArray(spec[key]) ? (spec[key] as unknown[]) : (spec[key] = []);
  if (list.some((e) => entryOid(e) === rhOID)) throw invalidRelationship([spec.oid, linkType, rhOID], `${rhOID} is already in ${key} of ${spec.oid}`);
  list.push(rhOID);
}
