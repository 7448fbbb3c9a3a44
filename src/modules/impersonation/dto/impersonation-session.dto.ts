import { ApiProperty } from '@nestjs/swagger';

export const IMPERSONATION_REQUESTS_PER_SESSION = 100;

export class ImpersonationUserRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true, description: 'null if the user no longer exists' })
  email: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'null if the user no longer exists' })
  name: string | null;
}

export class ImpersonationTargetRefDto extends ImpersonationUserRefDto {
  @ApiProperty({ format: 'uuid', description: 'The client the session ran in' })
  clientId: string;
}

export class ImpersonationRequestDto {
  @ApiProperty({ example: 'GET' })
  method: string;

  @ApiProperty({ example: '/api/v1/time-entries', description: 'Path without the query string' })
  path: string;

  @ApiProperty({ example: 200, description: 'HTTP status answered (refused requests included)' })
  status: number;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

export class ImpersonationSessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: ImpersonationUserRefDto })
  impersonator: ImpersonationUserRefDto;

  @ApiProperty({ type: ImpersonationTargetRefDto })
  target: ImpersonationTargetRefDto;

  @ApiProperty()
  reason: string;

  @ApiProperty()
  allowWrites: boolean;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it was ended explicitly; null if it was not (it may still have expired)',
  })
  endedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ description: 'Neither ended nor expired' })
  active: boolean;

  @ApiProperty({ description: 'How many requests were made with the token in all' })
  requestCount: number;

  @ApiProperty({
    type: [ImpersonationRequestDto],
    description: `Requests made with the token, oldest first: the latest ${IMPERSONATION_REQUESTS_PER_SESSION} at most (compare with requestCount)`,
  })
  requests: ImpersonationRequestDto[];
}

export class ImpersonationSessionPageDto {
  @ApiProperty({ type: [ImpersonationSessionDto] })
  data: ImpersonationSessionDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class StartImpersonationResponseDto {
  @ApiProperty({
    description: 'Access token acting as the target (claims sub = target, act.sub = you, impSid = session id). No refresh token.',
  })
  accessToken: string;

  @ApiProperty({ example: 1800, description: 'Seconds until the token (and the session) expires' })
  expiresIn: number;

  @ApiProperty({ type: ImpersonationSessionDto })
  session: ImpersonationSessionDto;
}
