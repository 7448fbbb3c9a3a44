/** The auth module's public API: the guard chain's decorators, the caller's context, sign-in for onboarding. */
export { AuthModule } from './auth.module.js';
export { AuthCoreModule } from './auth-core.module.js';
export { AuthService } from './auth.service.js';
export { AuthContextService } from './auth-context.service.js';
export { TokenService } from './token.service.js';
export type { AccessTokenClaims, AuthContext, AuthenticatedUser, ImpersonationContext } from './auth-context.js';
export { AllowDuringImpersonation, Auth, GUARD_ORDER, NotWithAccessToken, RequireCapabilities, TenantScoped } from './decorators.js';
export { ClientInfo } from './client-meta.decorator.js';
export type { ClientMeta } from './sessions.service.js';
export { bearerToken } from './strategies/jwt.strategy.js';
export { ClientSummaryDto, EXAMPLE_PASSWORD, LoginResponseDto } from './dto/auth.dto.js';
