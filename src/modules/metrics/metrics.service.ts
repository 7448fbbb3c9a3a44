import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TenantConnectionManager } from '../../database/tenant-connection-manager.js';
import { MainPrismaService } from '../../database/main-prisma.service.js';
import { planCacheStats } from '../../patches/prisma-plan-cache.js';

/** Prometheus metrics: request latency, tenant pool figures, connections in use. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(connections: TenantConnectionManager, main: MainPrismaService) {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    // Counts that only grow are counters (Prometheus' rate() and the `_total` convention), read from their source when scraped.
    const counter = (name: string, help: string, read: () => number) => {
      let seen = 0;
      return new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          const now = read();
          if (now > seen) this.inc(now - seen);
          seen = Math.max(seen, now);
        },
      });
    };
    gauge('tenant_clients_open', 'Tenant Prisma clients open (LRU size)', () => connections.stats().clients);
    gauge('tenant_connections_open', 'Tenant database connections open, all tenants', () => connections.stats().connections);
    gauge('tenant_connections_in_use', 'Tenant database connections running a query', () => connections.stats().connectionsInUse);
    gauge('tenant_connection_budget', 'Most tenant connections this instance may hold', () => connections.stats().budget);
    gauge('tenant_connections_waiting', 'Queries waiting for a tenant connection', () => connections.stats().waiting);
    gauge('tenant_leases_active', 'Requests holding a tenant client', () => connections.stats().leases);
    counter('tenant_clients_evicted_total', 'Tenant clients closed by LRU or idle eviction', () => connections.stats().evictions);
    gauge('main_db_connections_open', 'Main database connections open', () => main.pool.totalCount);
    gauge('main_db_connections_in_use', 'Main database connections running a query', () => main.pool.totalCount - main.pool.idleCount);
    gauge('prisma_plans_cached', 'Prisma query plans kept for reuse, all clients', () => planCacheStats().plans);
    counter('prisma_plan_cache_hits_total', 'Queries run from a kept Prisma plan', () => planCacheStats().hits);
    counter('prisma_plan_cache_misses_total', 'Queries Prisma compiled anew', () => planCacheStats().misses);
  }
}
