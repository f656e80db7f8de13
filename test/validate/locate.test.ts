import test from 'ava';
import { locatePointers } from '../../compiler/validate/locate.ts';

const text = `{
  "nodeDataArray": [
    {"id": "a", "name": "x\\"y/z~"},
    {
      "id": "b",
      "fields": [ {"name": "n", "value": [1, {"k": null}]} ]
    }
  ],
  "a/b": {"~": true}
}`;

/** The position of the first occurrence of `needle` in the text, 1-based. */
function posOf(needle: string, from = 0) {
  const i = text.indexOf(needle, from);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

test('pointers map to the position where their value starts', (t) => {
  const want = ['', '/nodeDataArray', '/nodeDataArray/0', '/nodeDataArray/0/name', '/nodeDataArray/1', '/nodeDataArray/1/fields/0/value/1/k', '/a~1b/~0'];
  const got = locatePointers(text, want);
  t.deepEqual(got.get(''), { line: 1, column: 1 });
  t.deepEqual(got.get('/nodeDataArray'), posOf('['));
  t.deepEqual(got.get('/nodeDataArray/0'), posOf('{"id": "a"'));
  t.deepEqual(got.get('/nodeDataArray/0/name'), posOf('"x\\"y'));
  t.deepEqual(got.get('/nodeDataArray/1'), posOf('{\n      "id": "b"'));
  t.deepEqual(got.get('/nodeDataArray/1/fields/0/value/1/k'), posOf('null'));
  t.deepEqual(got.get('/a~1b/~0'), posOf('true'));
});

test('a pointer to a missing key falls back to its nearest existing parent', (t) => {
  const got = locatePointers(text, ['/nodeDataArray/0/missing', '/nodeDataArray/7']);
  t.deepEqual(got.get('/nodeDataArray/0/missing'), posOf('{"id": "a"'));
  t.deepEqual(got.get('/nodeDataArray/7'), posOf('['));
});

test('truncated text gives what was found so far', (t) => {
  const got = locatePointers(text.slice(0, 60), ['/nodeDataArray/0/id', '/a~1b']);
  t.deepEqual(got.get('/nodeDataArray/0/id'), posOf('"a"'));
  t.deepEqual(got.get('/a~1b'), { line: 1, column: 1 });
});
