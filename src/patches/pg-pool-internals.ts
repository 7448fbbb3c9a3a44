import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type pg from 'pg';

/**
 * Closing one chosen idle connection of a pg pool. pg-pool has no public way
 * to do it: under the tenant connection budget the least useful idle
 * connection of all tenant pools is closed so that its budget token passes to
 * a tenant that is waiting (src/database/budgeted-pool.ts). This reads the
 * pool's private idle list (`_idle`) and closes through its private `_remove`,
 * of the exact pg-pool version it was verified against (pinned in
 * package.json). With any other version it does nothing: no connection is
 * closed early, a tenant waits for a token until one is given back or its
 * acquire timeout passes (503 TENANT_DATABASE_UNAVAILABLE under pressure),
 * and start-up says so (src/patches/index.ts). A test fails when these
 * internals no longer apply (test/integration/patches.int-spec.ts).
 */

/** The pg-pool version whose internals this was verified against. */
export const VERIFIED_PG_POOL_VERSION = '3.14.0';

interface PoolInternals {
  _idle?: { client: pg.PoolClient }[];
  _remove?: (c: pg.PoolClient, cb?: () => void) => void;
}

// pg-pool's exports map leaves out its package.json: read it beside the resolved entry point.
const installedVersion = (
  JSON.parse(readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('pg-pool')), 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

export function pgPoolInternalsVerified(): boolean {
  return installedVersion === VERIFIED_PG_POOL_VERSION;
}

export function pgPoolVersion(): string {
  return installedVersion;
}

/** The pool's idle connections, oldest first (none when the internals are not verified). */
export function idleClients(pool: pg.Pool): readonly pg.PoolClient[] {
  if (!pgPoolInternalsVerified()) return [];
  const idle = (pool as unknown as PoolInternals)._idle;
  return Array.isArray(idle) ? idle.map((i) => i.client) : [];
}

/** Closes `client` if it is still idle in `pool`; true when it is being closed. */
export function removeIdleClient(pool: pg.Pool, client: pg.PoolClient): boolean {
  if (!pgPoolInternalsVerified()) return false;
  const internals = pool as unknown as PoolInternals;
  if (!internals._idle?.some((i) => i.client === client) || typeof internals._remove !== 'function') return false;
  internals._remove.call(pool, client);
  return true;
}
