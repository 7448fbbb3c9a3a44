import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { AppConfigService } from '../../config/config.service.js';
import { RateLimitRule, RateLimitService } from './rate-limit.service.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes (non-GET requests) of a signed-in caller count against the user's
 * allowance (WRITE_RATE_LIMIT per minute) and the client's (CLIENT_WRITE_RATE_LIMIT
 * per minute, all its users together), so no user or tenant can flood the
 * service or the database for the others. Runs after the guards: only
 * authenticated, authorized requests count, each once.
 */
@Injectable()
export class WriteRateLimitInterceptor implements NestInterceptor {
  private readonly perUser: RateLimitRule;
  private readonly perClient: RateLimitRule;

  constructor(
    config: AppConfigService,
    private readonly limits: RateLimitService,
  ) {
    this.perUser = { name: 'writes-user', points: config.get('WRITE_RATE_LIMIT'), durationSeconds: 60, what: 'writes by this user' };
    this.perClient = {
      name: 'writes-client',
      points: config.get('CLIENT_WRITE_RATE_LIMIT'),
      durationSeconds: 60,
      what: 'writes in this client',
    };
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const auth = req.auth;
    if (!auth || READ_METHODS.has(req.method)) return next.handle();
    const checks = [{ rule: this.perUser, key: auth.user.id }];
    if (auth.user.clientId) checks.push({ rule: this.perClient, key: auth.user.clientId });
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return from(this.limits.consume(checks, reply)).pipe(switchMap(() => next.handle()));
  }
}
