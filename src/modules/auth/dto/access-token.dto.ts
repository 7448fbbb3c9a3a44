import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OptionalNotNull } from '../../../common/validators.js';
import { ALL_CAPABILITIES } from '../../identity/index.js';
import type { AccessTokenRow } from '../access-tokens.repository.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** An instant with an explicit offset (`Z` or `±hh:mm`), as everywhere in the API. */
const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

export class CreateAccessTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Nightly CSV export', description: 'What the token is for (shown in lists)' })
  @trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({
    type: [String],
    enum: ALL_CAPABILITIES,
    maxItems: 100,
    example: ['time-entries:read:own', 'reports:read:own'],
    description:
      'The most the token may do: on each request it holds those of these the user holds then. Omitted: every capability the user holds at each request. ' +
      'A capability the caller does not hold is 403 CAPABILITY_NOT_GRANTABLE; an unknown key is 400.',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  capabilities?: string[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2030-01-01T00:00:00Z',
    description: 'When the token stops working (in the future, with an offset); omitted or null: never',
  })
  @OptionalNotNull()
  @IsString()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(WITH_OFFSET, { message: 'expiresAt must carry an offset (Z or ±hh:mm)' })
  expiresAt?: string | null;
}

export class AccessTokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Nightly CSV export' })
  name: string;

  @ApiProperty({ example: 'ftc_pat_Xy3_k9', description: "The token's first characters, to recognise it" })
  prefix: string;

  @ApiProperty({
    type: [String],
    enum: ALL_CAPABILITIES,
    nullable: true,
    description: "The capabilities the token is limited to; null: all of the user's",
    example: ['time-entries:read:own', 'reports:read:own'],
  })
  capabilities: string[] | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The last request made with it (written every few seconds, so it may lag by that much)',
  })
  lastUsedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class CreatedAccessTokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Nightly CSV export' })
  name: string;

  @ApiProperty({
    example: 'ftc_pat_Xy3_k9Qm2vR8wLc1Zt5bN0aPe7sD4fGh6jKuYx2Vw9o',
    description: 'The token: send it as `Authorization: Bearer <token>`. Shown only in this answer; only its hash is stored.',
  })
  token: string;

  @ApiProperty({ example: 'ftc_pat_Xy3_k9' })
  prefix: string;

  @ApiProperty({ type: [String], enum: ALL_CAPABILITIES, nullable: true, example: ['time-entries:read:own', 'reports:read:own'] })
  capabilities: string[] | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class AccessTokenPageDto {
  @ApiProperty({ type: [AccessTokenDto] })
  data: AccessTokenDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export function toAccessTokenDto(r: AccessTokenRow): AccessTokenDto {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    capabilities: r.capabilities ? [...r.capabilities].sort() : null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}
