import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded.js';
import { pgConfigFromUrl, quoteIdent, withDatabase } from '../../src/database/sql.js';
import { projectRoot } from '../../src/database/paths.js';

export const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';

/** The PostgreSQL server benchmarks run on: DATABASE_URL's, else an embedded one under .data/bench-pg. */
export async function benchServer(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: withDatabase(process.env.DATABASE_URL, 'postgres'), stop: async () => undefined };
  const db = await startEmbeddedPostgres({ dataDir: path.join(projectRoot(), '.data', 'bench'), port: Number(process.env.BENCH_PG_PORT ?? 54349) });
  return { adminUrl: db.adminUrl, stop: () => db.stop() };
}

export async function adminQuery(adminUrl: string, sql: string, database = 'postgres'): Promise<pg.QueryResult> {
  const c = new pg.Client({ ...pgConfigFromUrl(adminUrl), database });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh, empty main database for one benchmark run. */
export async function freshMainDatabase(adminUrl: string, label: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `ftc_bench_${label}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  const url = withDatabase(adminUrl, name);
  return {
    url,
    name,
    drop: async () => {
      const c = new pg.Client({ ...pgConfigFromUrl(adminUrl), database: name });
      await c.connect();
      const tenants = await c.query<{ database_name: string; database_role: string }>('SELECT database_name, database_role FROM clients').catch(() => ({ rows: [] }));
      await c.end();
      for (const t of tenants.rows) {
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(t.database_name)} WITH (FORCE)`);
        await adminQuery(adminUrl, `DROP ROLE IF EXISTS ${quoteIdent(t.database_role)}`);
      }
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Starts the built service (dist-bench/src/main.js) as its own process, so load and server don't share a core. */
export async function startService(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist-bench', 'src', 'main.js')], {
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'error', DB_MIGRATE_ON_START: 'false', JWT_SECRET: BENCH_JWT_SECRET, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('service did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

export async function load(opts: {
  url: string;
  connections?: number;
  duration?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  requests?: autocannon.Request[];
}): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections ?? 10,
    duration: opts.duration ?? 5,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    requests: opts.requests,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
