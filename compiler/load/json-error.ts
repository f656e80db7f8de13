// Where JSON text goes wrong. V8 reports no position for some syntax errors ("Unexpected
// token 'x', ... is not valid JSON"); this scanner finds the offset of the first character
// that cannot continue a JSON document, so the diagnostic can name a line and column.
// Only called after JSON.parse has failed. O(length), no recursion (deep nesting is fine).

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Offset of the first invalid character, or text.length when the text ends early. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  // Per open container: 'o' object expecting a key, ':' expecting a colon, 'v' expecting a
  // value in an object, ',' after a member; 'a' array start, 'A' array after an element.
  const stack: string[] = [];
  const skip = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const value = (): boolean => {
    skip();
    if (i >= n) return false;
    const c = text[i];
    if (c === '{') {
      i++;
      stack.push('o');
      return true;
    }
    if (c === '[') {
      i++;
      stack.push('a');
      return true;
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) return false;
    return true;
  };
  const string = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            return false;
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          i++;
          return false;
        }
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };
  const number = (): boolean => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') return false;
    i += m[0].length;
    return true;
  };
  // After a value completes, move the enclosing container to its next state.
  const completed = () => {
    const top = stack.length - 1;
    if (top < 0) return;
    if (stack[top] === 'v') stack[top] = ',';
    else if (stack[top] === 'a') stack[top] = 'A';
  };

  if (!value()) return i;
  if (stack.length === 0) completed();
  while (stack.length) {
    skip();
    if (i >= n) return n;
    const top = stack.length - 1;
    const state = stack[top];
    const c = text[i];
    if (state === 'o' || state === 'k') {
      if (c === '}' && state === 'o') {
        i++;
        stack.pop();
        completed();
        continue;
      }
      if (c !== '"' || !string()) return i;
      stack[top] = ':';
    } else if (state === ':') {
      if (c !== ':') return i;
      i++;
      stack[top] = 'v';
      const depth = stack.length;
      if (!value()) return i;
      if (stack.length === depth) completed();
    } else if (state === ',') {
      if (c === ',') {
        i++;
        stack[top] = 'k';
      } else if (c === '}') {
        i++;
        stack.pop();
        completed();
      } else return i;
    } else if (state === 'a' && c === ']') {
      i++;
      stack.pop();
      completed();
    } else if (state === 'a') {
      const depth = stack.length;
      if (!value()) return i;
      if (stack.length === depth) completed();
    } else {
      // 'A': after an array element
      if (c === ',') {
        i++;
        const depth = stack.length;
        if (!value()) return i;
        if (stack.length === depth) completed();
      } else if (c === ']') {
        i++;
        stack.pop();
        completed();
      } else return i;
    }
  }
  skip();
  return i < n ? i : n;
}
