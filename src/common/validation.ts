import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorDetail, ValidationFailedError } from './errors.js';

/** Flattens class-validator's tree into the contract's `details` list. */
export function toDetails(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toDetails(e.children ?? [], field)];
  });
}

/**
 * whitelist + forbidNonWhitelisted: unknown properties are a 400, never
 * silently dropped; transform turns query strings into the DTO's types.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = toDetails(errors);
      return new ValidationFailedError(details[0]?.message ?? 'Validation failed', details);
    },
  });
}

export { BadRequestException };
