import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable UPPER_SNAKE machine code' })
  code: string;

  @ApiProperty({ example: 'startTime must be an ISO-8601 date string' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];

  @ApiProperty({ example: '6f1c2a0e-5f0c-4a53-9c1e-1f5b1d0c2b7e' })
  requestId: string;
}
