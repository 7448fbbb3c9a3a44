/** Retries go on for at least this long after a delivery is created (contract: at least 24 h). */
export const RETRY_WINDOW_MS = 24 * 3600_000;
/** An endpoint whose attempts have failed without a success for this long is deactivated (contract: 3 days). */
export const DISABLE_AFTER_MS = 3 * 24 * 3600_000;

const FIRST_DELAY_MS = 5_000;
const MAX_DELAY_MS = 6 * 3600_000;

/**
 * When to try again after the `attempts`-th failed attempt (1-based):
 * exponential (5 s, 15 s, 45 s, … ×3, at most 6 h) with ±20 % jitter, so
 * endpoints that fail together do not come back in step. Null once the
 * retry window has passed: the failure at or after 24 h is the last one, so
 * every delivery is tried for at least 24 h.
 */
export function nextAttemptAt(attempts: number, createdAt: Date, now: Date, random: () => number = Math.random): Date | null {
  if (now.getTime() - createdAt.getTime() >= RETRY_WINDOW_MS) return null;
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 3 ** Math.max(0, attempts - 1));
  const jitter = 0.8 + 0.4 * random();
  return new Date(now.getTime() + Math.round(base * jitter));
}
