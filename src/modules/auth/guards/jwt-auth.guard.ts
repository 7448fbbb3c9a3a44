import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import passport from 'passport';
import { DomainError, ForbiddenError, ServiceUnavailableError, UnauthenticatedError } from '../../../common/errors.js';
import { isDatabaseUnavailable } from '../../../common/prisma-errors.js';
import { RequestContext } from '../../../common/request-context.js';
import type { AuthContext } from '../auth-context.js';
import { ImpersonationAuditService } from '../impersonation-audit.service.js';
import { NOT_WITH_ACCESS_TOKEN } from '../auth.constants.js';
import { JwtStrategy } from '../strategies/jwt.strategy.js';

/** What a failure to resolve the caller is answered with. */
function refusal(err: unknown): Error {
  if (err instanceof DomainError) return err; // e.g. 403 CLIENT_SUSPENDED, 401 with its own message
  // The main database being down is not the caller's fault: 503, not 401 (clients would drop their tokens).
  if (isDatabaseUnavailable(err)) return new ServiceUnavailableError();
  return new UnauthenticatedError();
}

/**
 * Step 1 of every protected route: a valid, live access token, checked by
 * this application's JwtStrategy (passport-jwt) and put on `req.auth`. A missing, malformed,
 * forged or expired token is 401 UNAUTHENTICATED; what the strategy's
 * validation throws passes through (403 CLIENT_SUSPENDED, 401 with its own
 * message), except an unreachable main database, which is 503. A personal
 * access token on a route marked `@NotWithAccessToken()` is 403 FORBIDDEN.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly strategy: JwtStrategy,
    private readonly audit: ImpersonationAuditService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const res = http.getResponse<FastifyReply>();
    const auth = await this.authenticate(req, res);
    req.auth = auth;
    const store = RequestContext.current();
    if (store) {
      store.userId = auth.user.id;
      store.clientId = auth.user.clientId;
      store.impersonationSessionId = auth.impersonation?.sessionId;
    }
    if (auth.impersonation) {
      // Every request made with an impersonation token is audited, refused ones included.
      this.audit.track(auth.impersonation.sessionId, req, res);
    }
    if (auth.accessToken && this.reflector.getAllAndOverride<boolean>(NOT_WITH_ACCESS_TOKEN, [context.getHandler(), context.getClass()])) {
      throw new ForbiddenError('Not available with a personal access token');
    }
    return true;
  }

  /**
   * Runs this application's own strategy, not the one passport's process-global registry holds under 'jwt' (the
   * newest application's, when a process runs several): its keys and databases are the ones this guard's routes
   * belong to. Passport attaches a request's outcome (success, fail, error) to the strategy object it runs, so
   * each request runs on an object of its own whose prototype is the strategy.
   */
  private authenticate(req: FastifyRequest, res: FastifyReply): Promise<AuthContext> {
    return new Promise((resolve, reject) => {
      const outcome = (err: unknown, user?: AuthContext | false) => (err || !user ? reject(refusal(err)) : resolve(user));
      passport.authenticate(Object.create(this.strategy) as JwtStrategy, { session: false }, outcome)(req, res, outcome);
    });
  }
}
