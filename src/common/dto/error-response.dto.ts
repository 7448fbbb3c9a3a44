import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';

export class ErrorDetailDto {
  @ApiProperty({ example: 'startTime' })
  field: string;

  @ApiProperty({ example: 'startTime must be an ISO-8601 date string' })
  message: string;
}

/** The body of every error response. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({
    enum: Object.keys(ERROR_CODES),
    enumName: 'ErrorCode',
    example: 'VALIDATION_FAILED',
    description:
      'Stable UPPER_SNAKE machine code; new codes may be added, none is renamed. ' +
      Object.entries(ERROR_CODES)
        .map(([code, { status, description }]) => `${code} (${status}): ${description}`)
        .join('; '),
  })
  code: ErrorCode;

  @ApiProperty({ example: 'startTime must be an ISO-8601 date string' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];

  @ApiProperty({ example: '6f1c2a0e-5f0c-4a53-9c1e-1f5b1d0c2b7e' })
  requestId: string;
}
