import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedError } from './errors.js';
import { isUuid } from './uuid.js';

/** `?limit=&cursor=`: default 50, max 200. */
export class PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (`nextCursor`)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string | number | null>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends Record<string, unknown>>(
  cursor: string | undefined,
  check: (v: Record<string, unknown>) => v is T,
): T | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (value && typeof value === 'object' && check(value)) return value;
  } catch {
    /* fall through */
  }
  throw ValidationFailedError.field('cursor', 'cursor is invalid');
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, keyOf: (r: R) => Record<string, string | number | null>): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return { data: slice.map(map), nextCursor: more ? encodeCursor(keyOf(slice[slice.length - 1])) : null };
}

/**
 * An instant as the service writes it into cursors (`Date#toISOString()`,
 * years 0001–9999). A cursor is the caller's input: anything else (another
 * format, or a date JavaScript parses but the database driver cannot take,
 * such as year +275760) is refused as an invalid cursor, never passed on.
 */
export function isIsoInstant(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-/.test(v) || v.startsWith('0000')) return false;
  const t = Date.parse(v);
  return !Number.isNaN(t) && new Date(t).toISOString() === v;
}

/** A calendar day `YYYY-MM-DD` that exists, years 0001–9999. */
export function isIsoDay(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && isIsoInstant(`${v}T00:00:00.000Z`);
}

export function isCreatedAtIdCursor(v: Record<string, unknown>): v is { t: string; id: string } {
  return isIsoInstant(v.t) && isUuid(v.id);
}
