import { QuotaExceededError } from '../common/errors.js';

/** What a quota check needs of a transaction (tenant or main Prisma client). */
export interface QuotaTransaction {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

/**
 * Inside the transaction that creates a `resource`: takes the quota's lock
 * (held to commit) and refuses with 409 QUOTA_EXCEEDED when `count()` already
 * reaches `limit`. Concurrent creations take turns, so they cannot pass the
 * quota together. `scope` narrows the lock (e.g. one conversation, one client).
 */
export async function assertUnderQuota(
  tx: QuotaTransaction,
  resource: string,
  limit: number,
  count: () => Promise<number>,
  scope = '',
): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`quota:${resource}:${scope}`}))`;
  if ((await count()) >= limit) throw new QuotaExceededError(resource, limit);
}
