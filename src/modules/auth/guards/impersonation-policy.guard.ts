import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../../common/errors.js';
import { ALLOW_OWN_IMPERSONATION_SESSION } from '../auth.constants.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Step 3 (before capabilities): an impersonation token is read-only unless its session was started
 * with allowWrites, so support staff can look without changing anything. The only write it may make
 * is one its route allows by metadata (ending its own session), judged on the matched route's
 * parameters, never on the URL text.
 */
@Injectable()
export class ImpersonationPolicyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const imp = req.auth?.impersonation;
    if (imp && !imp.allowWrites && !READ_METHODS.has(req.method) && !this.isOwnSessionRoute(context, req, imp.sessionId)) {
      throw new ForbiddenError('This impersonation session is read-only', 'IMPERSONATION_READ_ONLY');
    }
    return true;
  }

  private isOwnSessionRoute(context: ExecutionContext, req: FastifyRequest, sessionId: string): boolean {
    const param = this.reflector.get<string | undefined>(ALLOW_OWN_IMPERSONATION_SESSION, context.getHandler());
    if (!param) return false;
    const params = req.params as Record<string, string | undefined> | undefined;
    return params?.[param] === sessionId;
  }
}
