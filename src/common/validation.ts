import { ArgumentMetadata, BadRequestException, HttpException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorDetail, ValidationFailedError } from './errors.js';

/** Flattens class-validator's tree into the contract's `details` list. */
export function toDetails(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    // A missing required field is one detail saying so, not every constraint it fails
    // ("password must be shorter than … characters" for no password at all); optional fields never get here.
    const missing = e.value === undefined && e.constraints !== undefined && !('whitelistValidation' in e.constraints);
    const own = missing
      ? [{ field, message: `${field} is required` }]
      : Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toDetails(e.children ?? [], field)];
  });
}

/**
 * Keys that whitelisting never flags: class-transformer skips `__proto__`,
 * `constructor` and `prototype`, and a key named like any Object.prototype
 * member (`toString`, `valueOf`, `hasOwnProperty`, …) looks to the whitelist
 * like a property the DTO has.
 */
const isPrototypeKey = (key: string) => key === 'prototype' || key in Object.prototype;
/** A NUL character or an unpaired UTF-16 surrogate: text PostgreSQL cannot store (or Prisma send). */
// eslint-disable-next-line no-control-regex
export const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first defect in a request value that validation decorators cannot
 * catch: a prototype key among the properties (JSON.parse makes `__proto__`
 * an own key, which class-transformer drops before whitelisting) or a string
 * the database cannot store. Without this both reach the handler: the first
 * as an unknown field silently accepted, the second as a 500.
 */
export function findUnacceptable(value: unknown, path = '', depth = 0): ErrorDetail | null {
  if (typeof value === 'string') {
    return UNSTORABLE.test(value)
      ? { field: path || 'value', message: `${path || 'value'} contains a NUL character or an unpaired surrogate` }
      : null;
  }
  if (!value || typeof value !== 'object' || depth > 32) return null;
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && isPrototypeKey(key)) return { field, message: `property ${key} should not exist` };
    if (UNSTORABLE.test(key))
      return { field: path || 'value', message: 'a property name contains a NUL character or an unpaired surrogate' };
    const found = findUnacceptable((value as Record<string, unknown>)[key], field, depth + 1);
    if (found) return found;
  }
  return null;
}

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object, Buffer];
function isDtoClass(metatype: unknown): boolean {
  return !PRIMITIVES.includes(metatype);
}

class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // No body at all (no content-type, nothing sent) is an empty object: a DTO whose fields are all
    // optional (POST /conversations {title?}) accepts it, as it does `{}`; required fields are named.
    if (metadata.type === 'body' && value === undefined) value = {};
    if (metadata.type === 'body' || metadata.type === 'query') {
      if (
        metadata.type === 'body' &&
        typeof metadata.metatype === 'function' &&
        isDtoClass(metadata.metatype) &&
        (Array.isArray(value) || typeof value !== 'object' || value === null)
      ) {
        throw new ValidationFailedError('The request body must be a JSON object', [
          { field: 'body', message: 'body must be a JSON object' },
        ]);
      }
      const bad = findUnacceptable(value);
      if (bad) throw new ValidationFailedError(bad.message, [bad]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (err instanceof ValidationFailedError || err instanceof HttpException) throw err;
      // class-validator/-transformer crashing on hostile input (e.g. IsNumber's maxDecimalPlaces on 1e-7,
      // or a stack overflow on deep nesting) is still the caller's bad input: 400, never a 500.
      throw new ValidationFailedError('Invalid value');
    }
  }
}

/**
 * whitelist + forbidNonWhitelisted: unknown properties are a 400, never
 * silently dropped; transform turns query strings into the DTO's types.
 */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // Values are read (a missing field is named as such) but never copied into an error body.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const details = toDetails(errors);
      return new ValidationFailedError(details[0]?.message ?? 'Validation failed', details);
    },
  });
}

export { BadRequestException };
