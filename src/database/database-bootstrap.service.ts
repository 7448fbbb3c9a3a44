import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import pg from 'pg';
import { AppConfigService } from '../config/config.service.js';
import { loadMigrations, migrate, MigrationResult } from './migrator.js';
import { migrationsDir } from './paths.js';
import { databaseOf, pgConfigFromUrl, quoteIdent } from './sql.js';
import { MainPrismaService } from './main-prisma.service.js';
import { TenantDatabasesService } from './tenant-databases.service.js';

export interface DbMigrateResult {
  main: MigrationResult;
  templates: Record<string, MigrationResult>;
}

/**
 * `db:migrate`: the main database's migrations, then every tenant server's
 * template. Run at start when DB_MIGRATE_ON_START is on.
 */
@Injectable()
export class DatabaseBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DatabaseBootstrapService.name);

  constructor(
    private readonly config: AppConfigService,
    private readonly main: MainPrismaService,
    private readonly dbs: TenantDatabasesService,
  ) {}

  /** Least privilege, checked at every start: tenant roles must not reach the main database. */
  async onApplicationBootstrap(): Promise<void> {
    const db = databaseOf(this.config.get('DATABASE_URL'));
    await this.main.pool.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(db)} FROM PUBLIC`).catch((err: Error) => {
      this.logger.warn(`Could not revoke PUBLIC access to the main database: ${err.message}`);
    });
  }

  async migrateAll(): Promise<DbMigrateResult> {
    const mainResult = await migrateMainDatabase(this.config.get('DATABASE_URL'));
    if (mainResult.applied.length) this.logger.log(`main database: applied ${mainResult.applied.join(', ')}`);
    const templates: Record<string, MigrationResult> = {};
    for (const server of this.dbs.servers) {
      templates[server.name] = await this.dbs.ensureTemplate(server);
      if (templates[server.name].applied.length) {
        this.logger.log(`template on ${server.name}: applied ${templates[server.name].applied.join(', ')}`);
      }
    }
    await this.syncServers();
    return { main: mainResult, templates };
  }

  /** Records the configured tenant servers in the registry. */
  async syncServers(): Promise<void> {
    for (const s of this.dbs.servers) {
      await this.main.databaseServer.upsert({
        where: { name: s.name },
        create: { name: s.name, host: s.host, port: s.port },
        update: { host: s.host, port: s.port },
      });
    }
  }
}

/** Migrates the main database over one admin connection, and keeps tenant roles out of it. */
export async function migrateMainDatabase(url: string): Promise<MigrationResult> {
  const client = new pg.Client({ ...pgConfigFromUrl(url), application_name: 'freetimechat-migrate' });
  await client.connect();
  try {
    const result = await migrate(client, loadMigrations(migrationsDir('main')));
    // Least privilege: tenant roles must not reach the main database.
    await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(databaseOf(url))} FROM PUBLIC`).catch(() => undefined);
    return result;
  } finally {
    await client.end().catch(() => undefined);
  }
}
