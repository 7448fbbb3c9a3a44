import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../common/errors.js';
import { AppConfigService } from '../../config/config.service.js';
import { MainPrismaService } from '../../database/main-prisma.service.js';

/** A limit: at most `points` requests per `durationSeconds` per subject. */
export interface RateLimitRule {
  /** Stable name; the counters' key prefix. */
  name: string;
  points: number;
  durationSeconds: number;
  /** What the 429 message says is limited. */
  what: string;
}

export interface RateLimitCheck {
  rule: RateLimitRule;
  /** The subject counted (a user id, a client id, an IP, "all"). */
  key: string;
}

/** The points taken by one `consume`, for giving them back when the request turns out to change nothing. */
export interface Consumed {
  refund(): Promise<void>;
}

/** The table the counters share with every instance (main database migration `rate_limits`). */
const TABLE = 'rate_limits';

/**
 * Rate limits on rate-limiter-flexible's counters: in the main database by
 * default (one atomic upsert per check, shared by every instance), or in this
 * process (RATE_LIMIT_STORE=memory). A store that fails (the main database
 * down) falls back to in-process counters rather than refusing or waving
 * everything through.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly config: AppConfigService,
    private readonly main: MainPrismaService,
  ) {}

  /**
   * Counts one request against every check; sends `RateLimit-Limit`,
   * `RateLimit-Remaining` and `RateLimit-Reset` of the tightest one; refuses
   * with 429 RATE_LIMITED and `Retry-After` when any is used up. A refused
   * request counts only against the limits that refused it: a user past their
   * own allowance must not use up their client's, nor one address the global one.
   */
  async consume(checks: readonly RateLimitCheck[], reply?: FastifyReply): Promise<Consumed> {
    const active = checks.filter((c) => c.rule.points > 0);
    const results = await Promise.all(
      active.map(async (c) => {
        try {
          return { check: c, res: await this.limiter(c.rule).consume(c.key), refused: false };
        } catch (err) {
          if (err instanceof RateLimiterRes) return { check: c, res: err, refused: true };
          throw err;
        }
      }),
    );
    const refund = async () => {
      await Promise.all(results.filter((r) => !r.refused).map((r) => this.limiter(r.check.rule).reward(r.check.key, 1)));
    };
    if (results.length === 0) return { refund };
    const tightest = results.reduce((a, b) =>
      b.res.remainingPoints < a.res.remainingPoints ||
      (b.res.remainingPoints === a.res.remainingPoints && b.res.msBeforeNext > a.res.msBeforeNext)
        ? b
        : a,
    );
    const headers = {
      'RateLimit-Limit': String(tightest.check.rule.points),
      'RateLimit-Remaining': String(Math.max(0, tightest.res.remainingPoints)),
      'RateLimit-Reset': String(Math.max(0, Math.ceil(tightest.res.msBeforeNext / 1000))),
    };
    const refused = results.filter((r) => r.refused);
    if (refused.length > 0) {
      await refund();
      const longest = refused.reduce((a, b) => (b.res.msBeforeNext > a.res.msBeforeNext ? b : a));
      const reset = String(Math.max(1, Math.ceil(longest.res.msBeforeNext / 1000)));
      throw new RateLimitedError(longest.res.msBeforeNext / 1000, `Too many ${longest.check.rule.what}; try again later`, {
        'RateLimit-Limit': String(longest.check.rule.points),
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': reset,
      });
    }
    if (reply) void reply.headers(headers);
    return { refund };
  }

  private limiter(rule: RateLimitRule): RateLimiterAbstract {
    const id = `${rule.name}/${rule.points}/${rule.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const options = { keyPrefix: rule.name, points: rule.points, duration: rule.durationSeconds };
      limiter =
        this.config.get('RATE_LIMIT_STORE') === 'memory'
          ? new RateLimiterMemory(options)
          : new RateLimiterPostgres({
              ...options,
              storeClient: this.main.pool,
              storeType: 'pool',
              tableName: TABLE,
              tableCreated: true,
              // Once a subject has been refused, further requests in its window are refused without a query.
              inMemoryBlockOnConsumed: rule.points + 1,
              insuranceLimiter: new RateLimiterMemory(options),
            });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
