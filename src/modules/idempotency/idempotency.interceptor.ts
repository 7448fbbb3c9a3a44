import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, concatMap, from, Observable, of, switchMap, throwError } from 'rxjs';
import { AllExceptionsFilter } from '../../common/http-exception.filter.js';
import { IdempotencyService } from './idempotency.service.js';

/** Sent on a replayed answer (as Stripe does), so a client can tell a replay from a first run. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * `Idempotency-Key` on a POST of a signed-in caller (after the guards, so
 * per user): the first request runs and its answer is kept; repeats get it
 * back. Kept: every answer below 500 except those that acted on nothing and
 * can be corrected (400 VALIDATION_FAILED, 429 RATE_LIMITED); those, 5xx and
 * a dropped connection give the key back for a retry. Anonymous POSTs
 * (signup, login, refresh, 2FA verify) ignore the header: their answers are
 * fresh credentials, and without a user there is no one to scope the key to.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  /** Renders an error as the global filter does, to keep the body of a refused first request. */
  private readonly errors = new AllExceptionsFilter();

  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers['idempotency-key'];
    const userId = req.auth?.user.id;
    if (req.method !== 'POST' || header === undefined || !userId) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = this.idempotency.parseKey(header);
    const requestHash = this.idempotency.requestHash(req.method, req.url, req.body);
    return from(this.idempotency.claim(userId, key, requestHash)).pipe(
      switchMap((claim) => {
        if (claim.kind === 'replay') {
          void reply.status(claim.status).header(REPLAYED_HEADER, 'true');
          return of(claim.body);
        }
        return next.handle().pipe(
          concatMap(async (value: unknown) => {
            try {
              await this.idempotency.complete(userId, claim, reply.statusCode, value);
            } catch (err) {
              this.logger.warn(`Keeping an idempotent answer failed: ${(err as Error).message}`);
              await this.idempotency.release(userId, claim);
            }
            return value;
          }),
          catchError((err: unknown) => {
            const { body } = this.errors.toBody(err, req.id);
            const kept = body.statusCode < 500 && body.code !== 'VALIDATION_FAILED' && body.code !== 'RATE_LIMITED';
            const settle = kept ? this.idempotency.complete(userId, claim, body.statusCode, body) : this.idempotency.release(userId, claim);
            return from(settle.catch(() => this.idempotency.release(userId, claim))).pipe(switchMap(() => throwError(() => err)));
          }),
        );
      }),
    );
  }
}
