// `~name` / `~{name}` / `~~` template placeholders (§2.2), applied to one string at a time.
// Unlike the reference (which substitutes the raw JSON text and fails on "~/data"), a `~`
// not followed by a known parameter is left alone, and values are never JSON-escaped
// because they go into parsed strings, not into JSON text.

import { textOf } from './convert.ts';

// The reference's identifier pattern [_a-z][_a-z0-9.]*, matched case-insensitively.
const PLACEHOLDER = /~(?:(~)|\{([_a-zA-Z][_a-zA-Z0-9.]*)\}|([_a-zA-Z][_a-zA-Z0-9.]*))/g;
const WHOLE = /^~(?:\{([_a-zA-Z][_a-zA-Z0-9.]*)\}|([_a-zA-Z][_a-zA-Z0-9.]*))$/;

/** A bare `~name.` at the end of a sentence: the trailing dots are text, not part of the name. */
function bareName(id: string): string {
  return id.replace(/\.+$/, '');
}

/** Every placeholder name in s, in order (may repeat). */
export function placeholderNames(s: string): string[] {
  if (!s.includes('~')) return [];
  const out: string[] = [];
  for (const m of s.matchAll(PLACEHOLDER)) {
    if (m[1]) continue;
    const name = m[2] ?? bareName(m[3]);
    if (name) out.push(name);
  }
  return out;
}

/** The placeholder name when s is exactly one placeholder ("~n" or "~{n}"), else undefined. */
export function wholePlaceholder(s: string): string | undefined {
  if (s.charCodeAt(0) !== 126 /* ~ */) return undefined;
  const m = WHOLE.exec(s);
  if (!m) return undefined;
  return m[1] ?? bareName(m[2]);
}

/**
 * Replaces the placeholders of known parameters by their text form and `~~` by `~`.
 * `lookup` answers whether a name is a parameter; unknown placeholders stay as written.
 */
export function substitute(s: string, has: (name: string) => boolean, valueOf: (name: string) => unknown): string {
  if (!s.includes('~')) return s;
  return s.replace(PLACEHOLDER, (all, tilde: string | undefined, braced: string | undefined, bare: string | undefined) => {
    if (tilde) return '~';
    if (braced !== undefined) return has(braced) ? textOf(valueOf(braced)) : all;
    const name = knownPrefix(bareName(bare!), has, valueOf);
    if (name === undefined) return all;
    return textOf(valueOf(name)) + bare!.slice(name.length);
  });
}

/**
 * The longest known name that `id` starts with, cut at a dot: "~obs.ms" with a parameter
 * `obs` gives the value of obs followed by ".ms". A shorter prefix counts only when its value
 * is not an object, so "~p.q" with an object p and no p.q stays unmatched instead of
 * printing p's JSON. Use "~{obs}.ms" to be explicit.
 */
function knownPrefix(id: string, has: (name: string) => boolean, valueOf: (name: string) => unknown): string | undefined {
  if (has(id)) return id;
  for (let cut = id.lastIndexOf('.'); cut > 0; cut = id.lastIndexOf('.', cut - 1)) {
    const prefix = id.slice(0, cut);
    if (has(prefix)) {
      const v = valueOf(prefix);
      return v !== null && typeof v === 'object' ? undefined : prefix;
    }
  }
  return undefined;
}
