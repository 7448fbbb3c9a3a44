import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { bool, int } from './transforms.js';
import { ServerEnv } from './server.env.js';

/** Main and tenant databases: servers, pools, caches, the embedded PostgreSQL. */
export class DatabaseEnv extends ServerEnv {
  /** Main database. When absent, an embedded PostgreSQL is started under .data/. */
  @IsOptional()
  @IsUrl(
    { protocols: ['postgres', 'postgresql'], require_protocol: true, require_tld: false, require_port: false },
    { message: 'DATABASE_URL must be a postgresql:// URL' },
  )
  DATABASE_URL?: string;

  /** Comma-separated `name=postgresql://…` (or bare URLs) servers for tenant databases. */
  @IsOptional()
  @IsString()
  TENANT_DATABASE_SERVERS?: string;

  @IsOptional()
  @bool()
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  /**
   * How PostgreSQL copies the template into a new tenant database (`CREATE DATABASE … STRATEGY`). Unset: the
   * server's default (`wal_log` since PostgreSQL 15), which writes the copy into the WAL and leaves checkpoints
   * alone. `file_copy` copies the files, at ~60 % of the CPU for a new tenant and its later drop, but runs two
   * checkpoints per new tenant: for servers where a checkpoint is cheap (few dirty buffers, or fsync off).
   */
  @IsOptional()
  @IsIn(['wal_log', 'file_copy'])
  TENANT_CLONE_STRATEGY?: 'wal_log' | 'file_copy';

  /** Tenancy limits: most tenant Prisma clients kept open at once (LRU). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  TENANT_MAX_CLIENTS = 500;

  /** Connections per tenant pool. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  @Max(50)
  TENANT_POOL_SIZE = 4;

  /** Most tenant database connections this instance holds at once, all tenants together. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  TENANT_CONNECTION_BUDGET = 40;

  /** A tenant client unused this long (ms) is closed. Its connections close after 5 s idle on their own; an idle client costs only memory (~0.2–0.4 MiB), re-creating one ~12 ms of CPU. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(100)
  TENANT_IDLE_MS = 600000;

  /** How long a request waits for a tenant connection before 503 (ms). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(10)
  TENANT_ACQUIRE_TIMEOUT_MS = 5000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  @Max(100)
  MAIN_POOL_SIZE = 10;

  /** Prisma query plans kept, all clients together (~6 kB each; src/patches/prisma-plan-cache.ts); 0 compiles every query anew. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  @Max(1000000)
  PRISMA_PLAN_CACHE_SIZE = 2000;

  /** Port of the embedded PostgreSQL (used only without DATABASE_URL). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @IsOptional()
  @IsString()
  DATA_DIR = '.data';
}
