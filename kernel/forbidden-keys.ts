// Keys that name a JavaScript object's prototype machinery. User JSON that becomes an object
// map (parameters, graph configurations, request bodies) must not carry them: assigning
// `__proto__` replaces an object's prototype, and `constructor` or `prototype` shadow what
// every object inherits. JSON.parse keeps them as plain keys; copying them is the danger.

import { pointer } from './diagnostics.ts';

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * False when JSON text cannot hold a forbidden key: none of the three names appears, nor a
 * \u escape that could spell one. Lets large bodies skip the walk; a memchr-speed scan.
 */
export function mayHaveForbiddenKey(text: string | Buffer): boolean {
  // "proto" stands for both __proto__ and prototype: one scan fewer over 10^6-drop bodies.
  return text.includes('proto') || text.includes('constructor') || text.includes('\\u');
}

/** The JSON pointer of the first forbidden key in a parsed JSON value, or undefined. Iterative. */
export function forbiddenKeyPointer(value: unknown): string | undefined {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) if (v[i] !== null && typeof v[i] === 'object') stack.push([v[i], [...path, i]]);
      continue;
    }
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) return pointer(...path, k);
      const x = (v as Record<string, unknown>)[k];
      if (x !== null && typeof x === 'object') stack.push([x, [...path, k]]);
    }
  }
  return undefined;
}

/** The message for a forbidden key found at `ptr` in `what`. */
export function forbiddenKeyMessage(what: string, ptr: string): string {
  const key = ptr.slice(ptr.lastIndexOf('/') + 1);
  return `${what}: the key '${key}' (at ${ptr}) is not allowed: '__proto__', 'constructor' and 'prototype' cannot be names in a JSON object here`;
}
