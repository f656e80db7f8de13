// Python values without Python: pickles written byte for byte as CPython writes them,
// pickles read back, repr() as Python prints it, and DALiuGE's pydata (PYTHON_APPS.md §4.2).
// Expected bytes come from the running interpreter, or from the reference notes' verified dumps.

import test from 'ava';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { pickleDumps } from '../../engine/pyvalue/pickle-write.ts';
import { BadPickle, NotBuiltinPickle, pickleLoads } from '../../engine/pyvalue/pickle-read.ts';
import { pyJsonLoads } from '../../engine/pyvalue/pyjson.ts';
import { initialContent, pydataOf, PydataError } from '../../engine/pyvalue/pydata.ts';
import { PyBytes, pyFloatRepr, pyRepr, pyTruthy } from '../../engine/pyvalue/value.ts';
import { needsPython, testPython } from '../python.ts';

/** For each JSON text, Python's pickle (protocol 4) of json.loads(text) and its repr. */
function python(texts: string[]): { pickle: string; repr: string }[] {
  const out = execFileSync(
    testPython,
    ['-c', 'import json,pickle,sys\nfor t in json.load(sys.stdin):\n v=json.loads(t)\n print(json.dumps([pickle.dumps(v, protocol=4).hex(), repr(v)]))'],
    { input: JSON.stringify(texts), maxBuffer: 1 << 30 },
  ).toString();
  return out
    .trim()
    .split('\n')
    .map((l) => {
      const [pickle, repr] = JSON.parse(l) as [string, string];
      return { pickle, repr };
    });
}

const spec = (value: unknown, type?: string) => ({
  oid: 'd',
  categoryType: 'Data',
  ...(type === undefined ? { pydata: value } : { fields: [{ name: 'pydata', value, type }] }),
});

test('§4.2 pydata bytes, as the reference notes verified them', (t) => {
  const hex = (value: unknown, type?: string) => initialContent(spec(value, type))!.bytes.toString('hex');
  t.is(hex(7, 'Integer'), '80044b072e');
  t.is(hex('11', 'Integer'), '80044b0b2e', 'a string is parsed as int');
  const h = (spaced: string) => spaced.replace(/ /g, '');
  t.is(hex(1.5, 'Float'), h('80 04 95 0a 00 00 00 00 00 00 00 47 3f f8 00 00 00 00 00 00 2e'), '21 bytes');
  t.is(hex(true, 'Boolean'), '8004882e');
  t.is(hex('false', 'Boolean'), '8004882e', 'bool("false") is True in Python');
  t.is(hex('', 'Object'), h('80 04 95 04 00 00 00 00 00 00 00 43 00 94 2e'), 'an empty Object is the pickle of b""');
  t.is(hex('None', 'Object.ndarray'), h('80 04 95 04 00 00 00 00 00 00 00 43 00 94 2e'));
  t.deepEqual(initialContent(spec('hello', 'String')), { bytes: Buffer.from('hello'), text: true }, 'String data stays text');
  t.deepEqual(initialContent(spec('', 'String')), { bytes: Buffer.alloc(0), text: true });
  t.deepEqual(initialContent(spec('plain text')), { bytes: Buffer.from('plain text'), text: true }, 'a bare string without a type is text');
  t.is(hex(12), '80044b0c2e', 'a bare number is typed by JSON');
  t.is(initialContent({ oid: 'x', categoryType: 'Data' }), undefined);
  t.is(pydataOf(spec('1 + 1', 'eval')).kind, 'eval');
  t.throws(() => pydataOf(spec('not base64 of a pickle!', 'Object')), { instanceOf: PydataError });
});

test('pickles of builtins read back; objects that need classes are refused', (t) => {
  t.is(pyRepr(pickleLoads(Buffer.from('80044b0c2e', 'hex'))), '12');
  t.is(pyRepr(pickleLoads(Buffer.from('80049507000000000000004b0a4b0286942e', 'hex'))), '(10, 2)');
  // protocol 0 and 2 forms too
  t.is(pyRepr(pickleLoads(Buffer.from('(lp0\nI1\naI2\na.', 'latin1'))), '[1, 2]');
  t.is(pyRepr(pickleLoads(Buffer.from('80025d7100284b014b02652e', 'hex'))), '[1, 2]');
  t.throws(() => pickleLoads(Buffer.from('8004958c0000000000000063', 'hex')), { instanceOf: NotBuiltinPickle });
  t.throws(() => pickleLoads(Buffer.from('80044b', 'hex')), { instanceOf: BadPickle });
  t.false(pyTruthy(pickleLoads(Buffer.from('80045d942e', 'hex'))), 'an empty list is false');
});

test('repr(float) as CPython prints it', (t) => {
  const cases: [number, string][] = [
    [1.5, '1.5'],
    [2, '2.0'],
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [1e-4, '0.0001'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [-0, '-0.0'],
    [123456789.125, '123456789.125'],
    [Infinity, 'inf'],
    [NaN, 'nan'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
  ];
  for (const [x, s] of cases) t.is(pyFloatRepr(x), s, String(x));
});

if (needsPython(test)) {
  test('pickle.dumps of JSON values is byte-identical to CPython, and reads back to the same repr (property)', (t) => {
    const texts = fc.sample(
      fc.oneof(
        fc.json({ maxDepth: 3 }),
        fc.integer().map(String),
        fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }).map(String),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
        fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => JSON.stringify(s)),
      ),
      400,
    );
    // Sizes around the 1000-item batches and 64 KiB frames.
    texts.push(JSON.stringify(Array.from({ length: 2500 }, (_, i) => i)));
    texts.push(JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]))));
    texts.push(JSON.stringify('y'.repeat(70_000)));
    texts.push(JSON.stringify(Array.from({ length: 20_000 }, (_, i) => `s${i}`)));
    texts.push('[{"k": 1}, {"k": 2.0, "j": [1.0, -0.0]}]');
    const expected = python(texts);
    texts.forEach((text, i) => {
      const v = pyJsonLoads(text);
      t.is(pickleDumps(v, { sharedKeys: true }).toString('hex'), expected[i]!.pickle, text.slice(0, 80));
      // repr's "printable" depends on the Unicode version (JS engine vs interpreter): compared below U+0800.
      if (!/[^\u0000-\u07ff]/.test(text)) t.is(pyRepr(pickleLoads(Buffer.from(expected[i]!.pickle, 'hex'))), expected[i]!.repr, text.slice(0, 80));
    });
  });

  test('repr of strings and bytes matches Python (property)', (t) => {
    const strings = fc.sample(fc.string({ unit: fc.integer({ min: 0, max: 0x7ff }).map((c) => String.fromCharCode(c)), maxLength: 40 }), 300);
    const out = execFileSync(testPython, ['-c', 'import json,sys\nfor s in json.load(sys.stdin): print(json.dumps([repr(s), repr(s.encode("utf-8","surrogatepass"))]))'], {
      input: JSON.stringify(strings),
    })
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as [string, string]);
    strings.forEach((s, i) => {
      t.is(pyRepr(s), out[i]![0], JSON.stringify(s));
      t.is(pyRepr(new PyBytes(Buffer.from(s, 'utf8'))), out[i]![1], JSON.stringify(s));
    });
  });
}
