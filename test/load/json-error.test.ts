// Positions of JSON syntax errors, including those V8 reports without one.
import test from 'ava';
import fc from 'fast-check';
import { jsonErrorOffset } from '../../compiler/load/json-error.ts';
import { loadSource } from '../../compiler/load/index.ts';

test('valid JSON has no error offset (the whole text scans)', (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
      const text = JSON.stringify(v, null, pretty ? 2 : undefined);
      t.is(jsonErrorOffset(text), text.length);
    }),
    { numRuns: 500 },
  );
});

test('a character no JSON token can hold is found where V8 reports no position', (t) => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 5 }), fc.nat(), fc.constantFrom('x', '@', '#'), (v, at, junk) => {
      const good = JSON.stringify(v);
      const k = 1 + (at % (good.length - 1));
      const bad = good.slice(0, k) + junk + good.slice(k);
      let fails = false;
      try {
        JSON.parse(bad);
      } catch {
        fails = true;
      }
      if (!fails) return; // the junk landed inside a string
      const off = jsonErrorOffset(bad);
      // At the junk, or at the start of the token it broke (a number, a literal).
      t.true(off >= k - 32 && off <= k + 1, `offset ${off} for junk at ${k} in ${bad.slice(0, 80)}`);
    }),
    { numRuns: 500 },
  );
});

test('the diagnostic names the line and column of an unexpected token', (t) => {
  const r = loadSource({ file: 'g.json', text: '{\n  "nodeDataArray": [],\n  "linkDataArray": x\n}' });
  const d = r.diagnostics[0];
  t.is(d.code, 'DLG1001');
  t.is(d.line, 3);
  t.is(d.column, 20);
  t.notRegex(d.message, /nodeDataArray/, 'the message does not quote the whole text');
});
