// BashShellApp substitution (issue 8, item 5): one pass over the template, and values that
// reach the command as exactly one literal argument whatever the quoting context around the
// placeholder. Every case runs the real command through bash.

import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DropState, SessionState } from '../../engine/states.ts';
import { bash, mem, nodeManager, run } from './session-harness.ts';
import { tempRoot } from './helpers.ts';

const marker = (t: ExecutionContext) => join(tempRoot(t), 'pwned');

test('a substituted value is never scanned again: input content {b} and values with %i0 stay data', async (t) => {
  const nm = nodeManager(t);
  const pwned = marker(t);
  const { session, status } = await run(nm, [
    mem('content', { pydata: '{b}' }),
    mem('other', { pydata: 'second input' }),
    bash('cmd', "printf '%s\\0' {a} {b} {c} > args.bin", {
      inputs: [{ content: 'a' }, { other: 'unused' }],
      applicationArgs: {
        a: { value: '', encoding: 'utf-8' },
        b: { value: `; touch ${pwned}` },
        c: { value: `%i0 %i1 %o0 $(touch ${pwned})` },
      },
    }),
  ]);
  t.is(status, SessionState.FINISHED);
  t.deepEqual(readFileSync(join(session.sessionDir, 'args.bin'), 'utf8').split('\0'), ['{b}', `; touch ${pwned}`, `%i0 %i1 %o0 $(touch ${pwned})`, '']);
  t.false(existsSync(pwned));
});

test('placeholders inside double, single and $\'…\' quotes in the template are protected', async (t) => {
  const nm = nodeManager(t);
  const pwned = marker(t);
  const msg = `"; touch ${pwned}; echo "' ; touch ${pwned}; echo '\\' $(touch ${pwned}) \`touch ${pwned}\``;
  const { session, status } = await run(nm, [
    bash('cmd', `printf '%s\\0' "{msg}" '{msg}' $'{msg}' "a '{msg}' b" > args.bin`, { applicationArgs: { msg: { value: msg } } }),
  ]);
  t.is(status, SessionState.FINISHED);
  t.deepEqual(readFileSync(join(session.sessionDir, 'args.bin'), 'utf8').split('\0'), [msg, msg, msg, `a '${msg}' b`, '']);
  t.false(existsSync(pwned));
});

test('arithmetic takes integers only; a quoted here-document refuses a value holding its delimiter', async (t) => {
  const nm = nodeManager(t);
  const pwned = marker(t);
  const arith = await run(nm, [bash('cmd', 'echo $(( {n} + 1 )) > n.txt', { applicationArgs: { n: { value: `a[$(touch ${pwned})]` } } })]);
  t.is(arith.status, SessionState.FAILED);
  t.regex(arith.session.dropLogs('cmd').map((l) => l.Message).join(), /\{n\} is used in an arithmetic expression/);
  const ok = await run(nm, [bash('cmd', 'echo $(( {n} + 1 )) > n.txt', { applicationArgs: { n: { value: '41' } } })]);
  t.is(readFileSync(join(ok.session.sessionDir, 'n.txt'), 'utf8'), '42\n');

  const doc = await run(nm, [bash('cmd', "cat > d.txt <<'EOF'\n{v}\nEOF", { applicationArgs: { v: { value: `x\nEOF\ntouch ${pwned}` } } })]);
  t.is(doc.status, SessionState.FAILED);
  t.regex(doc.session.dropLogs('cmd').map((l) => l.Message).join(), /contains the line 'EOF'/);
  t.false(existsSync(pwned));
});

test('the log shows the command with its values written in', async (t) => {
  const nm = nodeManager(t);
  const { session } = await run(nm, [bash('cmd', 'echo {w} > w.txt', { applicationArgs: { w: { value: 'two words' } } })]);
  t.true(session.dropLogs('cmd').some((l) => l.Message === "running: echo 'two words' > w.txt"));
});

// Templates around the placeholder {x}, each with what the command must write for value v.
const CONTEXTS: [string, (v: string) => string][] = [
  ["printf '%s\\0' {x} > out.bin", (v) => `${v}\0`],
  [`printf '%s\\0' "pre{x}post" > out.bin`, (v) => `pre${v}post\0`],
  ["printf '%s\\0' 'pre{x}post' > out.bin", (v) => `pre${v}post\0`],
  ["printf '%s\\0' $'pre{x}post' > out.bin", (v) => `pre${v}post\0`],
  [`r="$(printf '%s' {x}; printf .)"; printf '%s\\0' "\${r%.}" > out.bin`, (v) => `${v}\0`],
  ["r=`printf '%s' {x}; printf .`; printf '%s\\0' \"${r%.}\" > out.bin", (v) => `${v}\0`],
  ['cat > out.bin <<EOF\n{x}\nEOF', (v) => `${v}\n`],
  ["printf '%s\\0' {x} > out.bin # {x} ' \"\nprintf 'end\\0' >> out.bin", (v) => `${v}\0end\0`],
  ["printf '%s\\0' \"${UNSET_VAR:-{x}}\" > out.bin", (v) => `${v}\0`],
];

const SHELL_BITS = (pwned: string) => [`; touch ${pwned}`, `$(touch ${pwned})`, `\`touch ${pwned}\``, "'", '"', '$(', ')', '`', ';', '\n', '\\', '{b}', '{x}', '%i0', '%o0', '$HOME', '${b}', '*', ' ', '\t', '#', '!', '&&', '|', 'EOF', "'\\''", '$\'', '\r', '}'];
const valueArb = (pwned: string) =>
  fc
    .array(fc.oneof(fc.constantFrom(...SHELL_BITS(pwned)), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 12 })
    .map((parts) => parts.join('').replace(/\0/g, ''));

test('property: any NUL-free value reaches the command as exactly one literal argument, in every quoting context', async (t) => {
  const nm = nodeManager(t, 4);
  const pwned = marker(t);
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(valueArb(pwned), fc.integer({ min: 0, max: CONTEXTS.length - 1 }), async (v, k) => {
      const [template, expected] = CONTEXTS[k]!;
      const { session, status } = await run(nm, [
        mem('in', { pydata: 'input' }),
        bash('cmd', template, {
          inputs: ['in'],
          applicationArgs: { x: { value: v, precious: true }, b: { value: 'B-VALUE' } },
        }),
      ]);
      runs++;
      if (status !== SessionState.FINISHED) return false;
      return readFileSync(join(session.sessionDir, 'out.bin'), 'utf8') === expected(v) && !existsSync(pwned);
    }),
    { numRuns: 300 },
  );
  t.is(runs >= 300, true);
  t.false(existsSync(pwned));
});

test('property: in a quoted here-document a value is written as it is, or the app fails naming the delimiter', async (t) => {
  const nm = nodeManager(t, 4);
  const pwned = marker(t);
  await fc.assert(
    fc.asyncProperty(valueArb(pwned), async (v) => {
      const { session, status } = await run(nm, [bash('cmd', "cat > out.bin <<'EOF'\n{x}\nEOF", { applicationArgs: { x: { value: v, precious: true } } })]);
      if (v.split('\n').includes('EOF')) return status === SessionState.FAILED && session.getDrop('cmd')!.status === DropState.ERROR;
      return status === SessionState.FINISHED && readFileSync(join(session.sessionDir, 'out.bin'), 'utf8') === `${v}\n`;
    }),
    { numRuns: 100 },
  );
  t.false(existsSync(pwned));
});
