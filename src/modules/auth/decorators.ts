import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Capability } from '../identity/index.js';
import type { AuthContext } from './auth-context.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { TenantGuard } from './guards/tenant.guard.js';
import { CapabilitiesGuard } from './guards/capabilities.guard.js';
import { ImpersonationPolicyGuard } from './guards/impersonation-policy.guard.js';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';

import { ALLOW_OWN_IMPERSONATION_SESSION, NOT_WITH_ACCESS_TOKEN, REQUIRED_CAPABILITIES, TENANT_SCOPED } from './auth.constants.js';

export { REQUIRED_CAPABILITIES, TENANT_SCOPED };

/** The fixed guard order every protected route runs; a spec pins it. */
export const GUARD_ORDER = [JwtAuthGuard, TenantGuard, ImpersonationPolicyGuard, CapabilitiesGuard] as const;

/**
 * Protects a route or controller: authenticate → tenant → impersonation
 * policy → capabilities, always in that order (a read-only impersonation
 * token is refused any write with IMPERSONATION_READ_ONLY, whatever the
 * target's capabilities). With no arguments it only requires a signed-in caller.
 */
export function RequireCapabilities(...capabilities: Capability[]) {
  return applyDecorators(
    SetMetadata(REQUIRED_CAPABILITIES, capabilities),
    UseGuards(...GUARD_ORDER),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or revoked token (UNAUTHENTICATED)', type: ErrorResponseDto }),
    ApiForbiddenResponse({
      description: 'Missing capability (FORBIDDEN), CLIENT_SUSPENDED, TENANT_REQUIRED or IMPERSONATION_READ_ONLY',
      type: ErrorResponseDto,
    }),
  );
}

/** Marks a controller's routes as tenant-scoped: they need a client user and run on its database. */
export function TenantScoped() {
  return SetMetadata(TENANT_SCOPED, true);
}

/**
 * Lets a read-only impersonation token call this (non-GET) route when the
 * matched route's path parameter `param` is the token's own session, as
 * ending one's own impersonation must always be possible. The decision reads
 * the router's parameters, never the URL text, which can carry anything after
 * a `#`, `?` or `;`.
 */
export function AllowDuringImpersonation(param: string) {
  return SetMetadata(ALLOW_OWN_IMPERSONATION_SESSION, param);
}

/**
 * Refuses personal access tokens on this route (403 FORBIDDEN), decided by
 * the authentication guard on this metadata: creating tokens, changing the
 * password or 2FA, starting impersonation and ending sessions stay with the
 * account holder, so a leaked token cannot be turned into lasting control of
 * the account.
 */
export function NotWithAccessToken() {
  return SetMetadata(NOT_WITH_ACCESS_TOKEN, true);
}

/** The resolved caller (`req.auth`). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<FastifyRequest>().auth;
  if (!auth) throw new Error('Auth() used on a route without RequireCapabilities()');
  return auth;
});
