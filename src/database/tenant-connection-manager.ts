import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfigService } from '../config/config.service.js';
import { InvalidationService } from './invalidation.service.js';
import type { Semaphore } from './semaphore.js';
import { TenantClientCache, type TenantLease, type TenantPoolStats } from './tenant-client-cache.js';
import { TenantRegistryService } from './tenant-registry.service.js';

export type { TenantLease, TenantPoolStats } from './tenant-client-cache.js';
export { createTenantClient, tenantPoolSettings, type TenantDb, type TenantPrisma } from './tenant-client.js';

/**
 * The tenants' connections (a singleton): the client cache with its leases
 * and connection budget (tenant-client-cache.ts), configured from the
 * tenancy limits, swept for idle clients, told by the invalidation channel
 * when a client is suspended, deleted or moved, and closed at shutdown.
 *
 * Code reaches a tenant database through `TenantContextService.withTenant`,
 * which holds a lease for the whole call; `acquire` is its building block.
 */
@Injectable()
export class TenantConnectionManager implements OnApplicationShutdown {
  private readonly logger = new Logger(TenantConnectionManager.name);
  private readonly cache: TenantClientCache;
  private readonly sweeper: NodeJS.Timeout;

  constructor(registry: TenantRegistryService, invalidation: InvalidationService, config: AppConfigService) {
    const idleMs = config.get('TENANT_IDLE_MS');
    this.cache = new TenantClientCache({
      lookup: (clientId) => registry.get(clientId),
      maxClients: config.get('TENANT_MAX_CLIENTS'),
      connectionBudget: config.get('TENANT_CONNECTION_BUDGET'),
      poolSize: config.get('TENANT_POOL_SIZE'),
      idleMs,
      acquireTimeoutMs: config.get('TENANT_ACQUIRE_TIMEOUT_MS'),
    });
    this.sweeper = setInterval(() => void this.cache.sweepIdle(), Math.min(idleMs, 10_000));
    this.sweeper.unref();
    // A suspended, deleted or moved client: drop its connections everywhere.
    invalidation.subscribe((msg) => {
      if (msg.kind === 'client') void this.close(msg.id);
    });
  }

  /** A lease pins the tenant's client against eviction until released (use `withTenant`, which releases it). */
  acquire(clientId: string): Promise<TenantLease> {
    return this.cache.acquire(clientId);
  }

  /** Closes a tenant's client (suspension, deletion); waits for in-flight leases up to a few seconds. */
  close(clientId: string): Promise<void> {
    return this.cache.close(clientId);
  }

  stats(): TenantPoolStats {
    return this.cache.stats();
  }

  get budget(): Semaphore {
    return this.cache.budget;
  }

  /** Tokens currently taken (open tenant connections, including those being opened). */
  get connectionsOpen(): number {
    return this.cache.budget.inUse;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    const n = await this.cache.closeAll();
    this.logger.debug(`closed ${n} tenant clients`);
  }
}
