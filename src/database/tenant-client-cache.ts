import type pg from 'pg';
import { NotFoundError, ServiceUnavailableError } from '../common/errors.js';
import { RequestContext } from '../common/request-context.js';
import { closeOneIdle, createBudgetedPool, hasIdleConnection, poolIsIdle } from './budgeted-pool.js';
import { Semaphore } from './semaphore.js';
import { createTenantClient, type TenantPoolLimits, type TenantPrisma, tenantPoolSettings } from './tenant-client.js';
import type { TenantRecord } from './tenant-registry.service.js';

interface Entry {
  clientId: string;
  record: TenantRecord;
  pool: pg.Pool;
  prisma: TenantPrisma;
  leases: number;
  lastUsed: number;
  /** Recent demand: leases taken, decaying with a time constant of DEMAND_DECAY_MS (see `demandNow`). */
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

export interface TenantClientCacheOptions extends TenantPoolLimits {
  /** The tenant's registry record; null when unknown. */
  lookup: (clientId: string) => Promise<TenantRecord | null>;
  maxClients: number;
  connectionBudget: number;
}

/**
 * One Prisma client per active tenant, created once even under concurrent
 * first use, kept in an LRU with a cap. Each has a small budgeted pool
 * (budgeted-pool.ts). Idle clients are closed; eviction skips clients that
 * hold a lease or have queries in flight, so it never loses work.
 */
export class TenantClientCache {
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
  private evictions = 0;
  private created = 0;
  private connectionsOpened = 0;
  private closed = false;

  constructor(private readonly options: TenantClientCacheOptions) {
    this.budget = new Semaphore(options.connectionBudget);
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
    const record = await this.options.lookup(clientId);
    if (!record || record.status === 'deleted') throw new NotFoundError('Client');
    // The pool and client outlive the request that opens them: keep them out of its context.
    return RequestContext.detached(() => this.createEntry(clientId, record));
  }

  private createEntry(clientId: string, record: TenantRecord): Entry {
    const pool = createBudgetedPool(tenantPoolSettings(record, this.options), {
      budget: this.budget,
      acquireTimeoutMs: this.options.acquireTimeoutMs,
      freeOne: () => this.freeOneConnection(),
      opened: () => this.connectionsOpened++,
    });
    pool.on('connect', () => this.connected.add(entry));
    pool.on('remove', () => {
      if (pool.totalCount === 0) this.connected.delete(entry);
    });
    const now = Date.now();
    const entry: Entry = { clientId, record, pool, prisma: createTenantClient(pool), leases: 0, lastUsed: now, demand: 0, demandAt: now };
    this.entries.set(clientId, entry);
    this.created++;
    this.enforceCap();
    return entry;
  }

  private isIdle(e: Entry): boolean {
    return e.leases === 0 && !this.reserved.has(e.clientId) && poolIsIdle(e.pool);
  }

  private enforceCap(): void {
    if (this.entries.size <= this.options.maxClients) return;
    for (const e of this.entries.values()) {
      if (this.entries.size <= this.options.maxClients) break;
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
      if (!hasIdleConnection(e.pool)) continue;
      const value = demandNow(e, now) / e.pool.totalCount;
      if (value < lowest) {
        lowest = value;
        victim = e;
      }
    }
    return victim ? closeOneIdle(victim.pool) : false;
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
   * pool would pin the client of the request that evicted it, in a chain.
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

  /** Closes the clients that have been idle for `idleMs`. */
  async sweepIdle(): Promise<void> {
    const now = Date.now();
    for (const e of [...this.entries.values()]) {
      if (now - e.lastUsed >= this.options.idleMs && this.isIdle(e)) await this.evict(e);
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

  /** Refuses new leases and closes every client; returns how many were closed. */
  async closeAll(): Promise<number> {
    this.closed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => this.dispose(e)));
    return all.length;
  }
}
