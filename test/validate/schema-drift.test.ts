// Schema and code cannot drift: the JSON Schemas (schemas/*.schema.json) are the source of
// truth, and the TypeScript interfaces that describe the same documents (compiler/model.ts,
// schemas/types.ts) must declare the same required keys and no key the schema lacks.
// TypeScript 7 has no JS compiler API to read interfaces with, so the interface bodies are
// read from the source text; model.ts and types.ts keep one property per line for that.

import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, readJson } from './helpers.ts';

interface Props {
  required: string[];
  all: string[];
}

/** Top-level properties of `export interface Name { ... }` (two-space indented lines). */
function interfaceProps(file: string, name: string): Props {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const start = text.indexOf(`export interface ${name} {`);
  if (start < 0) throw new Error(`interface ${name} not found in ${file}`);
  const end = text.indexOf('\n}', start);
  const body = text.slice(start, end).split('\n').slice(1);
  const required: string[] = [];
  const all: string[] = [];
  for (const line of body) {
    const m = /^ {2}([A-Za-z_$][\w$]*|'[^']+')(\?)?:/.exec(line);
    if (!m) continue;
    const key = m[1].replace(/'/g, '');
    all.push(key);
    if (!m[2]) required.push(key);
  }
  return { required: required.sort(), all: all.sort() };
}

interface SchemaObject {
  required?: string[];
  properties?: Record<string, unknown>;
  definitions?: Record<string, SchemaObject>;
}

function schemaProps(schemaFile: string, definition?: string): Props {
  const root = readJson<SchemaObject>(join(repoRoot, 'schemas', schemaFile));
  const s = definition ? root.definitions![definition] : root;
  return { required: [...(s.required ?? [])].sort(), all: Object.keys(s.properties ?? {}).sort() };
}

const PAIRS: [string, string, string, string | undefined][] = [
  ['compiler/model.ts', 'OjsDocument', 'lg.schema.json', undefined],
  ['compiler/model.ts', 'OjsNode', 'lg.schema.json', 'node'],
  ['compiler/model.ts', 'OjsField', 'lg.schema.json', 'field'],
  ['compiler/model.ts', 'OjsLink', 'lg.schema.json', 'link'],
  ['compiler/model.ts', 'GraphConfig', 'config.schema.json', 'config'],
  ['compiler/model.ts', 'GraphConfigField', 'config.schema.json', 'fieldConfig'],
  ['schemas/types.ts', 'DropSpec', 'drops.schema.json', 'dropSpec'],
  ['schemas/types.ts', 'PortRecord', 'drops.schema.json', 'port'],
];

for (const [file, name, schema, def] of PAIRS) {
  test(`${name} (${file}) matches ${schema}${def ? `#/definitions/${def}` : ''}`, (t) => {
    const ts = interfaceProps(file, name);
    const js = schemaProps(schema, def);
    t.true(ts.all.length > 0);
    t.deepEqual(ts.required, js.required, 'required keys');
    t.deepEqual(ts.all.filter((k) => !js.all.includes(k)), [], 'keys the TypeScript type declares but the schema does not');
  });
}

test('the generated validators are up to date with the schemas', (t) => {
  t.notThrows(() => execFileSync(process.execPath, [join(repoRoot, 'schemas/generate.mjs'), '--check'], { stdio: 'pipe' }));
});
