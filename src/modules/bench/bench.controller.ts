import { Controller, Get, HttpCode, Injectable, OnModuleDestroy, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import pg from 'pg';
import v8 from 'node:v8';
import { Session } from 'node:inspector/promises';
import { PrismaClient as TenantPrismaClient } from '../../generated/prisma-client/client.js';
import { RequireCapabilities, TenantScoped } from '../auth/index.js';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import { TenantRegistryService } from '../../database/tenant-registry.service.js';
import {
  createTenantClient,
  TenantConnectionManager,
  tenantPoolSettings,
  type TenantPoolStats,
} from '../../database/tenant-connection-manager.js';
import { AppConfigService } from '../../config/config.service.js';
import { RequestContext } from '../../common/request-context.js';
import { TENANT_READ_SQL } from './tenant-read-sql.js';
import { planCacheStats, type PlanCacheStats } from '../../patches/prisma-plan-cache.js';

/**
 * Bench-only routes (BENCH_ROUTES=true, never in production): the same read
 * through the tenancy runtime and through one singleton client, so the suite
 * can measure what tenancy costs per request.
 */
@Injectable()
export class SingletonTenantClient implements OnModuleDestroy {
  private client: { prisma: TenantPrismaClient; pool: pg.Pool } | null = null;

  constructor(
    private readonly registry: TenantRegistryService,
    private readonly config: AppConfigService,
  ) {}

  async get(clientId: string): Promise<TenantPrismaClient> {
    return (await this.open(clientId)).prisma;
  }

  /** The same tenant's pool, for the raw pg read. */
  async pool(clientId: string): Promise<pg.Pool> {
    return (await this.open(clientId)).pool;
  }

  private async open(clientId: string): Promise<{ prisma: TenantPrismaClient; pool: pg.Pool }> {
    if (!this.client) {
      const rec = (await this.registry.get(clientId))!;
      // The same pool settings and client as the tenancy runtime's, minus the tenancy. With pg's
      // defaults instead (connections kept 10 s, not 5), this pool stayed open between the bench's
      // rounds while the tenant's reconnected, and the tenant read cost ~25-45 µs more per request
      // in that pattern on the embedded server: a pool-policy difference, not tenancy.
      const pool = new pg.Pool({
        ...tenantPoolSettings(rec, {
          poolSize: this.config.get('TENANT_POOL_SIZE'),
          idleMs: this.config.get('TENANT_IDLE_MS'),
          acquireTimeoutMs: this.config.get('TENANT_ACQUIRE_TIMEOUT_MS'),
        }),
        application_name: 'freetimechat-bench-singleton',
      });
      this.client = { prisma: createTenantClient(pool), pool };
    }
    return this.client;
  }

  async onModuleDestroy(): Promise<void> {
    await this.client?.prisma.$disconnect();
    await this.client?.pool.end();
  }
}

@ApiExcludeController()
@Controller('bench')
export class TenantBenchController {
  constructor(private readonly tenant: TenantPrismaProvider) {}

  /** Guard chain + TenantGuard lease + TenantPrismaProvider. */
  @Get('tenant-read')
  @TenantScoped()
  @RequireCapabilities('projects:read')
  async tenantRead(): Promise<unknown> {
    return this.tenant.client.project.findMany({ take: 10, orderBy: { name: 'asc' } });
  }
}

@ApiExcludeController()
@Controller('bench')
export class SingletonBenchController {
  constructor(private readonly singleton: SingletonTenantClient) {}

  /** The same authentication and query, through one singleton client: no tenant resolution, no lease. */
  @Get('singleton-read')
  @RequireCapabilities('projects:read')
  async singletonRead(): Promise<unknown> {
    const clientId = RequestContext.current()!.clientId!;
    const prisma = await this.singleton.get(clientId);
    return prisma.project.findMany({ take: 10, orderBy: { name: 'asc' } });
  }
}

/**
 * Decomposition of the gap to the bare floor (no guards on these): the read
 * through Nest (Fastify) + the global middleware with raw pg, and with the
 * singleton Prisma client. The tenant is named by `?clientId=`.
 */
@ApiExcludeController()
@Controller('bench/unguarded')
export class UnguardedBenchController {
  constructor(
    private readonly singleton: SingletonTenantClient,
    private readonly connections: TenantConnectionManager,
  ) {}

  /** The tenancy runtime's counters (clients, connections, connections opened, evictions) and the process's memory. */
  @Get('stats')
  stats(@Query('gc') gc?: string): TenantPoolStats & { memory: Record<string, number>; plans: PlanCacheStats } {
    // With node --expose-gc, ?gc=1 collects first (a leak shows in heapUsed after collection).
    const collect = (globalThis as { gc?: () => void }).gc;
    if (gc === '1' && collect) collect();
    const mib = (x: number) => Math.round((x / 1048576) * 10) / 10;
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    return {
      ...this.connections.stats(),
      plans: planCacheStats(),
      memory: {
        rss: mib(m.rss),
        heapUsed: mib(m.heapUsed),
        heapTotal: mib(m.heapTotal),
        external: mib(m.external),
        arrayBuffers: mib(m.arrayBuffers),
        mallocedMemory: mib(h.malloced_memory),
        peakMallocedMemory: mib(h.peak_malloced_memory),
      },
    };
  }

  private profiler: Session | null = null;

  /** Starts a CPU profile of this process (node:inspector), so a bench can profile one phase of its load. */
  @Post('profile/start')
  @HttpCode(204)
  async startProfile(): Promise<void> {
    if (this.profiler) return;
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    this.profiler = session;
  }

  /** Stops the profile and answers it (a `.cpuprofile` document for Chrome DevTools or speedscope); the bench writes it. */
  @Post('profile/stop')
  @HttpCode(200)
  async stopProfile(): Promise<object | null> {
    const session = this.profiler;
    if (!session) return null;
    this.profiler = null;
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile;
  }

  @Get('raw-read')
  async rawRead(@Query('clientId') clientId: string): Promise<unknown> {
    const pool = await this.singleton.pool(clientId);
    return (await pool.query(TENANT_READ_SQL, [10, 0])).rows;
  }

  @Get('prisma-read')
  async prismaRead(@Query('clientId') clientId: string): Promise<unknown> {
    const prisma = await this.singleton.get(clientId);
    return prisma.project.findMany({ take: 10, orderBy: { name: 'asc' } });
  }
}
