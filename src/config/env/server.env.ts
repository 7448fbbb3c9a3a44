import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { bool, int } from './transforms.js';

const TRUST_PROXY_ENTRY = String.raw`(?:loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(?:/\d{1,3})?)`;
const TRUST_PROXY_PATTERN = new RegExp(`^\\s*${TRUST_PROXY_ENTRY}\\s*(?:,\\s*${TRUST_PROXY_ENTRY}\\s*)*$`);

/** HTTP server: listener, security headers, proxies, timeouts, logging, metrics. */
export class ServerEnv {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

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

  /** Bench-only routes under /api/v1/bench (the benchmark suite sets it; never in production). */
  @IsOptional()
  @bool()
  @IsBoolean()
  BENCH_ROUTES = false;
}
