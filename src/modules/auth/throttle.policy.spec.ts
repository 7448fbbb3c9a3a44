import { combine, decide, THROTTLE_RULES, throttleKey } from './throttle.policy.js';

const rule = { limit: 5, windowSeconds: 900 };
const start = new Date('2026-01-01T10:00:00Z');
const at = (sec: number) => new Date(start.getTime() + sec * 1000);

describe('throttle policy', () => {
  it('pins the thresholds: sign-in 5 per account and IP, 20 per IP, 20 per account (soft); 2FA 5 per account, 20 per IP; in 15 minutes', () => {
    expect(THROTTLE_RULES.login).toEqual({
      pair: { limit: 5, windowSeconds: 900 },
      ip: { limit: 20, windowSeconds: 900 },
      account: { limit: 20, windowSeconds: 900, soft: true },
    });
    expect(THROTTLE_RULES['2fa']).toEqual({ account: { limit: 5, windowSeconds: 900 }, ip: { limit: 20, windowSeconds: 900 } });
  });

  // Failing on purpose from elsewhere must never lock the owner out.
  it('past a soft limit, refuses only a caller whose account-and-IP pair failed before', () => {
    const soft = { limit: 20, windowSeconds: 900, soft: true };
    expect(decide({ failures: 30, windowStart: start, now: at(60) }, soft, false)).toEqual({ allowed: true });
    expect(decide({ failures: 30, windowStart: start, now: at(60) }, soft, true)).toEqual({ allowed: false, retryAfterSeconds: 840 });
    expect(decide({ failures: 30, windowStart: start, now: at(60) }, rule, false)).toEqual({ allowed: false, retryAfterSeconds: 840 });
  });

  it('allows attempts up to the limit, this attempt included', () => {
    for (let failures = 1; failures <= 5; failures++) {
      expect(decide({ failures, windowStart: start, now: at(60) }, rule)).toEqual({ allowed: true });
    }
  });

  it('refuses the attempt after the limit until the window ends (Retry-After in whole seconds)', () => {
    expect(decide({ failures: 6, windowStart: start, now: at(60) }, rule)).toEqual({ allowed: false, retryAfterSeconds: 840 });
    expect(decide({ failures: 6, windowStart: start, now: at(899.2) }, rule)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  // Retry-After: 0 would invite an immediate retry storm; never less than 1.
  it('never suggests retrying after less than one second', () => {
    expect(decide({ failures: 9, windowStart: start, now: at(901) }, rule)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('combines account and IP decisions into the longest refusal', () => {
    expect(combine([{ allowed: true }, { allowed: true }])).toEqual({ allowed: true });
    expect(combine([{ allowed: true }, { allowed: false, retryAfterSeconds: 30 }])).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(
      combine([
        { allowed: false, retryAfterSeconds: 30 },
        { allowed: false, retryAfterSeconds: 300 },
      ]),
    ).toEqual({ allowed: false, retryAfterSeconds: 300 });
  });

  it('keys are per scope and subject, case-insensitive', () => {
    expect(throttleKey('login', 'account', 'Ada@Example.com')).toBe('login:account:ada@example.com');
    expect(throttleKey('2fa', 'ip', '10.0.0.1')).toBe('2fa:ip:10.0.0.1');
    expect(throttleKey('login', 'ip', '10.0.0.1')).not.toBe(throttleKey('2fa', 'ip', '10.0.0.1'));
  });
});
