import { constraintViolation } from '../../common/prisma-errors.js';

/**
 * The violated constraint's SQLSTATE and name. Prisma's P2002 (through the pg
 * driver adapter) names only the columns; the constraint's name is in the
 * adapter's original message, so look there when the shared helper has none
 * (a partial unique index and a primary key can share columns).
 */
export function violatedConstraint(err: unknown): { sqlState: string; constraint?: string } | null {
  const v = constraintViolation(err);
  if (!v) return null;
  const name = findOriginalConstraint(err, 0, new Set());
  return name ? { sqlState: v.sqlState, constraint: name } : v;
}

function findOriginalConstraint(e: unknown, depth: number, seen: Set<unknown>): string | undefined {
  if (!e || typeof e !== 'object' || depth > 6 || seen.has(e)) return undefined;
  seen.add(e);
  const o = e as Record<string, unknown>;
  for (const key of ['originalMessage', 'message']) {
    const m = typeof o[key] === 'string' ? /constraint "([^"]+)"/.exec(o[key] as string) : null;
    if (m) return m[1];
  }
  for (const key of ['meta', 'driverAdapterError', 'cause']) {
    const found = findOriginalConstraint(o[key], depth + 1, seen);
    if (found) return found;
  }
  return undefined;
}
