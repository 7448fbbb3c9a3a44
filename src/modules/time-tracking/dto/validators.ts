import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsISO8601, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { ISO_DAY, ISO_INSTANT_WITH_OFFSET } from '../dates.js';

/** `?flag=true|false` query parameters (anything else is a 400). */
export function QueryBoolean() {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: ({ property }) => `${property} must be true or false` }),
  );
}

/** An optional ISO-8601 instant with an explicit offset; `null` is refused. */
export function OptionalInstant() {
  return applyDecorators(
    ValidateIf((_o, v) => v !== undefined),
    IsString(),
    IsISO8601({ strict: true }, { message: ({ property }) => `${property} must be an ISO-8601 date-time` }),
    Matches(ISO_INSTANT_WITH_OFFSET, {
      message: ({ property }) => `${property} must carry an offset, e.g. 2026-03-23T09:00:00Z or 2026-03-23T09:00:00+01:00`,
    }),
  );
}

/** An optional calendar day `YYYY-MM-DD`; `null` is refused unless `nullable`. */
export function OptionalDay(options: { nullable?: boolean } = {}) {
  return applyDecorators(
    options.nullable ? IsOptional() : ValidateIf((_o, v) => v !== undefined),
    IsString(),
    Matches(ISO_DAY, { message: ({ property }) => `${property} must be a date YYYY-MM-DD` }),
    IsISO8601({ strict: true }, { message: ({ property }) => `${property} must be a valid calendar date` }),
  );
}

/** Trims surrounding whitespace of a string body field. */
export function Trim() {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
}

/** May be omitted, but not sent as `null` (for fields that cannot be cleared). */
export { OptionalNotNull } from '../../../common/validators.js';
