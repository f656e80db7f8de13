// One pass over a BashShellApp command template. Placeholders are found in the template only
// (a substituted value is never scanned again), and a value never enters the command text:
// it becomes an environment variable of the command, referenced in the form the quoting
// context at that point needs:
//
//   echo {x}        → echo "${DLG_VALUE_1}"         echo "{x}"  → echo "${DLG_VALUE_1}"
//   echo '{x}'      → echo ''"${DLG_VALUE_1}"''     echo $'{x}' → echo $''"${DLG_VALUE_1}"$''
//   cat <<EOF …{x}… → …${DLG_VALUE_1}…               # {x}       → # ${DLG_VALUE_1}
//
// The shell expands a variable once and never re-reads its value as syntax, so quotes,
// $(), backticks, ';', newlines or placeholder text in a value stay data. If this scanner
// misjudged a context, the command would see the reference text, not run the value: the
// failure mode is a wrong argument, never injection. Two places have no safe reference and
// are checked instead: arithmetic ($(( )) and (( ))) takes integers only, and a quoted
// here-document (no expansion inside) takes values without its delimiter line.

import { DropFailure } from '../../errors.ts';

export interface Substitution {
  value: string;
  /** Inserted verbatim, as shell syntax (the argument is marked raw). */
  raw: boolean;
}

/** The substitution for the placeholder starting at `i`, and its length; undefined if none. */
export type PlaceholderAt = (template: string, i: number) => { length: number; name: string; sub: Substitution } | undefined;

export interface RenderedCommand {
  /** What bash runs. */
  command: string;
  /** The values the command references, by variable name. */
  env: Record<string, string>;
  /** The command with the values written in, quoted for their context: for logs only. */
  display: string;
}

type Frame =
  | { kind: 'cmd'; close: '' | ')' | '`' | '}'; depth: number }
  | { kind: 'single' | 'double' | 'ansi' | 'comment' }
  | { kind: 'arith'; depth: number }
  | { kind: 'heredoc'; delim: string; quoted: boolean; strip: boolean };

type Heredoc = Extract<Frame, { kind: 'heredoc' }>;

const SAFE = /^[A-Za-z0-9_\-+=.,:/@%^]+$/;

