import { Controller, Get, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as TenantPrismaClient } from '../../generated/prisma-client/client.js';
import { RequireCapabilities, TenantScoped } from '../auth/decorators.js';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import { TenantRegistryService } from '../../database/tenant-registry.service.js';
import { RequestContext } from '../../common/request-context.js';

/**
 * Bench-only routes (BENCH_ROUTES=true, never in production): the same read
 * through the tenancy runtime and through one singleton client, so the suite
 * can measure what tenancy costs per request.
 */
@Injectable()
export class SingletonTenantClient implements OnModuleDestroy {
  private client: { prisma: TenantPrismaClient; pool: pg.Pool } | null = null;

  constructor(private readonly registry: TenantRegistryService) {}

  async get(clientId: string): Promise<TenantPrismaClient> {
    if (!this.client) {
      const rec = (await this.registry.get(clientId))!;
      const pool = new pg.Pool({
        host: rec.server.host,
        port: rec.server.port,
        user: rec.role,
        password: rec.password,
        database: rec.databaseName,
        max: 4,
      });
      this.client = { prisma: new TenantPrismaClient({ adapter: new PrismaPg(pool) }), pool };
    }
    return this.client.prisma;
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
