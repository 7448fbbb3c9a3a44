import { ArgumentMetadata } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import { createValidationPipe, findUnacceptable } from './validation.js';
import { ValidationFailedError } from './errors.js';
import { mapPrismaError } from './prisma-errors.js';

class NameDto {
  @IsString()
  name!: string;

  @IsOptional()
  @IsString()
  note?: string;
}
const body: ArgumentMetadata = { type: 'body', metatype: NameDto };

describe('global validation pipe', () => {
  const pipe = createValidationPipe();

  // JSON.parse makes "__proto__" an own key; class-transformer skips it, so whitelisting never saw it.
  // Names like `toString` pass the same way: the whitelist takes an Object.prototype member for a DTO property.
  it('refuses __proto__, constructor and Object.prototype member names as unknown properties', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__']) {
      const value = JSON.parse(`{"name":"x","${key}":{"isAdmin":true}}`) as object;
      await expect(pipe.transform(value, body)).rejects.toBeInstanceOf(ValidationFailedError);
    }
  });

  // PostgreSQL text cannot hold NUL, and Prisma cannot send an unpaired surrogate: either was a 500.
  it('refuses strings with a NUL character or an unpaired surrogate, naming the field', async () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udfff', '\udfff\ud800']) {
      const err = await pipe.transform({ name: 'ok', note: bad }, body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationFailedError);
      expect((err as ValidationFailedError).details).toEqual([{ field: 'note', message: expect.stringContaining('NUL') }]);
    }
  });

  it('accepts ordinary text, emoji (paired surrogates) and other control characters', async () => {
    await expect(pipe.transform({ name: 'Zoë 😀 \t tab', note: '\u0007' }, body)).resolves.toMatchObject({ name: 'Zoë 😀 \t tab' });
    expect(findUnacceptable({ a: ['😀', { b: 'é' }] })).toBeNull();
  });

  it('finds the defect in nested objects and arrays', () => {
    expect(findUnacceptable({ a: [{ b: 'x\u0000' }] })).toEqual({ field: 'a.0.b', message: expect.any(String) });
  });
});

describe('mapPrismaError', () => {
  it('maps PostgreSQL "invalid byte sequence" (22021) to 400 VALIDATION_FAILED', () => {
    const err = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { cause: { code: '22021', kind: 'postgres' } });
    expect(mapPrismaError(err)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});

describe('global validation pipe on hostile shapes', () => {
  const pipe = createValidationPipe();

  it('refuses a body that is not a JSON object (arrays, deeply nested ones too) with 400', async () => {
    for (const value of [[], [{ name: 'x' }], JSON.parse('['.repeat(5000) + ']'.repeat(5000)) as unknown]) {
      await expect(pipe.transform(value, body)).rejects.toBeInstanceOf(ValidationFailedError);
    }
  });

  // class-validator's IsNumber({maxDecimalPlaces}) throws a TypeError on exponent notation such as 1e-7.
  it('turns a validator crash on odd input into 400, not 500', async () => {
    const { IsNumber } = await import('class-validator');
    class RateDto {
      @IsNumber({ maxDecimalPlaces: 2 })
      rate!: number;
    }
    await expect(pipe.transform({ rate: -1e-323 }, { type: 'body', metatype: RateDto })).rejects.toBeInstanceOf(ValidationFailedError);
  });
});

describe('mapPrismaError under concurrency', () => {
  it('maps a deadlock (40P01) and a vanished foreign key (P2003) to 409 CONFLICT', () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { cause: { code: '40P01', kind: 'postgres' } });
    expect(mapPrismaError(deadlock)).toMatchObject({ status: 409, code: 'CONFLICT' });
    const fk = Object.assign(new Error('Foreign key constraint violated'), { code: 'P2003' });
    expect(mapPrismaError(fk)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });
});

describe('isDatabaseUnavailable', () => {
  // A tenant database dropped behind the service surfaced as Prisma P1003 with 3D000 only under originalCode: it was a 500.
  it("recognises Prisma's P1003 and the adapter's originalCode 3D000", async () => {
    const { isDatabaseUnavailable } = await import('./prisma-errors.js');
    expect(isDatabaseUnavailable({ code: 'P1003' })).toBe(true);
    expect(isDatabaseUnavailable({ code: 'P2002', meta: { driverAdapterError: { cause: { originalCode: '3D000' } } } })).toBe(true);
  });
});
