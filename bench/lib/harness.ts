import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded.js';
import { pgConfigFromUrl, quoteIdent, withDatabase } from '../../src/database/sql.js';
import { projectRoot } from '../../src/database/paths.js';

export const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
/** The benches measure throughput, not the rate limits (a bench that measures them sets its own). */
export const BENCH_NO_RATE_LIMITS = { SIGNUP_IP_LIMIT: '0', SIGNUP_GLOBAL_LIMIT: '0', WRITE_RATE_LIMIT: '0', CLIENT_WRITE_RATE_LIMIT: '0' };

/** The PostgreSQL server benchmarks run on: DATABASE_URL's, else an embedded one under .data/bench-pg. */
export async function benchServer(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: withDatabase(process.env.DATABASE_URL, 'postgres'), stop: async () => undefined };
  const db = await startEmbeddedPostgres({
    dataDir: path.join(projectRoot(), '.data', 'bench'),
    port: Number(process.env.BENCH_PG_PORT ?? 54349),
  });
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
export async function freshMainDatabase(
  adminUrl: string,
  label: string,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `ftc_bench_${label}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  const url = withDatabase(adminUrl, name);
  return {
    url,
    name,
    drop: async () => {
      const c = new pg.Client({ ...pgConfigFromUrl(adminUrl), database: name });
      await c.connect();
      const tenants = await c
        .query<{ database_name: string; database_role: string }>('SELECT database_name, database_role FROM clients')
        .catch(() => ({ rows: [] as { database_name: string; database_role: string }[] }));
      await c.end();
      await dropDatabases(
        adminUrl,
        tenants.rows.map((t) => ({ database: t.database_name, role: t.database_role })),
      );
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

/** Drops databases (and their roles) two at a time over one small pool. */
export async function dropDatabases(adminUrl: string, items: { database: string; role?: string }[]): Promise<void> {
  if (items.length === 0) return;
  const pool = new pg.Pool({ ...pgConfigFromUrl(adminUrl), max: 2, application_name: 'ftc-bench-harness' });
  pool.on('error', () => undefined);
  try {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const it = items[next++];
        await pool.query(`DROP DATABASE IF EXISTS ${quoteIdent(it.database)} WITH (FORCE)`);
        if (it.role) await pool.query(`DROP ROLE IF EXISTS ${quoteIdent(it.role)}`);
      }
    };
    await Promise.all([worker(), worker()]);
  } finally {
    await pool.end();
  }
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

export interface Service {
  url: string;
  child: ChildProcess;
  pid: number;
  stop: () => Promise<void>;
}

/**
 * Starts the built service (dist-bench/src/main.js) as its own process, so load and server don't share a core.
 * `nodeArgs` go to node (e.g. `--cpu-prof`); `script` runs another entry point (the bare floor server).
 * Connections without an application_name of their own are named `freetimechat-bench-svc` (PGAPPNAME),
 * so every connection of the process can be counted in pg_stat_activity.
 */
export async function startService(
  env: Record<string, string>,
  opts: { nodeArgs?: string[]; script?: string; healthPath?: string; cwd?: string } = {},
): Promise<Service> {
  const port = await freePort();
  const script = opts.script ?? path.join(projectRoot(), 'dist-bench', 'src', 'main.js');
  // BENCH_SERVICE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles any bench's service.
  const extraArgs = opts.script ? [] : (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extraArgs, ...(opts.nodeArgs ?? []), script], {
    cwd: opts.cwd ?? projectRoot(),
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'error',
      DB_MIGRATE_ON_START: 'false',
      JWT_SECRET: BENCH_JWT_SECRET,
      ...BENCH_NO_RATE_LIMITS,
      PGAPPNAME: SERVICE_APP_NAMES.other,
      ...env,
      // BENCH_SERVICE_ENV="K=V,K=V" overrides the service's environment (experiments; not the floor server).
      ...(opts.script ? {} : serviceEnvOverrides()),
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    try {
      const res = await fetch(`${url}${opts.healthPath ?? '/api/v1/health'}`);
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (exited) throw new Error(`${path.basename(script)} exited before it served`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('service did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

function serviceEnvOverrides(): Record<string, string> {
  return Object.fromEntries(
    (process.env.BENCH_SERVICE_ENV ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

/** application_name of every connection the service opens (main pool, tenant pools, LISTEN, the rest). */
export const SERVICE_APP_NAMES = {
  main: 'freetimechat-main',
  tenant: 'freetimechat-tenant',
  listen: 'freetimechat-listen',
  other: 'freetimechat-bench-svc',
} as const;

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface ConnectionSamples {
  samples: number;
  max: number;
  maxByName: Record<string, number>;
  mean: number;
}

/**
 * Counts the service's connections in pg_stat_activity every `intervalMs`
 * (on one dedicated connection of the harness, not counted) until stopped.
 */
export async function sampleConnections(adminUrl: string, intervalMs = 50): Promise<{ stop: () => Promise<ConnectionSamples> }> {
  const c = new pg.Client({ ...pgConfigFromUrl(adminUrl), application_name: 'ftc-bench-sampler' });
  await c.connect();
  const names = Object.values(SERVICE_APP_NAMES);
  let samples = 0;
  let max = 0;
  let sum = 0;
  const maxByName: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const r = await c.query<{ application_name: string; n: string }>(
        'SELECT application_name, count(*) AS n FROM pg_stat_activity WHERE application_name = ANY($1) GROUP BY 1',
        [names],
      );
      let total = 0;
      for (const row of r.rows) {
        const n = Number(row.n);
        total += n;
        maxByName[row.application_name] = Math.max(maxByName[row.application_name] ?? 0, n);
      }
      samples++;
      sum += total;
      max = Math.max(max, total);
      await new Promise((res) => setTimeout(res, Math.max(0, intervalMs - (Date.now() - started))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await c.end();
      return { samples, max, maxByName, mean: samples ? Math.round((sum / samples) * 10) / 10 : 0 };
    },
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
  /** Stop after this many requests instead of after `duration`. */
  amount?: number;
  timeout?: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections ?? 10,
    duration: opts.duration ?? 5,
    amount: opts.amount,
    timeout: opts.timeout ?? 10,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    requests: opts.requests,
  });
  return {
    // Completed requests over the run's wall time (autocannon's per-second average drops partial seconds).
    rps: result.requests.total / (result.duration || 1),
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
