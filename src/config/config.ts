import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { secretProblems } from './secrets.js';

const bool = () =>
  Transform(({ value }) => {
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'boolean') return value;
    const v = String(value).toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return value; // left as a string so @IsBoolean reports it
  });
const TRUST_PROXY_ENTRY = String.raw`(?:loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(?:/\d{1,3})?)`;
const TRUST_PROXY_PATTERN = new RegExp(`^\\s*${TRUST_PROXY_ENTRY}\\s*(?:,\\s*${TRUST_PROXY_ENTRY}\\s*)*$`);

const int = () =>
  Transform(({ value }) => (value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value));

/**
 * The environment, validated at boot. A bad value stops start-up with a
 * message naming the variable; see README "Configuration".
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

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
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Key for secrets at rest (TOTP secrets, tenant database passwords); derived from JWT_SECRET when absent. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'ENCRYPTION_KEY must be at least 32 characters' })
  ENCRYPTION_KEY?: string;

  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  /**
   * Adds `upgrade-insecure-requests` to the Content-Security-Policy. Only for a
   * service reached over HTTPS (directly or behind a TLS proxy): over plain HTTP
   * the browser would fetch /docs's scripts and styles over https and show a
   * blank page.
   */
  @IsOptional()
  @bool()
  @IsBoolean()
  CSP_UPGRADE_INSECURE_REQUESTS = false;

  @IsOptional()
  @IsString()
  PLATFORM_ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'PLATFORM_ADMIN_PASSWORD must be at least 10 characters' })
  PLATFORM_ADMIN_PASSWORD?: string;

  @IsOptional()
  @bool()
  @IsBoolean()
  SIGNUP_ENABLED = true;

  @IsOptional()
  @bool()
  @IsBoolean()
  DB_MIGRATE_ON_START = true;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * How far V8 lets the heap grow past the live data before a full collection,
   * in percent (V8's --heap-growing-percent; 0 = V8's own choice, which goes up
   * to 300 under sustained load, so the resident size keeps creeping up for
   * many minutes). Applied by main.ts at start.
   */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  @Max(300)
  HEAP_GROWING_PERCENT = 100;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  LLM_BASE_URL?: string;

  @IsOptional()
  @IsString()
  LLM_API_KEY?: string;

  @IsOptional()
  @IsString()
  LLM_MODEL?: string;

  @IsOptional()
  @int()
  @IsInt()
  @Min(100)
  @Max(60000)
  LLM_TIMEOUT_MS = 8000;

  /** Access token lifetime in seconds. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(30)
  ACCESS_TOKEN_TTL = 900;

  /** Refresh token lifetime in seconds. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(60)
  REFRESH_TOKEN_TTL = 30 * 24 * 3600;

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

  /** Prisma query plans kept, all clients together (~6 kB each; src/database/prisma-plan-cache.ts); 0 compiles every query anew. */
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

  /**
   * Proxies whose X-Forwarded-For names the client: comma-separated addresses
   * or CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`. Unset: the
   * socket's address is the client's, whatever the request says.
   */
  @IsOptional()
  @Matches(TRUST_PROXY_PATTERN, {
    message: 'TRUST_PROXY must list IP addresses, CIDR ranges or loopback/linklocal/uniquelocal, comma-separated',
  })
  TRUST_PROXY?: string;

  /** Signups per client IP per hour (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  SIGNUP_IP_LIMIT = 5;

  /** Signups per hour from all addresses together (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  SIGNUP_GLOBAL_LIMIT = 100;

  /** Writes (non-GET requests) per user per minute (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  WRITE_RATE_LIMIT = 300;

  /** Writes (non-GET requests) per client per minute, all its users together (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  CLIENT_WRITE_RATE_LIMIT = 3000;

  /** Where rate-limit counters live: `postgres` (the main database, shared by every instance) or `memory` (this instance only). */
  @IsOptional()
  @IsIn(['postgres', 'memory'])
  RATE_LIMIT_STORE: 'postgres' | 'memory' = 'postgres';

  /** Quotas per client (409 QUOTA_EXCEEDED past them). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_PROJECTS = 1000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_TASKS = 10000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_USERS = 1000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_CONVERSATIONS = 1000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_MESSAGES_PER_CONVERSATION = 1000;

  /** A connection that has not sent complete headers within this many ms is closed. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1000)
  HEADERS_TIMEOUT_MS = 30000;

  /** A connection that has not sent a complete request within this many ms is closed. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1000)
  REQUEST_TIMEOUT_MS = 60000;

  /**
   * An idle keep-alive connection is closed after this many ms. Longer than the
   * idle timeout of the load balancers in front (60 s is common), so the
   * service never closes a connection a balancer is about to reuse.
   */
  @IsOptional()
  @int()
  @IsInt()
  @Min(100)
  KEEP_ALIVE_TIMEOUT_MS = 72000;

  /** Most open connections at once; further ones are closed at once (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  MAX_CONNECTIONS = 10000;

  /** Bearer token that GET /metrics requires; without it /metrics is open, except in production, where it answers 404. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** Where tenant backup archives are written (created when missing); relative paths are from the working directory. */
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'BACKUP_DIR must not be empty' })
  BACKUP_DIR = '.data/backups';

  /** Days a backup archive is kept (manual ones and the final backup of a deleted client); expired ones are deleted by a daily job. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  @Max(3650)
  BACKUP_RETENTION_DAYS = 30;

  /**
   * Whether this instance runs operation jobs (backups, restores, migrations)
   * from the pg-boss queue. Off, it still enqueues them for the instances that do.
   */
  @IsOptional()
  @bool()
  @IsBoolean()
  JOBS_WORKER = true;

  /** Bench-only routes under /api/v1/bench (the benchmark suite sets it; never in production). */
  @IsOptional()
  @bool()
  @IsBoolean()
  BENCH_ROUTES = false;
}

export type AppConfig = EnvironmentVariables & { DATABASE_URL: string; JWT_SECRET: string };

/** Validates `env`; throws one Error listing every bad variable. */
export function validateEnvironment(env: Record<string, string | undefined>): EnvironmentVariables {
  // Only our variables: the rest of the environment is none of our business.
  const known = Object.fromEntries(Object.entries(env).filter(([k]) => CONFIG_KEYS.has(k)));
  const config = plainToInstance(EnvironmentVariables, known, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));
  if (config.NODE_ENV === 'production') {
    if (!config.JWT_SECRET) problems.push('JWT_SECRET: required in production');
    problems.push(...secretProblems(config));
  }
  // The first platform admin is created at start-up from both; the password alone is admin:create's default.
  if (config.PLATFORM_ADMIN_EMAIL !== undefined && config.PLATFORM_ADMIN_PASSWORD === undefined) {
    problems.push('PLATFORM_ADMIN_PASSWORD: required with PLATFORM_ADMIN_EMAIL');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

const CONFIG_KEYS = new Set([
  ...Object.keys(new EnvironmentVariables()),
  'DATABASE_URL',
  'TENANT_DATABASE_SERVERS',
  'JWT_SECRET',
  'ENCRYPTION_KEY',
  'PLATFORM_ADMIN_EMAIL',
  'PLATFORM_ADMIN_PASSWORD',
  'LLM_BASE_URL',
  'LLM_API_KEY',
  'LLM_MODEL',
  'TRUST_PROXY',
  'METRICS_TOKEN',
]);

/** The `trustProxy` setting for Fastify: false (the socket's address) unless TRUST_PROXY names proxies. */
export function trustedProxies(value: string | undefined): false | string[] {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 0 ? list : false;
}
