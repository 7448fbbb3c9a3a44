import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../../common/errors.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Step 3 (before capabilities): an impersonation token is read-only unless its session was started
 * with allowWrites, so support staff can look without changing anything.
 */
@Injectable()
export class ImpersonationPolicyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const imp = req.auth?.impersonation;
    if (imp && !imp.allowWrites && !READ_METHODS.has(req.method) && !isEndOwnSession(req)) {
      throw new ForbiddenError('This impersonation session is read-only', 'IMPERSONATION_READ_ONLY');
    }
    return true;
  }
}

/** Ending the impersonation itself is always allowed with its own token. */
function isEndOwnSession(req: FastifyRequest): boolean {
  const id = req.auth?.impersonation?.sessionId;
  return !!id && req.method === 'POST' && (req.originalUrl ?? req.url).split('?')[0].endsWith(`/impersonation/${id}/end`);
}
