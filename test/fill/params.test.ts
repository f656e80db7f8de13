import test from 'ava';
import { join } from 'node:path';
import { CODES } from '../../kernel/diagnostics.ts';
import { fillOptionsFromCli, flattenParams, parseParamArgs, readParamsFile } from '../../compiler/fill/index.ts';
import { codes, paramsDir, readJson } from '../validate/helpers.ts';

test('-p name=value keeps the value a string; -p {json} merges; later wins', (t) => {
  const r = parseParamArgs(['a=1', 'b=x=y', '{"c": {"d": 2}, "a": 5}', 'a=last']);
  t.deepEqual(r.value, { a: 'last', b: 'x=y', c: { d: 2 } });
});

test('malformed -p arguments are diagnostics', (t) => {
  for (const bad of ['novalue', '=x', '{not json', '[1]']) {
    const r = parseParamArgs([bad]);
    t.is(r.value, undefined, bad);
    t.deepEqual(codes(r.diagnostics), [CODES.BAD_PARAMETER_ARG], bad);
  }
});

test('--params file and -p merge with -p winning', (t) => {
  const file = join(paramsDir, 'helloworld.params.json');
  const r = fillOptionsFromCli({ params: file, param: ['hello.filepath=mine.txt'] });
  t.deepEqual(r.value?.params, { ...readJson<object>(file), 'hello.filepath': 'mine.txt' });
});

test('bad parameter files are clear diagnostics', (t) => {
  const cases: [string, RegExp][] = [
    ['not-an-object.params.json', /must hold a JSON object.*found an array/],
    ['truncated.params.json', /truncated|ends early/],
    ['missing.params.json', /no such file/],
  ];
  for (const [name, re] of cases) {
    const r = readParamsFile(join(paramsDir, name));
    t.is(r.value, undefined, name);
    t.deepEqual(codes(r.diagnostics), [CODES.BAD_PARAMS_FILE], name);
    t.regex(r.diagnostics[0].message, re, name);
  }
});

test('bad config files and conflicting options are diagnostics', (t) => {
  const bad = fillOptionsFromCli({ configFile: join(paramsDir, 'not-a-config.config.json') });
  t.deepEqual(codes(bad.diagnostics), [CODES.BAD_CONFIG_FILE]);
  t.regex(bad.diagnostics[0].message, /nodes/);
  const both = fillOptionsFromCli({ config: 'x', configFile: join(paramsDir, 'arrayloop-copies.config.json') });
  t.deepEqual(codes(both.diagnostics), [CODES.USAGE]);
});

test('flattening: nested objects give dotted names; explicit dotted names win', (t) => {
  const flat = flattenParams({ p: { q: 1, r: { s: 2 } }, 'p.q': 'explicit', e: {} });
  t.is(flat.get('p.q')!.value, 'explicit');
  t.is(flat.get('p.r.s')!.value, 2);
  t.deepEqual(flat.get('p.r.s')!.ancestors, ['p', 'p.r']);
  t.false(flat.get('p')!.leaf);
  t.true(flat.get('e')!.leaf);
});
