/**
 * Login / 2FA throttling policy (pure; the counting happens atomically in
 * the main database, see ThrottleService). Failures are counted per key in a
 * fixed window; once a key has `limit` failures in its window, further
 * attempts are refused until the window ends.
 */
export interface ThrottleRule {
  /** Failures allowed per window; the next attempt is refused. */
  limit: number;
  windowSeconds: number;
  /**
   * A soft limit refuses only callers who already failed on this account from
   * the same IP in its window: a fresh IP still has its password checked, so
   * failures from elsewhere never lock the owner out.
   */
  soft?: boolean;
}

export type ThrottleScope = 'login' | '2fa' | 'password';
/** `pair` is one account from one IP. */
export type ThrottleSubject = 'account' | 'ip' | 'pair';

/**
 * Thresholds: guessing a password or a 6-digit code must stay hopeless, while a
 * person who mistypes a few times is not locked out for long, and nobody can
 * lock another person out by failing on purpose. Sign-in counts failures per
 * (account, IP) and per IP (hard), and per account (soft: past it, every IP
 * gets one guess per window, and the owner's correct password from a fresh IP
 * still works). 2FA codes and password changes need the password or a session
 * already, so their per-account limit is hard.
 */
export const THROTTLE_RULES = {
  login: {
    pair: { limit: 5, windowSeconds: 15 * 60 },
    ip: { limit: 20, windowSeconds: 15 * 60 },
    account: { limit: 20, windowSeconds: 15 * 60, soft: true },
  },
  '2fa': { account: { limit: 5, windowSeconds: 15 * 60 }, ip: { limit: 20, windowSeconds: 15 * 60 } },
  password: { account: { limit: 5, windowSeconds: 15 * 60 }, ip: { limit: 20, windowSeconds: 15 * 60 } },
} satisfies Record<ThrottleScope, ScopeRules>;

export type ScopeRules = Partial<Record<ThrottleSubject, ThrottleRule>>;

export function throttleKey(scope: ThrottleScope, subject: ThrottleSubject, id: string): string {
  return `${scope}:${subject}:${id.toLowerCase()}`;
}

/** A key's counter right after this attempt was counted (the attempt itself included). */
export interface ThrottleCount {
  failures: number;
  windowStart: Date;
  now: Date;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * The attempt is allowed while the counter (this attempt included) stays
 * within the limit: of N concurrent attempts on a key with `limit - k`
 * failures, exactly `k` go through. Past a soft limit, only a caller whose
 * (account, IP) pair has not failed before in its window goes through.
 */
export function decide(count: ThrottleCount, rule: ThrottleRule, pairFailedBefore = true): ThrottleDecision {
  if (count.failures <= rule.limit) return { allowed: true };
  if (rule.soft && !pairFailedBefore) return { allowed: true };
  const windowEnd = count.windowStart.getTime() + rule.windowSeconds * 1000;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - count.now.getTime()) / 1000)) };
}

/** Of several keys' decisions, the refusal that lasts longest (or allowed). */
export function combine(decisions: readonly ThrottleDecision[]): ThrottleDecision {
  let worst: ThrottleDecision = { allowed: true };
  for (const d of decisions) {
    if (!d.allowed && (worst.allowed || d.retryAfterSeconds > worst.retryAfterSeconds)) worst = d;
  }
  return worst;
}
