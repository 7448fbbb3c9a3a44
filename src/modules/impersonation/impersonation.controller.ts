import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { type AuthContext, AllowDuringImpersonation, Auth, NotWithAccessToken, RequireCapabilities } from '../auth/index.js';
import { ImpersonationSessionPageDto, StartImpersonationResponseDto } from './dto/impersonation-session.dto.js';
import { ListImpersonationSessionsQueryDto } from './dto/list-impersonation-sessions.query.dto.js';
import { StartImpersonationDto } from './dto/start-impersonation.dto.js';
import { ImpersonationService } from './impersonation.service.js';
import { NoBody } from '../../common/no-body.js';

/**
 * Not tenant-scoped: platform admins (no client) use it as well as client
 * users holding `impersonation:start`; the service scopes what each may see.
 */
@ApiTags('impersonation')
@Controller('impersonation')
export class ImpersonationController {
  constructor(private readonly impersonation: ImpersonationService) {}

  @Post()
  @HttpCode(201)
  @NotWithAccessToken()
  @ApiOperation({
    summary: 'Start impersonating a user',
    description:
      'Issues a short-lived access token acting as the user (no refresh token), at most 60 minutes (default 30). ' +
      'Platform admins may impersonate any active client user; client users with impersonation:start only active users ' +
      'of their own client holding no capability they lack. The token is read-only (non-GET → 403 IMPERSONATION_READ_ONLY) ' +
      'unless allowWrites is granted; every request made with it is recorded. A request made with an impersonation token ' +
      'cannot start another: with a read-only token the read-only check answers first (403 IMPERSONATION_READ_ONLY), ' +
      'otherwise 403 IMPERSONATION_NESTED (or FORBIDDEN when the impersonated user lacks impersonation:start).',
  })
  @ApiCreatedResponse({ type: StartImpersonationResponseDto, description: 'The session and its access token (no refresh token)' })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED: missing/empty reason, reason over 500 characters, durationMinutes outside 1–60, unknown fields',
    type: ErrorResponseDto,
  })
  @ApiNotFoundResponse({
    description: 'NOT_FOUND: no such user, or (for client users) a user of another client or a platform user',
    type: ErrorResponseDto,
  })
  @ApiConflictResponse({ description: 'IMPERSONATION_TARGET_INACTIVE: the user is deactivated', type: ErrorResponseDto })
  @ApiForbiddenResponse({
    description:
      'FORBIDDEN (no impersonation:start, or called with a personal access token), IMPERSONATION_SELF, IMPERSONATION_NESTED, IMPERSONATION_NOT_ALLOWED (target is a platform user/admin, ' +
      'holds capabilities you lack, or you are a platform user who is not a platform admin), IMPERSONATION_WRITES_NOT_ALLOWED ' +
      "(allowWrites without every write capability the target holds), CLIENT_SUSPENDED (yours or the target's client), IMPERSONATION_READ_ONLY",
    type: ErrorResponseDto,
  })
  @RequireCapabilities('impersonation:start')
  start(@Auth() auth: AuthContext, @Body() dto: StartImpersonationDto): Promise<StartImpersonationResponseDto> {
    return this.impersonation.start(auth, dto);
  }

  @Post(':id/end')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End an impersonation session',
    description:
      'By the impersonator, with their own token or with the impersonation token of this session (allowed even when read-only). ' +
      'The token stops working at once on every instance. Idempotent: ending an ended or expired session also answers 204.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Ended (or already ended/expired)' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such session, not yours, or a malformed id', type: ErrorResponseDto })
  @RequireCapabilities()
  @AllowDuringImpersonation('id')
  async end(@Auth() auth: AuthContext, @Param('id') id: string, @NoBody() _body: undefined): Promise<void> {
    await this.impersonation.end(auth, id);
  }

  @Get('sessions')
  @ApiOperation({
    summary: 'The impersonation audit trail',
    description:
      'Newest first. A platform admin sees every session; a client user only the sessions of their own client. ' +
      'Each session lists its latest 100 requests (method, path, status, time), oldest first; requestCount gives the total. ' +
      '`active=true`: neither ended nor expired.',
  })
  @ApiOkResponse({ type: ImpersonationSessionPageDto, description: 'A page of sessions with their latest requests' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: bad filter, limit or cursor', type: ErrorResponseDto })
  @RequireCapabilities('impersonation:start')
  list(@Auth() auth: AuthContext, @Query() query: ListImpersonationSessionsQueryDto): Promise<ImpersonationSessionPageDto> {
    return this.impersonation.list(auth, query);
  }
}
