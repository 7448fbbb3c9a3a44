import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import type { AuthContext } from './auth-context.js';
import { Auth, NotWithAccessToken, RequireCapabilities } from './decorators.js';
import { ClientInfo } from './client-meta.decorator.js';
import type { ClientMeta } from './sessions.service.js';
import { AuthService } from './auth.service.js';
import {
  BackupCodesDto,
  ChangePasswordDto,
  LoginDto,
  LoginResponseDto,
  LogoutDto,
  MeDto,
  RefreshDto,
  TokenPairDto,
  TwoFactorChallengeDto,
  TwoFactorCodeDto,
  TwoFactorDisableDto,
  TwoFactorSetupDto,
  TwoFactorVerifyDto,
} from './dto/auth.dto.js';
import { NoBody } from '../../common/no-body.js';

const THROTTLED = {
  description: 'RATE_LIMITED: too many failures for this account or IP; see the Retry-After header (seconds)',
  type: ErrorResponseDto,
};
const NOT_IMPERSONATING =
  "FORBIDDEN with an impersonation token or a personal access token (credential management is the account holder's), IMPERSONATION_READ_ONLY";

@ApiTags('auth')
@Controller('auth')
@ApiExtraModels(LoginResponseDto, TwoFactorChallengeDto)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with e-mail and password',
    description:
      'Answers tokens and the user, or — when the user has 2FA on — `{twoFactorRequired: true, challengeToken}` for POST /auth/2fa/verify.',
  })
  @ApiOkResponse({
    description: 'Signed in (tokens and the user), or a 2FA challenge when the user has 2FA on',
    schema: { oneOf: [{ $ref: getSchemaPath(LoginResponseDto) }, { $ref: getSchemaPath(TwoFactorChallengeDto) }] },
  })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiUnauthorizedResponse({
    description: 'INVALID_CREDENTIALS: unknown e-mail, wrong password or deactivated user (indistinguishable)',
    type: ErrorResponseDto,
  })
  @ApiForbiddenResponse({ description: 'CLIENT_SUSPENDED (only after a correct password)', type: ErrorResponseDto })
  @ApiTooManyRequestsResponse(THROTTLED)
  login(@Body() dto: LoginDto, @ClientInfo() meta: ClientMeta): Promise<LoginResponseDto | TwoFactorChallengeDto> {
    return this.auth.login(dto, meta);
  }

  @Post('2fa/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Complete a 2FA login with a TOTP code or a one-time backup code',
    description:
      'Takes the challengeToken of a login answer `{twoFactorRequired: true}` (valid 5 minutes, one sign-in) and a current TOTP code or an unused backup code; ' +
      'a TOTP code is accepted once, a backup code is spent.',
  })
  @ApiOkResponse({ type: LoginResponseDto, description: 'Signed in: tokens and the user' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiUnauthorizedResponse({
    description:
      'INVALID_2FA_CODE (wrong, replayed or spent code), UNAUTHENTICATED (invalid, expired or already used challenge token: a challenge signs in once)',
    type: ErrorResponseDto,
  })
  @ApiTooManyRequestsResponse(THROTTLED)
  verifyTwoFactor(@Body() dto: TwoFactorVerifyDto, @ClientInfo() meta: ClientMeta): Promise<LoginResponseDto> {
    return this.auth.verifyTwoFactor(dto, meta);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new token pair (rotation)',
    description:
      'Each refresh token works once. Presenting a spent one revokes its whole session (401 REFRESH_TOKEN_REUSED). ' +
      "Of several concurrent refreshes with one token exactly one succeeds; the others count as reuse, so the session — including the winner's new tokens — is revoked.",
  })
  @ApiOkResponse({ type: TokenPairDto, description: 'A new token pair; the refresh token presented is spent' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiUnauthorizedResponse({
    description: 'REFRESH_TOKEN_REUSED, or UNAUTHENTICATED (unknown, expired or revoked)',
    type: ErrorResponseDto,
  })
  @ApiForbiddenResponse({ description: 'CLIENT_SUSPENDED', type: ErrorResponseDto })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @NotWithAccessToken()
  @HttpCode(204)
  @RequireCapabilities()
  @ApiOperation({
    summary: 'End a session',
    description:
      "Ends the session the refresh token belongs to (if it is the caller's; otherwise the caller's current session). Its access tokens stop working at once.",
  })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: NOT_IMPERSONATING, type: ErrorResponseDto })
  async logout(@Auth() auth: AuthContext, @Body() dto: LogoutDto): Promise<void> {
    await this.auth.logout(auth, dto.refreshToken);
  }

  @Post('logout-all')
  @NotWithAccessToken()
  @HttpCode(204)
  @RequireCapabilities()
  @ApiOperation({
    summary: 'End every session of the caller',
    description: 'Every access and refresh token of the user stops working at once.',
  })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiForbiddenResponse({ description: NOT_IMPERSONATING, type: ErrorResponseDto })
  async logoutAll(@Auth() auth: AuthContext, @NoBody() _body: undefined): Promise<void> {
    await this.auth.logoutAll(auth);
  }

  @Get('me')
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Who am I: user, client, roles, effective capabilities and impersonation state',
    description:
      'Capabilities are the union of the roles, looked up on each request (a role change shows on the next one). During impersonation the user is the impersonated one ' +
      'and `impersonation` names the impersonator; otherwise it is null.',
  })
  @ApiOkResponse({ type: MeDto, description: 'The caller' })
  me(@Auth() auth: AuthContext): Promise<MeDto> {
    return this.auth.me(auth);
  }

  @Post('password')
  @NotWithAccessToken()
  @HttpCode(204)
  @RequireCapabilities()
  @ApiOperation({ summary: 'Change the password', description: "Ends the caller's other sessions; the current one stays." })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED (e.g. new password under 10 characters)', type: ErrorResponseDto })
  @ApiResponse({ status: 401, description: 'INVALID_CREDENTIALS: the current password is wrong; UNAUTHENTICATED', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: NOT_IMPERSONATING, type: ErrorResponseDto })
  @ApiTooManyRequestsResponse(THROTTLED)
  async changePassword(@Auth() auth: AuthContext, @Body() dto: ChangePasswordDto, @ClientInfo() meta: ClientMeta): Promise<void> {
    await this.auth.changePassword(auth, dto, meta);
  }

  @Post('2fa/setup')
  @NotWithAccessToken()
  @HttpCode(200)
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Start 2FA setup: a new TOTP secret (pending until enabled)',
    description: 'Calling it again replaces the pending secret.',
  })
  @ApiOkResponse({ type: TwoFactorSetupDto, description: 'The pending secret and its otpauth:// URL for an authenticator app' })
  @ApiForbiddenResponse({ description: NOT_IMPERSONATING, type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'CONFLICT: 2FA is already enabled', type: ErrorResponseDto })
  setupTwoFactor(@Auth() auth: AuthContext, @NoBody() _body: undefined): Promise<TwoFactorSetupDto> {
    return this.auth.setupTwoFactor(auth);
  }

  @Post('2fa/enable')
  @NotWithAccessToken()
  @HttpCode(200)
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Turn 2FA on with a code from the authenticator',
    description: 'Answers ten one-time backup codes, shown only this once.',
  })
  @ApiOkResponse({ type: BackupCodesDto, description: '2FA is on; the ten one-time backup codes' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ description: 'INVALID_2FA_CODE', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: NOT_IMPERSONATING, type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'CONFLICT: no setup pending, or 2FA already enabled', type: ErrorResponseDto })
  enableTwoFactor(@Auth() auth: AuthContext, @Body() dto: TwoFactorCodeDto): Promise<BackupCodesDto> {
    return this.auth.enableTwoFactor(auth, dto.code);
  }

  @Post('2fa/disable')
  @NotWithAccessToken()
  @HttpCode(204)
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Turn 2FA off (password and a TOTP or backup code)',
    description:
      'Needs the current password and a current TOTP code or an unused backup code; the secret and the backup codes are deleted.',
  })
  @ApiNoContentResponse({ description: 'Disabled; the backup codes are gone' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiResponse({ status: 401, description: 'INVALID_CREDENTIALS (wrong password), INVALID_2FA_CODE', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: NOT_IMPERSONATING, type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'CONFLICT: 2FA is not enabled', type: ErrorResponseDto })
  @ApiTooManyRequestsResponse(THROTTLED)
  async disableTwoFactor(@Auth() auth: AuthContext, @Body() dto: TwoFactorDisableDto, @ClientInfo() meta: ClientMeta): Promise<void> {
    await this.auth.disableTwoFactor(auth, dto.password, dto.code, meta);
  }
}
