// JSON pointer → line and column in the source text, so diagnostics (and GitHub annotations)
// point at the node in the file. One pass over the text, O(length · depth) for the
// pointers it builds; only run for files that have diagnostics.

export interface Position {
  line: number;
  column: number;
}

interface Frame {
  array: boolean;
  index: number;
  key?: string;
}

function escapePart(p: string): string {
  return p.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Positions of the values at the given pointers. A pointer that names no value (a missing
 * key) gets the position of its nearest existing ancestor. Malformed text ends the scan;
 * what was found so far is returned.
 */
export function locatePointers(text: string, pointers: Iterable<string>): Map<string, Position> {
  const wanted = new Set(pointers);
  const prefixes = new Set<string>();
  for (const p of wanted) {
    let cut = p.length;
    while (cut > 0) {
      prefixes.add(p.slice(0, cut));
      cut = p.lastIndexOf('/', cut - 1);
    }
    prefixes.add('');
  }
  const found = new Map<string, Position>();
  const stack: Frame[] = [];
  const path: string[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;

  const valueStarts = () => {
    const ptr = path.length ? '/' + path.join('/') : '';
    if (prefixes.has(ptr) && !found.has(ptr)) found.set(ptr, { line, column: i - lineStart + 1 });
    return ptr;
  };
  const skipString = () => {
    i++; // opening quote
    let out = '';
    let start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) break; // "
      if (c === 92) {
        out += text.slice(start, i);
        const e = text[i + 1];
        if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : e;
          i += 2;
        }
        start = i;
        continue;
      }
      i++;
    }
    out += text.slice(start, i);
    i++; // closing quote
    return out;
  };

  // Whether the next token starts a value (as opposed to a key or punctuation).
  let expectKey = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (top?.array) path.push(String(top.index));
      valueStarts();
      stack.push({ array: c === 91, index: 0 });
      expectKey = c === 123;
      i++;
      continue;
    }
    if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) path.pop();
      i++;
      continue;
    }
    if (c === 44 /* , */) {
      if (top?.array) top.index++;
      else if (top) {
        expectKey = true;
      }
      i++;
      continue;
    }
    if (c === 58 /* : */) {
      i++;
      continue;
    }
    if (c === 34 /* " */ && expectKey && top && !top.array) {
      top.key = skipString();
      path.push(escapePart(top.key));
      expectKey = false;
      continue;
    }
    // A scalar value.
    if (top?.array) path.push(String(top.index));
    valueStarts();
    if (c === 34) skipString();
    else while (i < n && !/[\s,\]}]/.test(text[i])) i++;
    if (top) path.pop();
  }
  const out = new Map<string, Position>();
  for (const p of wanted) {
    let cut = p;
    while (!found.has(cut) && cut !== '') cut = cut.slice(0, cut.lastIndexOf('/'));
    const pos = found.get(cut);
    if (pos) out.set(p, pos);
  }
  return out;
}