/** POSIX single-quote quoting; plain words stay as they are, so commands remain readable. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const INTEGER = /^[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)$/;
const WORD_BREAK = /[\s;&|()<>]/;

export function renderCommand(template: string, placeholderAt: PlaceholderAt, varPrefix = 'DLG_VALUE_'): RenderedCommand {
  const env: Record<string, string> = {};
  const varOf = new Map<string, string>();
  const stack: Frame[] = [{ kind: 'cmd', close: '', depth: 0 }];
  const pending: Heredoc[] = [];
  let out = '';
  let display = '';
  let i = 0;
  const n = template.length;

  const emit = (s: string, d = s) => {
    out += s;
    display += d;
  };

  const reference = (frame: Frame, name: string, sub: Substitution): void => {
    if (sub.raw) return emit(sub.value);
    const v = sub.value;
    if (frame.kind === 'arith' && !INTEGER.test(v.trim()))
      throw new DropFailure(`{${name}} is used in an arithmetic expression, so its value must be an integer, not ${JSON.stringify(v.slice(0, 80))}`);
    if (frame.kind === 'heredoc' && frame.quoted) {
      const delimLine = v.split('\n').some((line) => (frame.strip ? line.replace(/^\t+/, '') : line) === frame.delim);
      if (delimLine) throw new DropFailure(`the value of {${name}} contains the line '${frame.delim}', which would end the here-document it is written in`);
      return emit(v);
    }
    let ref = varOf.get(v);
    if (ref === undefined) {
      ref = `${varPrefix}${varOf.size + 1}`;
      varOf.set(v, ref);
      env[ref] = v;
    }
    switch (frame.kind) {
      case 'cmd':
        return emit(`"\${${ref}}"`, shellQuote(v));
      case 'single':
        return emit(`'"\${${ref}}"'`, v.replace(/'/g, `'\\''`));
      case 'ansi':
        return emit(`'"\${${ref}}"$'`, v.replace(/[\\']/g, '\\$&'));
      case 'double':
      case 'heredoc':
        return emit(`\${${ref}}`, v.replace(/[\\$`"]/g, '\\$&'));
      default: // arith (checked above), comment
        return emit(`\${${ref}}`, v);
    }
  };

  /** `<<`, `<<-` and the delimiter word; the body starts after the next newline. */
  const heredocOperator = (): void => {
    let j = i + 2;
    const strip = template[j] === '-';
    if (strip) j++;
    while (template[j] === ' ' || template[j] === '\t') j++;
    let delim = '';
    let quoted = false;
    while (j < n && !WORD_BREAK.test(template[j]!)) {
      const c = template[j]!;
      if (c === "'" || c === '"') {
        quoted = true;
        const end = template.indexOf(c, j + 1);
        const stop = end < 0 ? n : end;
        delim += template.slice(j + 1, stop);
        j = stop + 1;
      } else if (c === '\\') {
        quoted = true;
        delim += template[j + 1] ?? '';
        j += 2;
      } else {
        delim += c;
        j++;
      }
    }
    if (delim !== '') pending.push({ kind: 'heredoc', delim, quoted, strip });
    emit(template.slice(i, j));
    i = j;
  };

  const newline = (): void => {
    emit('\n');
    i++;
    // Bodies follow in the order their operators appeared.
    for (let k = pending.length - 1; k >= 0; k--) stack.push(pending[k]!);
    pending.length = 0;
  };

  while (i < n) {
    const top = stack[stack.length - 1]!;

    if (top.kind === 'heredoc' && (i === 0 || template[i - 1] === '\n')) {
      const end = template.indexOf('\n', i);
      const line = template.slice(i, end < 0 ? n : end);
      if ((top.strip ? line.replace(/^\t+/, '') : line) === top.delim) {
        emit(line);
        i += line.length;
        stack.pop();
        if (i < n) newline();
        continue;
      }
    }

    const ph = placeholderAt(template, i);
    if (ph) {
      reference(top, ph.name, ph.sub);
      i += ph.length;
      continue;
    }

    const c = template[i]!;
    const next = template[i + 1];
    switch (top.kind) {
      case 'single':
        emit(c);
        i++;
        if (c === "'") stack.pop();
        continue;
      case 'ansi':
        if (c === '\\') {
          emit(template.slice(i, i + 2));
          i += 2;
          continue;
        }
        emit(c);
        i++;
        if (c === "'") stack.pop();
        continue;
      case 'comment':
        if (c === '\n') {
          stack.pop();
          newline();
        } else {
          emit(c);
          i++;
        }
        continue;
      case 'double':
      case 'heredoc':
        if (top.kind === 'heredoc' && top.quoted) {
          // Nothing is special in a quoted here-document until its delimiter line.
          emit(c);
          i++;
        } else if (c === '\\') {
          emit(template.slice(i, i + 2));
          i += 2;
        } else if (c === '"' && top.kind === 'double') {
          emit(c);
          i++;
          stack.pop();
        } else if (!substitutionStart(c, next)) {
          emit(c);
          i++;
        }
        continue;
      case 'arith':
        if (c === ')' && next === ')' && top.depth === 0) {
          emit('))');
          i += 2;
          stack.pop();
        } else if (!substitutionStart(c, next)) {
          if (c === '(') top.depth++;
          else if (c === ')') top.depth--;
          emit(c);
          i++;
        }
        continue;
      case 'cmd':
        commandChar(top, c, next);
        continue;
    }
  }
  return { command: out, env, display };

  /** `$(`, `$((`, `${` and backticks, which open a new context inside quotes and commands. */
  function substitutionStart(c: string, next: string | undefined): boolean {
    if (c === '$' && next === '(' && template[i + 2] === '(') {
      emit('$((');
      i += 3;
      stack.push({ kind: 'arith', depth: 0 });
    } else if (c === '$' && next === '(') {
      emit('$(');
      i += 2;
      stack.push({ kind: 'cmd', close: ')', depth: 0 });
    } else if (c === '$' && next === '{') {
      emit('${');
      i += 2;
      stack.push({ kind: 'cmd', close: '}', depth: 0 });
    } else if (c === '`') {
      emit('`');
      i++;
      stack.push({ kind: 'cmd', close: '`', depth: 0 });
    } else return false;
    return true;
  }

  function commandChar(top: Extract<Frame, { kind: 'cmd' }>, c: string, next: string | undefined): void {
    if (c === '\\') {
      emit(template.slice(i, i + 2));
      i += 2;
    } else if (c === "'") {
      emit(c);
      i++;
      stack.push({ kind: 'single' });
    } else if (c === '"') {
      emit(c);
      i++;
      stack.push({ kind: 'double' });
    } else if (c === '$' && next === "'") {
      emit("$'");
      i += 2;
      stack.push({ kind: 'ansi' });
    } else if (c === '$' && next === '"') {
      emit('$"');
      i += 2;
      stack.push({ kind: 'double' });
    } else if (c === '`' && top.close === '`') {
      emit(c);
      i++;
      stack.pop();
    } else if (substitutionStart(c, next)) {
      // opened a context
    } else if (c === '(' && next === '(') {
      emit('((');
      i += 2;
      stack.push({ kind: 'arith', depth: 0 });
    } else if (c === '(' || (c === '{' && top.close === '}')) {
      top.depth++;
      emit(c);
      i++;
    } else if ((c === ')' && top.close === ')') || (c === '}' && top.close === '}')) {
      emit(c);
      i++;
      if (top.depth === 0) stack.pop();
      else top.depth--;
    } else if (c === ')') {
      top.depth--;
      emit(c);
      i++;
    } else if (c === '#' && (i === 0 || WORD_BREAK.test(template[i - 1]!))) {
      emit(c);
      i++;
      stack.push({ kind: 'comment' });
    } else if (c === '<' && next === '<' && template[i + 2] !== '<') {
      heredocOperator();
    } else if (c === '<' && next === '<') {
      emit('<<<'); // a here-string: an ordinary word follows
      i += 3;
    } else if (c === '\n') {
      newline();
    } else {
      emit(c);
      i++;
    }
  }
}
