import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ServiceUnavailableError, UnauthenticatedError } from '../../../common/errors.js';
import { isDatabaseUnavailable } from '../../../common/prisma-errors.js';
import { RequestContext } from '../../../common/request-context.js';
import type { AuthContext } from '../auth-context.js';
import { ImpersonationAuditService } from '../impersonation-audit.service.js';

/**
 * Step 1 of every protected route: a valid, live access token. Any failure
 * is 401 UNAUTHENTICATED (a suspended client is 403 CLIENT_SUSPENDED).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly audit: ImpersonationAuditService) {
    super();
  }

  override handleRequest<T = AuthContext>(err: unknown, user: T | false, _info: unknown, context: ExecutionContext): T {
    if (err instanceof DomainError) throw err;
    // The main database being down is not the caller's fault: 503, not 401 (clients would drop their tokens).
    if (err && isDatabaseUnavailable(err)) throw new ServiceUnavailableError();
    if (err || !user) throw new UnauthenticatedError();
    const auth = user as unknown as AuthContext;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    req.auth = auth;
    const store = RequestContext.current();
    if (store) {
      store.userId = auth.user.id;
      store.clientId = auth.user.clientId;
      store.impersonationSessionId = auth.impersonation?.sessionId;
    }
    if (auth.impersonation) {
      // Every request made with an impersonation token is audited, refused ones included.
      const res = context.switchToHttp().getResponse<FastifyReply>();
      const sessionId = auth.impersonation.sessionId;
      const method = req.method;
      const path = (req.originalUrl ?? req.url).split('?')[0];
      res.raw.once('finish', () => this.audit.record(sessionId, method, path, res.raw.statusCode));
    }
    return user as T;
  }
}
