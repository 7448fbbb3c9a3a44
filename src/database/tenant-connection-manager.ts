import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as TenantPrismaClient } from '../generated/prisma-client/client.js';
import { AppConfigService } from '../config/config.service.js';
import { NotFoundError, ServiceUnavailableError, TenantDatabaseUnavailableError } from '../common/errors.js';
import { isDatabaseUnavailable } from '../common/prisma-errors.js';
import { InvalidationService } from './invalidation.service.js';
import { TenantRecord, TenantRegistryService } from './tenant-registry.service.js';
import { Semaphore } from './semaphore.js';
import { RequestContext } from '../common/request-context.js';
import { installFastScram } from './pg-scram.js';

/**
 * A tenant's Prisma client: the plain generated client. A connection failure
 * of a tenant database surfaces as the driver's error and becomes 503
 * TENANT_DATABASE_UNAVAILABLE in the global filter (a request holding a
 * tenant lease whose error says "database unreachable" while the main
 * database answers), not through a `$extends` query wrapper: that wrapper
 * cost every tenant query a layer of proxies and closures (bench/, tenancy
 * overhead).
 */
export type TenantPrisma = TenantPrismaClient;

/**
 * A tenant's Prisma client over its pool. `errorFormat: 'minimal'`: otherwise
 * Prisma captures a stack trace (`new Error()`) on every query to point an
 * error message at the calling line, ~40 µs per query (bench/profile.js);
 * errors are mapped by their codes here, never shown as Prisma prints them.
 */
