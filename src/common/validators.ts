import { ValidateIf } from 'class-validator';

/**
 * An optional body field that may be absent but not null: unlike
 * class-validator's IsOptional (which skips null too), null is validated like
 * any other value and so refused with 400 by the field's own rules.
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_o, v) => v !== undefined);
}
