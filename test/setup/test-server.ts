import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { loadMigrations, migrate } from '../../src/database/migrator.js';
import { migrationsDir, projectRoot } from '../../src/database/paths.js';
import { pgConfigFromUrl, quoteIdent, withDatabase } from '../../src/database/sql.js';

/**
 * The migrated main database every test file clones, named by its migrations'
 * checksums: checkouts with other migrations (branches, worktrees) sharing one
 * test server each keep their own instead of rebuilding one in turn.
 */
export const MAIN_TEMPLATE = `ftc_test_main_template_${createHash('sha256')
  .update(
    loadMigrations(migrationsDir('main'))
      .map((m) => `${m.name}:${m.checksum}`)
      .join(','),
  )
  .digest('hex')
  .slice(0, 12)}`;
const STATE_FILE = path.join(projectRoot(), '.data', 'test-server.json');

export interface TestServerState {
  /** Admin URL to the test server's `postgres` database (written by global-setup.mjs). */
  adminUrl: string;
}

export function readState(): TestServerState {
  if (process.env.FTC_TEST_ADMIN_URL) return { adminUrl: process.env.FTC_TEST_ADMIN_URL };
  if (!existsSync(STATE_FILE)) throw new Error('Test database server not set up (run the tests through jest so globalSetup runs)');
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as TestServerState;
}

/**
 * Connections to the server's `postgres` database, shared by a test file's statements there (creating and
 * dropping its databases, a few hundred a run): each new connection costs the server a backend's start-up.
 * Idle ones close after 10 s (a bundle's specs come and go in between) and do not keep the worker alive.
 */
const adminPools = new Map<string, pg.Pool>();

function adminPool(adminUrl: string): pg.Pool {
  let pool = adminPools.get(adminUrl);
  if (!pool) {
    pool = new pg.Pool({ ...pgConfigFromUrl(adminUrl), database: 'postgres', max: 6, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    pool.on('error', () => undefined);
    adminPools.set(adminUrl, pool);
  }
  return pool;
}

export async function withAdmin<T>(adminUrl: string, fn: (c: pg.ClientBase) => Promise<T>, database = 'postgres'): Promise<T> {
  if (database === 'postgres') {
    const pooled = await adminPool(adminUrl).connect();
    try {
      const result = await fn(pooled);
      pooled.release();
      return result;
    } catch (err) {
      // A connection a statement failed on may be broken: closed rather than handed to the next caller.
      pooled.release(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }
  const c = new pg.Client({ ...pgConfigFromUrl(adminUrl), database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let mainTemplateReady: Promise<void> | null = null;

/**
 * The migrated main database every test file clones. Built by the first
 * worker that needs it (advisory lock), rebuilt when the migrations changed.
 */
export function ensureMainTemplate(adminUrl: string): Promise<void> {
  mainTemplateReady ??= withAdmin(adminUrl, async (c) => {
    await c.query('SELECT pg_advisory_lock(4242002)');
    try {
      const migrations = loadMigrations(migrationsDir('main'));
      const want = migrations.map((m) => m.name + ':' + m.checksum).join(',');
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [MAIN_TEMPLATE]);
      if (exists.rowCount === 1) {
        const have = await withAdmin(
          adminUrl,
          async (t) =>
            (
              await t.query(
                `SELECT string_agg(migration_name || ':' || checksum, ',' ORDER BY migration_name) AS s FROM "_prisma_migrations"`,
              )
            ).rows[0]?.s as string | undefined,
          MAIN_TEMPLATE,
        ).catch(() => null);
        if (have === want) return;
        await c.query(`DROP DATABASE ${quoteIdent(MAIN_TEMPLATE)} WITH (FORCE)`);
      }
      await c.query(`CREATE DATABASE ${quoteIdent(MAIN_TEMPLATE)}`);
      await withAdmin(adminUrl, (t) => migrate(t, migrations), MAIN_TEMPLATE);
    } finally {
      await c.query('SELECT pg_advisory_unlock(4242002)');
    }
  });
  return mainTemplateReady;
}

export function mainUrlFor(adminUrl: string, database: string): string {
  return withDatabase(adminUrl, database);
}
