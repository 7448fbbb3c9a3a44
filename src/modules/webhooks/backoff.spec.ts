import { nextAttemptAt, RETRY_WINDOW_MS } from './backoff.js';

describe('webhook retry backoff', () => {
  const created = new Date('2026-12-05T00:00:00Z');

  it('grows exponentially with jitter', () => {
    const at = (n: number, r: number) => nextAttemptAt(n, created, created, () => r)!.getTime() - created.getTime();
    expect(at(1, 0.5)).toBe(5_000);
    expect(at(2, 0.5)).toBe(15_000);
    expect(at(3, 0.5)).toBe(45_000);
    expect(at(1, 0)).toBe(4_000);
    expect(at(1, 1)).toBe(6_000);
    expect(at(30, 0.5)).toBe(6 * 3600_000);
  });

  // The contract promises retries for at least 24 h: the schedule must still be trying just before the window ends.
  it('keeps retrying for 24 hours, then gives up', () => {
    let now = created;
    let attempts = 0;
    for (;;) {
      attempts++;
      const next = nextAttemptAt(attempts, created, now, () => 0.5);
      if (!next) break;
      now = next;
    }
    expect(now.getTime() - created.getTime()).toBeGreaterThanOrEqual(RETRY_WINDOW_MS);
    expect(attempts).toBeGreaterThan(8);
    expect(attempts).toBeLessThan(30);
  });
});
