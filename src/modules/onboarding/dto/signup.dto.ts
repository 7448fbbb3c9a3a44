import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OptionalNotNull } from '../../../common/validators.js';
import { ClientSummaryDto, EXAMPLE_PASSWORD, LoginResponseDto } from '../../auth/index.js';
import { SLUG_PATTERN } from '../../clients/index.js';
import { IsIanaTimeZone } from '../../identity/index.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class SignupDto {
  @ApiProperty({ example: 'Acme GmbH', minLength: 1, maxLength: 200 })
  @trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  companyName: string;

  @ApiPropertyOptional({
    example: 'acme',
    pattern: SLUG_PATTERN.source,
    description: 'A taken slug is 409 CONFLICT; when omitted it is derived from companyName and numbered if taken (acme, acme-2, …)',
  })
  @OptionalNotNull()
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case letters, digits and inner hyphens (1–63 characters)' })
  slug?: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 200 })
  @trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'ada@acme.example', maxLength: 254 })
  @trim()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email: string;

  @ApiProperty({ minLength: 10, maxLength: 1024, example: EXAMPLE_PASSWORD })
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters' })
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC' })
  @OptionalNotNull()
  @IsIanaTimeZone()
  timeZone?: string;
}

export class SignupResponseDto extends LoginResponseDto {
  @ApiProperty({ type: ClientSummaryDto })
  client: ClientSummaryDto;
}
