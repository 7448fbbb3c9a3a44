import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient as TenantPrismaClient } from '../generated/prisma-client/client.js';
import type { TenantRecord } from './tenant-registry.service.js';

/**
 * A tenant's Prisma client: the plain generated client. A connection failure
 * of a tenant database surfaces as the driver's error and becomes 503
 * TENANT_DATABASE_UNAVAILABLE in the global filter (a request holding a
 * tenant lease whose error says "database unreachable" while the main
 * database answers) or in `withTenant`, not through a `$extends` query
 * wrapper: that wrapper cost every tenant query a layer of proxies and
 * closures (bench/, tenancy overhead).
 */
export type TenantPrisma = TenantPrismaClient;

/** What `withTenant(clientId, fn)` hands to `fn`: the tenant's database. */
export type TenantDb = TenantPrisma;

/**
 * A tenant's Prisma client over its pool. `errorFormat: 'minimal'`: otherwise
 * Prisma captures a stack trace (`new Error()`) on every query to point an
 * error message at the calling line, ~40 µs per query (bench/profile.js);
 * errors are mapped by their codes here, never shown as Prisma prints them.
 */
export function createTenantClient(pool: pg.Pool): TenantPrisma {
  return new TenantPrismaClient({ adapter: new PrismaPg(pool), errorFormat: 'minimal' });
}

export interface TenantPoolLimits {
  poolSize: number;
  idleMs: number;
  acquireTimeoutMs: number;
}

/**
 * A tenant pool's settings: its own role and database, a small pool whose
 * idle connections close after at most 5 s (connections are the scarce
 * resource across tenants), a bounded wait for a connection, and a statement
 * timeout. The bench's singleton client uses the same, so the tenancy
 * overhead figure compares tenancy and nothing else (bench/, tenancy).
 */
export function tenantPoolSettings(
  record: Pick<TenantRecord, 'server' | 'role' | 'password' | 'databaseName'>,
  limits: TenantPoolLimits,
): pg.PoolConfig {
  return {
    host: record.server.host,
    port: record.server.port,
    user: record.role,
    password: record.password,
    database: record.databaseName,
    max: limits.poolSize,
    idleTimeoutMillis: Math.min(limits.idleMs, 5_000),
    connectionTimeoutMillis: limits.acquireTimeoutMs,
    options: '-c statement_timeout=15000',
    application_name: 'freetimechat-tenant',
  };
}
