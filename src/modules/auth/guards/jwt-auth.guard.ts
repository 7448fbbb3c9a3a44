import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ServiceUnavailableError, UnauthenticatedError } from '../../../common/errors.js';
import { isDatabaseUnavailable } from '../../../common/prisma-errors.js';
import { RequestContext } from '../../../common/request-context.js';
import type { AuthContext } from '../auth-context.js';
import { ImpersonationAuditService } from '../impersonation-audit.service.js';
import { AuthContextService } from '../auth-context.service.js';
import { TokenService } from '../token.service.js';

/** `Authorization: Bearer <token>` (scheme case-insensitive), else null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/** What a failure to resolve the caller is answered with. */
function refusal(err: unknown): Error {
  if (err instanceof DomainError) return err; // e.g. 403 CLIENT_SUSPENDED, 401 with its own message
  // The main database being down is not the caller's fault: 503, not 401 (clients would drop their tokens).
  if (isDatabaseUnavailable(err)) return new ServiceUnavailableError();
  return new UnauthenticatedError();
}

/**
 * Step 1 of every protected route: a valid, live access token. Any failure
 * is 401 UNAUTHENTICATED (a suspended client is 403 CLIENT_SUSPENDED).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly audit: ImpersonationAuditService,
    private readonly tokens: TokenService,
    private readonly contexts: AuthContextService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(req.headers.authorization);
    const claims = token ? this.tokens.verifyAccess(token) : null;
    if (!claims) throw new UnauthenticatedError();
    let auth: AuthContext;
    try {
      auth = await this.contexts.resolve(claims);
    } catch (err) {
      throw refusal(err);
    }
    req.auth = auth;
    const store = RequestContext.current();
    if (store) {
      store.userId = auth.user.id;
      store.clientId = auth.user.clientId;
      store.impersonationSessionId = auth.impersonation?.sessionId;
    }
    if (auth.impersonation) {
      // Every request made with an impersonation token is audited, refused ones included.
      this.audit.track(auth.impersonation.sessionId, req, context.switchToHttp().getResponse<FastifyReply>());
    }
    return true;
  }
}
