import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma-main/client.js';
import { AppConfigService } from '../config/config.service.js';
import { pgConfigFromUrl } from './sql.js';

/**
 * The main database (users, RBAC, tenant registry, sessions, impersonation).
 * Its credentials never serve tenant traffic.
 */
@Injectable()
export class MainPrismaService extends PrismaClient implements OnModuleDestroy {
  readonly pool: pg.Pool;

  constructor(config: AppConfigService) {
    const pool = new pg.Pool({
      ...pgConfigFromUrl(config.get('DATABASE_URL')),
      max: config.get('MAIN_POOL_SIZE'),
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 3_000,
      // A hung query must not hang a request: fail it and answer 503/500.
      options: '-c statement_timeout=15000',
      application_name: 'freetimechat-main',
    });
    // An idle connection that dies (server restart) must not crash the process.
    pool.on('error', () => undefined);
    // No stack trace captured per query (see createTenantClient).
    super({ adapter: new PrismaPg(pool), errorFormat: 'minimal' });
    this.pool = pool;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
