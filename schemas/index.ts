// The JSON Schemas of this folder as validators. They are compiled ahead of time into
// validators.gen.js by `node schemas/generate.mjs` (ajv "standalone" code): compiling them
// with ajv at start-up took ~70 ms, a third of the CLI's start-up budget. A test fails
// when the generated file is older than the schemas.

import type { ErrorObject } from 'ajv';
import * as generated from './validators.gen.js';
import type { GeneratedValidator } from './validators.gen.js';

export type SchemaName = 'lg' | 'config' | 'params' | 'drops' | 'dropSpec';

export function schemaValidator(name: SchemaName): GeneratedValidator {
  return generated[name];
}

/** Validates one value; returns the errors (empty when valid). */
export function schemaErrors(name: SchemaName, value: unknown): ErrorObject[] {
  const fn = generated[name];
  return fn(value) ? [] : [...(fn.errors ?? [])];
}

export type { ErrorObject, GeneratedValidator };
export type { DropSpec, PortRecord, RelationEntry, ParamsFile } from './types.ts';
