// Types of the generated standalone validators (schemas/generate.mjs).
import type { ErrorObject } from 'ajv';

export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export declare const lg: GeneratedValidator;
export declare const config: GeneratedValidator;
export declare const params: GeneratedValidator;
export declare const drops: GeneratedValidator;
export declare const dropSpec: GeneratedValidator;
