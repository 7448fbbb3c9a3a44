import { OptionalNotNull } from '../../../common/validators.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsNotEmpty,
  IsObject,
  IsString,
  IsTimeZone,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { SLUG_PATTERN } from '../slug.js';

/** The client's first user, who gets the `client-admin` role. */
export class CreateClientAdminDto {
  @ApiProperty({ example: 'admin@globex.example', description: 'Unique across the platform (case-insensitive)' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Hank Scorpio' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'CorrectHorse42', minLength: 10, description: 'At least 10 characters; stored only as an Argon2id hash' })
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters' })
  @MaxLength(200)
  password: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone (default UTC)' })
  @OptionalNotNull()
  @IsTimeZone({ message: 'timeZone must be an IANA time zone' })
  timeZone?: string;
}

export class CreateClientDto {
  @ApiProperty({ example: 'Globex Corporation' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    example: 'globex',
    pattern: SLUG_PATTERN.source,
    description:
      'Lower-case letters, digits and inner hyphens, 1–63 characters. Unique: a taken slug given here is 409 CONFLICT; when absent it is ' +
      'derived from the name and numbered if taken (acme, acme-2, …).',
  })
  @OptionalNotNull()
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'slug must be 1-63 lower-case letters, digits or inner hyphens' })
  slug?: string;

  @ApiProperty({ type: CreateClientAdminDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateClientAdminDto)
  admin: CreateClientAdminDto;
}
