import { Injectable, Logger } from '@nestjs/common';
import { RateLimitedError } from '../../common/errors.js';
import { ThrottleRepository } from './throttle.repository.js';
import { combine, decide, THROTTLE_RULES, throttleKey, ThrottleRule, ThrottleScope } from './throttle.policy.js';

interface Counted {
  key: string;
  rule: ThrottleRule;
  windowStart: Date;
  subject: 'account' | 'ip';
}

/** One counted attempt: report how it ended. */
export class ThrottleAttempt {
  constructor(
    private readonly repo: ThrottleRepository,
    private readonly counted: Counted[],
  ) {}

  /** Success: the account's counter starts over; the IP's takes this attempt back (it was no failure). */
  async succeeded(): Promise<void> {
    for (const c of this.counted) {
      if (c.subject === 'account') await this.repo.reset(c.key);
      else await this.repo.uncount(c.key, c.windowStart, c.rule);
    }
  }

  /** A failure stays counted (it was counted up front). */
  failed(): void {
    /* counted already */
  }
}

/**
 * Throttles credential guessing per account and per client IP (429
 * RATE_LIMITED with Retry-After). Each attempt is counted *before* the
 * credentials are checked, so a burst of concurrent guesses cannot slip past
 * the limit; success takes the count back.
 */
@Injectable()
export class ThrottleService {
  private readonly logger = new Logger(ThrottleService.name);

  constructor(private readonly repo: ThrottleRepository) {}

  /** Counts an attempt for the account and the IP; refuses with 429 when either is over its limit. */
  async attempt(scope: ThrottleScope, account: string, ip: string | undefined): Promise<ThrottleAttempt> {
    const rules = THROTTLE_RULES[scope];
    const keys = [
      { subject: 'account' as const, key: throttleKey(scope, 'account', account), rule: rules.account },
      { subject: 'ip' as const, key: throttleKey(scope, 'ip', ip || 'unknown'), rule: rules.ip },
    ];
    const counted: Counted[] = [];
    const decisions = [];
    for (const k of keys) {
      const count = await this.repo.count(k.key, k.rule);
      counted.push({ ...k, windowStart: count.windowStart });
      decisions.push(decide(count, k.rule));
    }
    const decision = combine(decisions);
    if (!decision.allowed) {
      // A refused attempt checks nothing, so it is not a failure either.
      for (const c of counted) await this.repo.uncount(c.key, c.windowStart, c.rule);
      throw new RateLimitedError(decision.retryAfterSeconds);
    }
    if (Math.random() < 0.01)
      this.repo.prune(24 * 3600).catch((err: unknown) => this.logger.warn(`prune failed: ${(err as Error).message}`));
    return new ThrottleAttempt(this.repo, counted);
  }
}
