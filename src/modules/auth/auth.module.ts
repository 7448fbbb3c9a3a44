import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { ThrottleRepository } from './throttle.repository.js';
import { ThrottleService } from './throttle.service.js';
import { TwoFactorRepository } from './two-factor.repository.js';
import { TwoFactorService } from './two-factor.service.js';
import { ClientSummaryRepository } from './client-summary.repository.js';
import { AccessTokensController } from './access-tokens.controller.js';
import { AccessTokensService } from './access-tokens.service.js';

/** Login, 2FA, refresh rotation, sessions and personal access tokens (`/auth`); signup is the onboarding module's. */
@Module({
  controllers: [AuthController, AccessTokensController],
  providers: [
    AuthService,
    SessionsRepository,
    SessionsService,
    ThrottleRepository,
    ThrottleService,
    TwoFactorRepository,
    TwoFactorService,
    ClientSummaryRepository,
    AccessTokensService,
  ],
  exports: [AuthService, SessionsService, ThrottleService],
})
export class AuthModule {}
