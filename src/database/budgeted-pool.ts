import pg from 'pg';
import { TenantDatabaseUnavailableError } from '../common/errors.js';
import { RequestContext } from '../common/request-context.js';
import { idleClients, removeIdleClient } from '../patches/pg-pool-internals.js';
import type { Semaphore } from './semaphore.js';

/**
 * A pg pool whose every connection takes a token of a budget shared by all
 * tenant pools before it opens, and gives it back when it closes, so all
 * pools together never hold more connections than the budget. This file is
 * the only one that knows how pg's pool works inside (through
 * src/patches/pg-pool-internals.ts).
 */
export interface BudgetHooks {
  budget: Semaphore;
  acquireTimeoutMs: number;
  /** Asked to close an idle connection elsewhere when no token is left; true if one is being closed. */
  freeOne: () => boolean;
  /** A connection was opened (a PostgreSQL backend start and login). */
  opened: () => void;
}

export function createBudgetedPool(settings: pg.PoolConfig, hooks: BudgetHooks): pg.Pool {
  const { budget, acquireTimeoutMs, freeOne, opened } = hooks;
  class BudgetedClient extends pg.Client {
    private holdsToken = false;
    // pg-pool calls connect(callback); direct use awaits the promise.
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error | null, c?: pg.Client) => void): void;
    override connect(callback?: (err: Error | null, c?: pg.Client) => void): Promise<pg.Client> | void {
      const run = async () => {
        const got = await budget.acquire(acquireTimeoutMs, freeOne);
        if (!got) throw new TenantDatabaseUnavailableError();
        this.holdsToken = true;
        this.once('end', () => this.giveBack());
        try {
          await super.connect();
        } catch (err) {
          this.giveBack();
          throw err;
        }
        opened();
        return this as pg.Client;
      };
      if (callback) {
        run().then(
          (c) => callback(null, c),
          (err: Error) => callback(err),
        );
        return;
      }
      return run();
    }
    private giveBack(): void {
      if (!this.holdsToken) return;
      this.holdsToken = false;
      budget.release();
    }
  }
  const pool = new pg.Pool({ ...settings, Client: BudgetedClient as unknown as new () => pg.ClientBase });
  pool.on('error', () => undefined);
  // Under budget pressure a connection going idle means one can be closed,
  // so its token passes to a tenant that is waiting instead of idling: the
  // least recently used tenant's idle connection, not necessarily this one
  // (closing a hot tenant's connection only makes it reconnect next).
  pool.on('release', () => {
    if (budget.waiting > 0) setImmediate(() => budget.waiting > 0 && freeOne());
  });
  return pool;
}

/** Whether the pool has an idle connection that `closeOneIdle` could close. */
export function hasIdleConnection(pool: pg.Pool): boolean {
  return idleClients(pool).length > 0;
}

/** Closes the pool's oldest idle connection; true if one is being closed. */
export function closeOneIdle(pool: pg.Pool): boolean {
  const [client] = idleClients(pool);
  if (!client) return false;
  // Closing outlives the request that triggers it (see TenantClientCache.dispose).
  return RequestContext.detached(() => removeIdleClient(pool, client));
}

/** Whether a pool is doing nothing: no connection checked out and nobody waiting for one. */
export function poolIsIdle(pool: pg.Pool): boolean {
  return pool.totalCount === pool.idleCount && pool.waitingCount === 0;
}
