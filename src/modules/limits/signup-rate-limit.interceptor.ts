import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, Observable, switchMap } from 'rxjs';
import { AppConfigService } from '../../config/config.service.js';
import { RateLimitRule, RateLimitService } from './rate-limit.service.js';

/**
 * Every signup creates a database and a role (~12 MB): at most SIGNUP_IP_LIMIT
 * per client IP and SIGNUP_GLOBAL_LIMIT in all per hour, so nobody can fill the
 * disk. The points are taken before the work (concurrent signups cannot slip
 * past) and given back when the signup fails (a typo costs nothing).
 */
@Injectable()
export class SignupRateLimitInterceptor implements NestInterceptor {
  private readonly perIp: RateLimitRule;
  private readonly total: RateLimitRule;

  constructor(
    config: AppConfigService,
    private readonly limits: RateLimitService,
  ) {
    this.perIp = { name: 'signup-ip', points: config.get('SIGNUP_IP_LIMIT'), durationSeconds: 3600, what: 'signups from this address' };
    this.total = { name: 'signup-all', points: config.get('SIGNUP_GLOBAL_LIMIT'), durationSeconds: 3600, what: 'signups' };
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const checks = [
      { rule: this.perIp, key: req.ip },
      { rule: this.total, key: 'all' },
    ];
    return from(this.limits.consume(checks, reply)).pipe(
      switchMap((consumed) =>
        next.handle().pipe(
          catchError(async (err: unknown) => {
            await consumed.refund();
            throw err;
          }),
        ),
      ),
    );
  }
}
