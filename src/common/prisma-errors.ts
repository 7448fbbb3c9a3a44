import { DomainError } from './errors.js';

/** Error codes from node-postgres / Prisma that mean "the database is not reachable". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '3D000', // database does not exist
  '53300', // too_many_connections
  '28000', // invalid_authorization_specification: the role may not log in (NOLOGIN, pg_hba)
  '28P01', // invalid_password: the role's credentials no longer work
  '08000',
  '08001',
  '08003',
  '08006',
  'P1001',
  'P1003', // database does not exist (a tenant database dropped behind the service)
  'P1002',
  'P1017',
  'P2024',
]);

function codesOf(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 5) return [];
  const e = err as {
    code?: unknown;
    originalCode?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown; code?: unknown };
    message?: unknown;
  };
  const codes: string[] = [];
  if (typeof e.code === 'string') codes.push(e.code);
  // The pg driver adapter keeps PostgreSQL's SQLSTATE as `originalCode` (e.g. 3D000 under Prisma's P1003).
  if (typeof e.originalCode === 'string') codes.push(e.originalCode);
  if (e.meta && typeof e.meta.code === 'string') codes.push(e.meta.code);
  codes.push(...codesOf(e.cause, depth + 1));
  if (e.meta?.driverAdapterError) codes.push(...codesOf(e.meta.driverAdapterError, depth + 1));
  const msg = typeof e.message === 'string' ? e.message : '';
  if (
    /Connection terminated|connect ECONNREFUSED|Can't reach database|timeout exceeded when trying to connect|DatabaseNotReachable|terminating connection/i.test(
      msg,
    ) ||
    // Refused at login: ALLOW_CONNECTIONS false (55000) or CONNECT revoked (42501); both codes mean other things in a query.
    /is not currently accepting connections|permission denied for database/i.test(msg)
  ) {
    codes.push('ECONNREFUSED');
  }
  return codes;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return codesOf(err).some((c) => CONNECTION_CODES.has(c));
}

/**
 * Postgres SQLSTATE of a constraint violation, and the constraint's name, when known.
 * Prisma's P2002 through the pg driver adapter names only the columns; the
 * constraint's name is in the adapter's original message, so that wins.
 */
export function constraintViolation(err: unknown): { sqlState: string; constraint?: string } | null {
  const v = findViolation(err);
  if (!v) return null;
  const name = findOriginalConstraint(err, 0, new Set());
  return name ? { sqlState: v.sqlState, constraint: name } : v;
}

function findOriginalConstraint(e: unknown, depth: number, seen: Set<unknown>): string | undefined {
  if (!e || typeof e !== 'object' || depth > 6 || seen.has(e)) return undefined;
  seen.add(e);
  const o = e as Record<string, unknown>;
  if (typeof o.constraint === 'string') return o.constraint;
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

function findViolation(err: unknown): { sqlState: string; constraint?: string } | null {
  const seen = new Set<unknown>();
  const walk = (e: unknown, depth: number): { sqlState: string; constraint?: string } | null => {
    if (!e || typeof e !== 'object' || depth > 6 || seen.has(e)) return null;
    seen.add(e);
    const o = e as Record<string, unknown>;
    const code = typeof o.code === 'string' ? o.code : undefined;
    const original = (o.originalCode ?? o.code) as string | undefined;
    if (original && /^23[0-9A-Z]{3}$/.test(original)) {
      return {
        sqlState: original,
        constraint: (o.constraint as string) ?? extractConstraint(String(o.originalMessage ?? o.message ?? '')),
      };
    }
    if (code === 'P2002') return { sqlState: '23505', constraint: extractConstraint(String(o.message ?? '')) ?? targetOf(o) };
    if (code === 'P2003') return { sqlState: '23503', constraint: extractConstraint(String(o.message ?? '')) };
    for (const key of ['cause', 'meta', 'driverAdapterError']) {
      const found = walk(o[key], depth + 1);
      if (found) return found;
    }
    const msg = String(o.message ?? '');
    if (/violates exclusion constraint/.test(msg)) return { sqlState: '23P01', constraint: extractConstraint(msg) };
    if (/violates unique constraint|duplicate key/.test(msg)) return { sqlState: '23505', constraint: extractConstraint(msg) };
    if (/violates check constraint/.test(msg)) return { sqlState: '23514', constraint: extractConstraint(msg) };
    if (/violates foreign key constraint/.test(msg)) return { sqlState: '23503', constraint: extractConstraint(msg) };
    return null;
  };
  return walk(err, 0);
}

function extractConstraint(message: string): string | undefined {
  return /constraint "([^"]+)"/.exec(message)?.[1];
}

function targetOf(o: Record<string, unknown>): string | undefined {
  const meta = o.meta as { target?: unknown } | undefined;
  return Array.isArray(meta?.target) ? meta.target.join(',') : typeof meta?.target === 'string' ? meta.target : undefined;
}

/** Fallback mapping for database errors that escaped a repository. */
export function mapPrismaError(err: unknown): DomainError | null {
  if (isDatabaseUnavailable(err)) return null;
  const v = constraintViolation(err);
  if (v?.sqlState === '23505' || v?.sqlState === '23P01')
    return new DomainError(409, 'CONFLICT', 'The request conflicts with existing data');
  // A referenced row deleted by a concurrent request (e.g. a role removed while being assigned).
  if (v?.sqlState === '23503') return new DomainError(409, 'CONFLICT', 'A referenced resource no longer exists');
  // Two concurrent writers deadlocked or lost a serialization race: the loser may simply retry.
  if (codesOf(err).some((c) => c === '40P01' || c === '40001')) {
    return new DomainError(409, 'CONFLICT', 'The resource was changed by a concurrent request; retry');
  }
  const code = (err as { code?: unknown })?.code;
  if (code === 'P2025') return new DomainError(404, 'NOT_FOUND', 'Resource not found');
  if (code === '22P02' || code === '22007' || code === '22008' || code === '22003') {
    return new DomainError(400, 'VALIDATION_FAILED', 'Invalid value');
  }
  // Text PostgreSQL cannot store (NUL, unpaired surrogates) that got past validation: the caller's input, not a 500.
  if (
    codesOf(err).some((c) => c === '22021' || c === '22P05') ||
    /lone (leading|trailing) surrogate/.test(String((err as { message?: unknown })?.message ?? ''))
  ) {
    return new DomainError(400, 'VALIDATION_FAILED', 'Text contains characters that cannot be stored');
  }
  return null;
}
