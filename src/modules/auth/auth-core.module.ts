import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfigService } from '../../config/config.service.js';
import { AuthContextService } from './auth-context.service.js';
import { AuthStateRepository } from './auth-state.repository.js';
import { TokenService } from './token.service.js';
import { ImpersonationAuditService } from './impersonation-audit.service.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { TenantGuard } from './guards/tenant.guard.js';
import { CapabilitiesGuard } from './guards/capabilities.guard.js';
import { ImpersonationPolicyGuard } from './guards/impersonation-policy.guard.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { AccessTokensRepository } from './access-tokens.repository.js';
import { AccessTokenUsageService } from './access-token-usage.service.js';

const providers = [
  AuthContextService,
  AuthStateRepository,
  TokenService,
  JwtStrategy,
  ImpersonationAuditService,
  JwtAuthGuard,
  TenantGuard,
  CapabilitiesGuard,
  ImpersonationPolicyGuard,
  AccessTokensRepository,
  AccessTokenUsageService,
];

/** Authentication and authorization plumbing every feature module's routes use. */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({ secret: config.get('JWT_SECRET'), signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  providers,
  exports: [...providers, JwtModule],
})
export class AuthCoreModule {}
