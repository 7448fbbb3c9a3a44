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
}

export type ThrottleScope = 'login' | '2fa' | 'password';
export type ThrottleSubject = 'account' | 'ip';

/** Thresholds: guessing a password or a 6-digit code must stay hopeless, while a person who mistypes a few times is not locked out for long. */
export const THROTTLE_RULES: Record<ThrottleScope, Record<ThrottleSubject, ThrottleRule>> = {
  login: { account: { limit: 5, windowSeconds: 15 * 60 }, ip: { limit: 20, windowSeconds: 15 * 60 } },
  '2fa': { account: { limit: 5, windowSeconds: 15 * 60 }, ip: { limit: 20, windowSeconds: 15 * 60 } },
  password: { account: { limit: 5, windowSeconds: 15 * 60 }, ip: { limit: 20, windowSeconds: 15 * 60 } },
};

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
 * failures, exactly `k` go through.
 */
export function decide(count: ThrottleCount, rule: ThrottleRule): ThrottleDecision {
  if (count.failures <= rule.limit) return { allowed: true };
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
