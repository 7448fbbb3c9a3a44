import { OptionalNotNull } from '../../../common/validators.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export const IMPERSONATION_MAX_MINUTES = 60;
export const IMPERSONATION_DEFAULT_MINUTES = 30;
export const IMPERSONATION_REASON_MAX_LENGTH = 500;

export class StartImpersonationDto {
  @ApiProperty({ format: 'uuid', description: 'The user to impersonate' })
  @IsUUID('all')
  userId: string;

  @ApiProperty({
    description: 'Why (kept in the audit trail). Trimmed; must not be empty.',
    maxLength: IMPERSONATION_REASON_MAX_LENGTH,
    example: 'Ticket #4711: user cannot see last week’s entries',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(IMPERSONATION_REASON_MAX_LENGTH)
  reason: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Allow non-GET requests with the token. Needs every write capability the target holds (any capability without a `read` segment counts as a write).',
  })
  @OptionalNotNull()
  @IsBoolean()
  allowWrites?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: IMPERSONATION_MAX_MINUTES,
    default: IMPERSONATION_DEFAULT_MINUTES,
    description: 'How long the session (and its token) lasts, in minutes',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(IMPERSONATION_MAX_MINUTES)
  durationMinutes?: number;
}
