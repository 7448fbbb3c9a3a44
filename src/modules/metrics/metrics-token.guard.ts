import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, UnauthenticatedError } from '../../common/errors.js';
import { AppConfigService } from '../../config/config.service.js';
import { bearerToken } from '../auth/index.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * /metrics tells request and sign-up counts by status and tenant pool figures: only a scraper holding
 * METRICS_TOKEN may read it. Without a token configured it is open in development and tests, and
 * absent (404) in production, where an open one would be a leak.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;
  private readonly production: boolean;

  constructor(config: AppConfigService) {
    const token = config.get('METRICS_TOKEN');
    this.expected = token ? digest(token) : null;
    this.production = config.get('NODE_ENV') === 'production';
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      if (this.production) throw new DomainError(404, 'NOT_FOUND', 'Route not found');
      return true;
    }
    const presented = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    // Digests of equal length: the comparison takes the same time whatever was presented.
    if (!presented || !timingSafeEqual(digest(presented), this.expected))
      throw new UnauthenticatedError('A valid metrics token is required');
    return true;
  }
}