export function createTenantClient(pool: pg.Pool): TenantPrisma {
  return new TenantPrismaClient({ adapter: new PrismaPg(pool), errorFormat: 'minimal' });
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
  limits: { poolSize: number; idleMs: number; acquireTimeoutMs: number },
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

interface Entry {
  clientId: string;
  record: TenantRecord;
  pool: pg.Pool;
  prisma: TenantPrisma;
  leases: number;
  lastUsed: number;
  /** Recent demand: leases taken, decaying with a time constant of DEMAND_DECAY_MS (see `demand`). */
  demand: number;
  demandAt: number;
}

/** How fast a tenant's recent demand is forgotten when choosing which idle connection to close. */
const DEMAND_DECAY_MS = 10_000;

function demandNow(e: Entry, now: number): number {
  return e.demand * Math.exp(-(now - e.demandAt) / DEMAND_DECAY_MS);
}

export interface TenantLease {
  readonly prisma: TenantPrisma;
  readonly clientId: string;
  release(): void;
}

export interface TenantPoolStats {
  clients: number;
  leases: number;
  connections: number;
  connectionsInUse: number;
  waiting: number;
  budget: number;
  evictions: number;
  created: number;
  /** Tenant database connections opened since start (each a PostgreSQL backend start and login). */
  connectionsOpened: number;
}

/**
 * One Prisma client per active tenant, created once even under concurrent
 * first use, kept in an LRU with a cap. Each has a small pool; all pools
 * together never hold more than the connection budget (every connection takes
 * a token before it opens and gives it back when it closes). Idle clients are
 * closed; eviction skips clients that a request holds (a lease) or that have
 * queries in flight, so it never loses work.
 */
@Injectable()
export class TenantConnectionManager implements OnApplicationShutdown {
  private readonly logger = new Logger(TenantConnectionManager.name);
  private readonly entries = new Map<string, Entry>(); // insertion order = LRU order
  private readonly pending = new Map<string, Promise<Entry>>();
  /**
   * The entries whose pools hold at least one connection: at most the budget's
   * worth, so choosing a connection to close scans these, not every client
   * (with thousands of tenants a scan of all clients on every new connection
   * cost 7 % of the service's CPU under Zipf traffic; bench/, many tenants).
   */
  private readonly connected = new Set<Entry>();
  /** Callers between "the client is being opened" and "my lease is counted": not evictable. */
  private readonly reserved = new Map<string, number>();
  readonly budget: Semaphore;
  private readonly maxClients: number;
  private readonly poolSize: number;
  private readonly idleMs: number;
  private readonly acquireTimeoutMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private evictions = 0;
  private created = 0;
  private connectionsOpened = 0;
  private closed = false;

  constructor(
    private readonly registry: TenantRegistryService,
    invalidation: InvalidationService,
    config: AppConfigService,
  ) {
    this.maxClients = config.get('TENANT_MAX_CLIENTS');
    this.poolSize = config.get('TENANT_POOL_SIZE');
    this.idleMs = config.get('TENANT_IDLE_MS');
    this.acquireTimeoutMs = config.get('TENANT_ACQUIRE_TIMEOUT_MS');
    this.budget = new Semaphore(config.get('TENANT_CONNECTION_BUDGET'));
    // Tenant connections open and close all the time under the budget: cheap SCRAM logins.
    installFastScram();
    this.sweeper = setInterval(() => void this.sweepIdle(), Math.min(this.idleMs, 10_000));
    this.sweeper.unref();
    // A suspended, deleted or moved client: drop its connections everywhere.
    invalidation.subscribe((msg) => {
      if (msg.kind === 'client') void this.close(msg.id);
    });
  }

  /** The tenant's Prisma client (for the CLI, jobs, tests). Prefer `acquire` when a request spans several queries. */
  async forClient(clientId: string): Promise<TenantPrisma> {
    const lease = await this.acquire(clientId);
    lease.release();
    return lease.prisma;
  }

  /** A lease pins the tenant's client against eviction until released. */
  async acquire(clientId: string): Promise<TenantLease> {
    if (this.closed) throw new ServiceUnavailableError('Shutting down');
    let entry = this.entries.get(clientId);
    if (!entry) {
      let p = this.pending.get(clientId);
      if (!p) {
        p = this.open(clientId).finally(() => this.pending.delete(clientId));
        this.pending.set(clientId, p);
      }
      this.reserved.set(clientId, (this.reserved.get(clientId) ?? 0) + 1);
      try {
        entry = await p;
      } finally {
        const n = (this.reserved.get(clientId) ?? 1) - 1;
        if (n > 0) this.reserved.set(clientId, n);
        else this.reserved.delete(clientId);
      }
      if (this.entries.get(clientId) !== entry) {
        // Closed meanwhile (suspension): open anew.
        return this.acquire(clientId);
      }
    }
    entry.leases++;
    const now = Date.now();
    entry.lastUsed = now;
    entry.demand = demandNow(entry, now) + 1;
    entry.demandAt = now;
    // Move to the most recently used end.
    this.entries.delete(clientId);
    this.entries.set(clientId, entry);
    let released = false;
    const e = entry;
    return {
      prisma: entry.prisma,
      clientId,
      release: () => {
        if (released) return;
        released = true;
        e.leases--;
        e.lastUsed = Date.now();
      },
    };
  }

  private async open(clientId: string): Promise<Entry> {
    const record = await this.registry.get(clientId);
    if (!record || record.status === 'deleted') throw new NotFoundError('Client');
    // The pool and client outlive the request that opens them: keep them out of its context.
    return RequestContext.detached(() => this.createEntry(clientId, record));
  }

  private createEntry(clientId: string, record: TenantRecord): Entry {
    const budget = this.budget;
    const acquireTimeoutMs = this.acquireTimeoutMs;
    const freeOne = () => this.freeOneConnection();
    const opened = () => this.connectionsOpened++;
    // Every connection of every tenant pool takes a budget token first.
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
    const pool = new pg.Pool({
      ...tenantPoolSettings(record, { poolSize: this.poolSize, idleMs: this.idleMs, acquireTimeoutMs: this.acquireTimeoutMs }),
      Client: BudgetedClient as unknown as new () => pg.ClientBase,
    });
    pool.on('error', () => undefined);
    pool.on('connect', () => this.connected.add(entry));
    pool.on('remove', () => {
      if (pool.totalCount === 0) this.connected.delete(entry);
    });
    // Under budget pressure a connection going idle means one can be closed,
    // so its token passes to a tenant that is waiting instead of idling: the
    // least recently used tenant's idle connection, not necessarily this one
    // (closing a hot tenant's connection only makes it reconnect next).
    pool.on('release', () => {
      if (budget.waiting > 0) setImmediate(() => budget.waiting > 0 && freeOne());
    });
    const entry: Entry = {
      clientId,
      record,
      pool,
      prisma: createTenantClient(pool),
      leases: 0,
      lastUsed: Date.now(),
      demand: 0,
      demandAt: Date.now(),
    };
    this.entries.set(clientId, entry);
    this.created++;
    this.enforceCap();
    return entry;
  }

  private isIdle(e: Entry): boolean {
    return e.leases === 0 && !this.reserved.has(e.clientId) && e.pool.totalCount === e.pool.idleCount && e.pool.waitingCount === 0;
  }

  private enforceCap(): void {
    if (this.entries.size <= this.maxClients) return;
    for (const e of this.entries.values()) {
      if (this.entries.size <= this.maxClients) break;
      if (this.isIdle(e)) void this.evict(e);
    }
  }

  /**
   * Called when the budget is exhausted: close one idle connection, the one
   * least worth keeping: of the tenant with the least recent demand per open
   * connection (so a busy tenant keeps its connections and a tenant with
   * several gives up its extra ones first). Only the connection goes; the
   * tenant's Prisma client stays (creating one costs more than a connection;
   * clients are capped by TENANT_MAX_CLIENTS and closed when idle). Returns
   * true if one is being closed.
   */
  private freeOneConnection(): boolean {
    const now = Date.now();
    let victim: Entry | null = null;
    let lowest = Infinity;
    for (const e of this.connected) {
      if (e.pool.totalCount === 0) {
        this.connected.delete(e); // its last connection closed without a 'remove' (pool ended)
        continue;
      }
      const idle = (e.pool as unknown as PoolInternals)._idle;
      if (!idle || idle.length === 0) continue;
      const value = demandNow(e, now) / e.pool.totalCount;
      if (value < lowest) {
        lowest = value;
        victim = e;
      }
    }
    if (!victim) return false;
    const idle = (victim.pool as unknown as PoolInternals)._idle!;
    return removeIfIdle(victim.pool, idle[0].client);
  }

  private async evict(e: Entry): Promise<void> {
    if (this.entries.get(e.clientId) !== e) return;
    this.entries.delete(e.clientId);
    this.evictions++;
    await this.dispose(e);
  }

  /**
   * Closes a client and its pool, outside the calling request's context: the
   * pool keeps its `end()` promise, and a promise made inside a request keeps
   * that request's store (and its tenant's client) reachable, so every closed
   * pool would pin the client of the request that evicted it, in a chain
   * (found with a heap snapshot under many-tenant load: every evicted client
   * stayed in memory).
   */
  private dispose(e: Entry): Promise<void> {
    return RequestContext.detached(async () => {
      await e.prisma.$disconnect().catch(() => undefined);
      await e.pool.end().catch(() => undefined);
      this.connected.delete(e);
    });
  }

  /** Closes a tenant's client (suspension, deletion); waits for in-flight leases up to a few seconds. */
  async close(clientId: string): Promise<void> {
    const e = this.entries.get(clientId);
    if (!e) return;
    this.entries.delete(clientId);
    const deadline = Date.now() + 5_000;
    while ((e.leases > 0 || e.pool.totalCount !== e.pool.idleCount) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.dispose(e);
  }

  private async sweepIdle(): Promise<void> {
    const now = Date.now();
    for (const e of [...this.entries.values()]) {
      if (now - e.lastUsed >= this.idleMs && this.isIdle(e)) await this.evict(e);
    }
  }

  stats(): TenantPoolStats {
    let leases = 0;
    let connections = 0;
    let inUse = 0;
    let waiting = 0;
    for (const e of this.entries.values()) {
      leases += e.leases;
      connections += e.pool.totalCount;
      inUse += e.pool.totalCount - e.pool.idleCount;
      waiting += e.pool.waitingCount;
    }
    return {
      clients: this.entries.size,
      leases,
      connections,
      connectionsInUse: inUse,
      waiting,
      budget: this.budget.capacity,
      evictions: this.evictions,
      created: this.created,
      connectionsOpened: this.connectionsOpened,
    };
  }

  /** Tokens currently taken (open tenant connections, including those being opened). */
  get connectionsOpen(): number {
    return this.budget.inUse;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => this.dispose(e)));
    this.logger.debug(`closed ${all.length} tenant clients`);
  }
}

/** pg-pool keeps idle clients in `_idle` and closes one with `_remove` (stable internals since pg-pool 2). */
interface PoolInternals {
  _idle?: { client: pg.PoolClient }[];
  _remove?: (c: pg.PoolClient, cb?: () => void) => void;
}

function removeIfIdle(pool: pg.Pool, client: pg.PoolClient): boolean {
  const internals = pool as unknown as PoolInternals;
  if (!internals._idle?.some((i) => i.client === client) || typeof internals._remove !== 'function') return false;
  // Closing outlives the request that triggers it (see dispose).
  RequestContext.detached(() => internals._remove!.call(pool, client));
  return true;
}

export function toTenantUnavailable(err: unknown): never {
  if (isDatabaseUnavailable(err)) throw new TenantDatabaseUnavailableError();
  throw err;
}
