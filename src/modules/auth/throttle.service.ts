import { Injectable, Logger } from '@nestjs/common';
import { RateLimitedError } from '../../common/errors.js';
import { ThrottleRepository } from './throttle.repository.js';
import {
  combine,
  decide,
  ScopeRules,
  ThrottleCount,
  THROTTLE_RULES,
  throttleKey,
  ThrottleRule,
  ThrottleScope,
  ThrottleSubject,
} from './throttle.policy.js';

interface Counted {
  key: string;
  rule: ThrottleRule;
  windowStart: Date;
  subject: ThrottleSubject;
}

/** One counted attempt: report how it ended. */
export class ThrottleAttempt {
  constructor(
    private readonly repo: ThrottleRepository,
    private readonly counted: Counted[],
  ) {}

  /**
   * Success: the counter of who succeeded starts over (the pair where there is
   * one, else the account); the others take this attempt back (it was no failure).
   */
  async succeeded(): Promise<void> {
    const resets: ThrottleSubject = this.counted.some((c) => c.subject === 'pair') ? 'pair' : 'account';
    for (const c of this.counted) {
      if (c.subject === resets) await this.repo.reset(c.key);
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

  /** Counts an attempt for each subject of the scope (account, IP, both); refuses with 429 when one is over its limit. */
  async attempt(scope: ThrottleScope, account: string, ip: string | undefined): Promise<ThrottleAttempt> {
    const rules: ScopeRules = THROTTLE_RULES[scope];
    const from = ip || 'unknown';
    const ids: Record<ThrottleSubject, string> = { account, ip: from, pair: `${account}|${from}` };
    const counted: Counted[] = [];
    const counts = new Map<ThrottleSubject, ThrottleCount>();
    for (const subject of ['pair', 'ip', 'account'] as const) {
      const rule = rules[subject];
      if (!rule) continue;
      const key = throttleKey(scope, subject, ids[subject]);
      const count = await this.repo.count(key, rule);
      counted.push({ subject, key, rule, windowStart: count.windowStart });
      counts.set(subject, count);
    }
    // This attempt is counted already: the pair failed before when its counter is over one.
    const pairFailedBefore = (counts.get('pair')?.failures ?? 2) > 1;
    const decisions = counted.map((c) => decide(counts.get(c.subject)!, c.rule, pairFailedBefore));
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
