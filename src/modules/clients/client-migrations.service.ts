import { Injectable, Logger } from '@nestjs/common';
import pLimit from 'p-limit';
import { Clock } from '../../common/clock.js';
import { TenantDatabasesService } from '../../database/tenant-databases.service.js';
import { currentVersion, migrate } from '../../database/migrator.js';
import { TenantRegistryService } from '../../database/tenant-registry.service.js';
import { ClientRecord, ClientsRepository } from './clients.repository.js';
import { safeErrorMessage } from './redact.js';

export type TenantMigrationStatus = 'migrated' | 'current' | 'failed';

/** What one tenant's migration run did. */
export interface TenantMigrationResult {
  clientId: string;
  slug: string;
  databaseServer: string;
  fromVersion: string | null;
  toVersion: string | null;
  applied: string[];
  status: TenantMigrationStatus;
  error: string | null;
  durationMs: number;
}

export interface MigrationProgress {
  done: number;
  total: number;
  failed: number;
  last: TenantMigrationResult;
}

export interface MigrateAllOptions {
  /** Only these clients (ids); default: every active or suspended client. */
  clientIds?: string[];
  /** Tenants migrated at once (default 4). */
  concurrency?: number;
  /**
   * Skip tenants whose recorded schema version is already the newest without
   * connecting to them (default true): re-running after a partial failure
   * resumes quickly.
   */
  skipCurrent?: boolean;
  onProgress?: (p: MigrationProgress) => void;
}

export interface MigrateAllReport {
  results: TenantMigrationResult[];
  total: number;
  migrated: number;
  current: number;
  failed: number;
  ok: boolean;
  latestVersion: string | null;
  durationMs: number;
}

/**
 * Applies pending client-database migrations to tenants, in-process (each
 * migration in its own transaction together with its `_prisma_migrations`
 * row, so a failure leaves that tenant exactly on its previous version).
 * Shared by `clients:migrate` and `POST /clients/:id/migrate`. One tenant's
 * failure never stops the others; every outcome is recorded in the registry
 * (`schema_version`, `last_migrated_at`, `last_migration_error`).
 */
@Injectable()
export class ClientMigrationsService {
  private readonly logger = new Logger(ClientMigrationsService.name);

  constructor(
    private readonly clients: ClientsRepository,
    private readonly dbs: TenantDatabasesService,
    private readonly registry: TenantRegistryService,
    private readonly clock: Clock,
  ) {}

  get latestVersion(): string | null {
    return this.dbs.latestVersion;
  }

  async migrateAll(options: MigrateAllOptions = {}): Promise<MigrateAllReport> {
    const started = Date.now();
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
    const skipCurrent = options.skipCurrent ?? true;
    const tenants = await this.clients.listMigratable(options.clientIds);
    const limit = pLimit(concurrency);
    let done = 0;
    let failed = 0;
    const results = await Promise.all(
      tenants.map((client) =>
        limit(async () => {
          const result = await this.migrateTenant(client, skipCurrent);
          done++;
          if (result.status === 'failed') failed++;
          try {
            options.onProgress?.({ done, total: tenants.length, failed, last: result });
          } catch {
            /* a progress display must not break the run */
          }
          return result;
        }),
      ),
    );
    const count = (s: TenantMigrationStatus) => results.filter((r) => r.status === s).length;
    return {
      results,
      total: results.length,
      migrated: count('migrated'),
      current: count('current'),
      failed: count('failed'),
      ok: failed === 0,
      latestVersion: this.latestVersion,
      durationMs: Date.now() - started,
    };
  }

  /** Migrates one tenant (always checking its database); never throws for a migration failure: see `status`. */
  async migrateTenant(client: ClientRecord, skipCurrent = false): Promise<TenantMigrationResult> {
    const started = Date.now();
    const base = { clientId: client.id, slug: client.slug, databaseServer: client.databaseServer, fromVersion: client.schemaVersion };
    const latest = this.latestVersion;
    if (skipCurrent && latest !== null && client.schemaVersion === latest && client.lastMigrationError === null) {
      return { ...base, toVersion: latest, applied: [], status: 'current', error: null, durationMs: Date.now() - started };
    }
    // Read the version before and (on failure) after over the same connection, so the
    // report says exactly what this run applied even when the registry was stale.
    let before: string | null | undefined;
    let after: string | null | undefined;
    try {
      const server = this.registry.server(client.databaseServer);
      const { applied, schemaVersion } = await this.dbs.withDatabase(server, client.databaseName, async (c) => {
        before = await currentVersion(c);
        try {
          return await migrate(c, this.dbs.migrations);
        } catch (err) {
          after = await currentVersion(c).catch(() => undefined);
          throw err;
        }
      });
      await this.clients.recordMigration(client.id, { schemaVersion, error: null, at: this.clock.now() });
      return {
        ...base,
        fromVersion: before ?? null,
        toVersion: schemaVersion,
        applied,
        status: applied.length > 0 ? 'migrated' : 'current',
        error: null,
        durationMs: Date.now() - started,
      };
    } catch (err) {
      const error = safeErrorMessage(err);
      // Earlier migrations of this run may have committed before the failing one
      // (each runs in its own transaction): record the version the database is really on.
      const actual = after !== undefined ? after : before !== undefined ? before : client.schemaVersion;
      await this.clients.recordMigration(client.id, { schemaVersion: actual, error, at: this.clock.now() }).catch((e: unknown) => {
        this.logger.error(`Could not record the migration failure of ${client.slug}: ${safeErrorMessage(e)}`);
      });
      this.logger.warn(`Migrating ${client.slug} failed: ${error}`);
      const from = before;
      const applied =
        from === undefined || actual === null
          ? []
          : this.dbs.migrations.map((m) => m.name).filter((n) => n <= actual && (from === null || n > from));
      return {
        ...base,
        fromVersion: from ?? client.schemaVersion,
        toVersion: actual,
        applied,
        status: 'failed',
        error,
        durationMs: Date.now() - started,
      };
    }
  }
}
