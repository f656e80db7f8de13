// json.loads as Python does it: integers stay ints (bigint, any size), numbers with a
// fraction or exponent are floats, NaN/Infinity are accepted, a repeated key keeps its first
// position with the last value. JSON.parse cannot tell 1 from 1.0, and the pickle of a
// DALiuGE Json pydata depends on that difference.

import { PyDict, PyList, type PyValue } from './value.ts';

export class PyJsonError extends Error {}

export function pyJsonLoads(text: string): PyValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new PyJsonError(`${what} at character ${pos}`);
  };
  const ws = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

  const value = (depth: number): PyValue => {
    if (depth > 1000) fail('nesting too deep');
    ws();
    const c = text[pos];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (text.startsWith('null', pos)) return (pos += 4), null;
    if (text.startsWith('true', pos)) return (pos += 4), true;
    if (text.startsWith('false', pos)) return (pos += 5), false;
    if (text.startsWith('NaN', pos)) return (pos += 3), NaN;
    if (text.startsWith('Infinity', pos)) return (pos += 8), Infinity;
    if (text.startsWith('-Infinity', pos)) return (pos += 9), -Infinity;
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('Expecting value');
    pos += m[0].length;
    return m[1] !== undefined || m[2] !== undefined ? Number(m[0]) : BigInt(m[0]);
  };

  const string = (): string => {
    pos++; // opening quote
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) fail('Unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('Invalid control character');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const e = text[pos + 1];
      pos += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          fail('Invalid \\escape');
      }
      start = pos;
    }
  };

  const array = (depth: number): PyList => {
    pos++;
    const items: PyValue[] = [];
    ws();
    if (text[pos] === ']') return pos++, new PyList(items);
    for (;;) {
      items.push(value(depth + 1));
      ws();
      if (text[pos] === ',') pos++;
      else if (text[pos] === ']') return pos++, new PyList(items);
      else fail("Expecting ',' delimiter");
    }
  };

  const object = (depth: number): PyDict => {
    pos++;
    const d = new PyDict([]);
    const index = new Map<string, number>();
    ws();
    if (text[pos] === '}') return pos++, d;
    for (;;) {
      ws();
      if (text[pos] !== '"') fail('Expecting property name enclosed in double quotes');
      const k = string();
      ws();
      if (text[pos] !== ':') fail("Expecting ':' delimiter");
      pos++;
      const v = value(depth + 1);
      const at = index.get(k);
      if (at === undefined) {
        index.set(k, d.entries.length);
        d.entries.push([k, v]);
      } else d.entries[at]![1] = v;
      ws();
      if (text[pos] === ',') pos++;
      else if (text[pos] === '}') return pos++, d;
      else fail("Expecting ',' delimiter");
    }
  };

  const v = value(0);
  ws();
  if (pos !== text.length) fail('Extra data');
  return v;
}
