import { IANAZone } from 'luxon';
import { registerDecorator, ValidationOptions } from 'class-validator';

/** True for an IANA zone name Luxon (and Intl) accept, e.g. "Europe/Berlin", "UTC". */
export function isIanaTimeZone(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 && IANAZone.isValidZone(value);
}

/** The zone's canonical spelling ("europe/berlin" → "Europe/Berlin"). */
export function canonicalTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return zone;
  }
}

/** class-validator: the value is a valid IANA time zone name. */
export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a valid IANA time zone (e.g. "Europe/Berlin")`, ...options },
      validator: { validate: (value: unknown) => isIanaTimeZone(value) },
    });
  };
}
