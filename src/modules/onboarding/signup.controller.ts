import { Body, Controller, Post, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { RATE_LIMIT_HEADERS } from '../../common/openapi.js';
import { ClientInfo, type ClientMeta } from '../auth/index.js';
import { SignupRateLimitInterceptor } from '../limits/index.js';
import { SignupDto, SignupResponseDto } from './dto/signup.dto.js';
import { SignupService } from './signup.service.js';

@ApiTags('auth')
@Controller('auth')
export class SignupController {
  constructor(private readonly signups: SignupService) {}

  @Post('signup')
  @ApiOperation({
    summary: 'Sign up a new client (company) with its first admin',
    description:
      'Creates the client, its database and a user with the client-admin role, and signs that user in. Off when SIGNUP_ENABLED=false.',
  })
  @UseInterceptors(SignupRateLimitInterceptor)
  @ApiCreatedResponse({
    type: SignupResponseDto,
    description: 'Signed up and signed in: tokens, the new user and the new client',
    headers: RATE_LIMIT_HEADERS,
  })
  @ApiTooManyRequestsResponse({
    description:
      'RATE_LIMITED: over SIGNUP_IP_LIMIT signups from this address or SIGNUP_GLOBAL_LIMIT in all in the last hour; see Retry-After',
    type: ErrorResponseDto,
    headers: RATE_LIMIT_HEADERS,
  })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED (e.g. password under 10 characters, unknown time zone, bad slug)',
    type: ErrorResponseDto,
  })
  @ApiForbiddenResponse({ description: 'SIGNUP_DISABLED', type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'CONFLICT: the slug or the e-mail is taken', type: ErrorResponseDto })
  signup(@Body() dto: SignupDto, @ClientInfo() meta: ClientMeta): Promise<SignupResponseDto> {
    return this.signups.signup(dto, meta);
  }
}
