import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { NoBody } from '../../common/no-body.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import type { AuthContext } from './auth-context.js';
import { Auth, NotWithAccessToken, RequireCapabilities } from './decorators.js';
import { AccessTokensService } from './access-tokens.service.js';
import { AccessTokenPageDto, CreateAccessTokenDto, CreatedAccessTokenDto } from './dto/access-token.dto.js';

@ApiTags('auth')
@Controller('auth/tokens')
export class AccessTokensController {
  constructor(private readonly tokens: AccessTokensService) {}

  @Post()
  @RequireCapabilities()
  @NotWithAccessToken()
  @ApiOperation({
    summary: 'Create a personal access token',
    description:
      'A long-lived token for scripts and integrations: `Authorization: Bearer <token>` acts as the caller with the capabilities both the token lists ' +
      '(all of the caller’s when omitted) and the caller holds at that request. The token is in this answer only. ' +
      'It stops working at once when revoked, expired, its user deactivated or its client suspended (again after a resume) or deleted. ' +
      'At most 50 per user. A personal access token cannot create tokens, change the password or 2FA, start impersonation or end sessions.',
  })
  @ApiCreatedResponse({ type: CreatedAccessTokenDto, description: 'The new token, with its secret shown this once' })
  @ApiForbiddenResponse({
    description:
      'CAPABILITY_NOT_GRANTABLE (a listed capability the caller lacks), FORBIDDEN (called with a personal access token or an impersonation token)',
    type: ErrorResponseDto,
  })
  @ApiConflictResponse({ description: 'QUOTA_EXCEEDED: the caller holds 50 tokens already', type: ErrorResponseDto })
  create(@Auth() auth: AuthContext, @Body() dto: CreateAccessTokenDto): Promise<CreatedAccessTokenDto> {
    return this.tokens.create(auth, dto);
  }

  @Get()
  @RequireCapabilities()
  @ApiOperation({ summary: "The caller's personal access tokens", description: 'Newest first; never the secret.' })
  @ApiOkResponse({ type: AccessTokenPageDto, description: 'A page of tokens' })
  list(@Auth() auth: AuthContext, @Query() query: PaginationQueryDto): Promise<AccessTokenPageDto> {
    return this.tokens.list(auth, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Revoke a personal access token',
    description: 'It stops working at once on every instance. A token may revoke itself.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ description: 'No such token of the caller (NOT_FOUND)', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN with an impersonation token', type: ErrorResponseDto })
  async revoke(
    @Auth() auth: AuthContext,
    @Param('id', new UuidParamPipe('Access token')) id: string,
    @NoBody() _body: undefined,
  ): Promise<void> {
    await this.tokens.revoke(auth, id);
  }
}
