import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DatabaseServerConfig } from '../../../database/database-servers.js';
import { currentVersion, migrate } from '../../../database/migrator.js';
import { quoteIdent } from '../../../database/sql.js';
import { TenantDatabasesService } from '../../../database/tenant-databases.service.js';
import { TenantRegistryService } from '../../../database/tenant-registry.service.js';
import { type ClientRecord, safeErrorMessage, type TenantMigrationResult } from '../../clients/index.js';
import { copyBetween, listTables, resetSequences } from '../copy/table-copy.js';

/** Disposable copies of a dry run: `freetimechat_dryrun_<client id without dashes>_<job tag>`. */
const DRY_RUN_PREFIX = 'freetimechat_dryrun_';

/** One client's outcome: a migration run's, for a dry run on a copy (with the time the copy took). */
export interface ClientMigrateOutcome extends TenantMigrationResult {
  /** Dry run: time to make the disposable copy (schema and data). */
  copyMs?: number;
}

/**
 * Dry runs of migrations: each client's pending migrations applied to a
 * disposable copy of its database on the same server. Copies and the schema
 * templates they are cloned from are named after the job (its tag), so the
 * job's end can drop all of them, whichever instance made them. The
 * clients' own databases are only read.
 */
@Injectable()
export class MigrateDryRunService {
  private readonly logger = new Logger(MigrateDryRunService.name);
  /** Dry-run schema templates this process made, per server, version and job tag (cloned for each client's copy). */
  private readonly templates = new Map<string, Promise<string>>();

  constructor(
    private readonly dbs: TenantDatabasesService,
    private readonly registry: TenantRegistryService,
  ) {}

  /**
   * The client's pending migrations applied to a disposable copy of its
   * database on the same server (schema at its version, data streamed with
   * COPY from one snapshot), timed; the copy is dropped whatever happens.
   * The client's own database is only read.
   */
  async dryRunTenant(client: ClientRecord, tag: string): Promise<ClientMigrateOutcome> {
    const started = Date.now();
    const base = { clientId: client.id, slug: client.slug, databaseServer: client.databaseServer };
    let fromVersion: string | null = client.schemaVersion;
    const copy = `${DRY_RUN_PREFIX}${client.id.replace(/-/g, '')}_${tag}`;
    let server: DatabaseServerConfig | null = null;
    try {
      server = this.registry.server(client.databaseServer);
      const s = server;
      fromVersion = await this.dbs.versionOf(s, client.databaseName);
      const pending = this.dbs.migrations.filter((m) => fromVersion === null || m.name > fromVersion);
      if (pending.length === 0)
        return { ...base, fromVersion, toVersion: fromVersion, applied: [], status: 'current', error: null, durationMs: 0, copyMs: 0 };
      await this.dbs.admin(s).query(`DROP DATABASE IF EXISTS ${quoteIdent(copy)} WITH (FORCE)`);
      await this.dbs.cloneDatabase(s, await this.templateAt(s, fromVersion, tag), copy);
      await this.dbs.withDatabase(s, client.databaseName, (source) =>
        this.dbs.withDatabase(s, copy, async (target) => {
          await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
          try {
            await target.query('BEGIN');
            await target.query('SET LOCAL session_replication_role = replica');
            const tables = await listTables(source);
            if (tables.length) await target.query(`TRUNCATE ${tables.map((t) => quoteIdent(t.name)).join(', ')}`);
            for (const t of tables) await copyBetween(source, target, t);
            await resetSequences(target);
            await target.query('COMMIT');
          } finally {
            await source.query('COMMIT').catch(() => undefined);
          }
        }),
      );
      const copyMs = Date.now() - started;
      const t0 = Date.now();
      const r = await this.dbs.withDatabase(s, copy, async (c) => {
        try {
          return { ok: true as const, ...(await migrate(c, this.dbs.migrations)) };
        } catch (err) {
          return { ok: false as const, error: safeErrorMessage(err), version: await currentVersion(c).catch(() => null) };
        }
      });
      const durationMs = Date.now() - t0;
      if (r.ok)
        return {
          ...base,
          fromVersion,
          toVersion: r.schemaVersion,
          applied: r.applied,
          status: 'migrated',
          error: null,
          durationMs,
          copyMs,
        };
      const applied = pending.map((m) => m.name).filter((n) => r.version !== null && n <= r.version);
      return { ...base, fromVersion, toVersion: r.version, applied, status: 'failed', error: r.error, durationMs, copyMs };
    } catch (err) {
      return {
        ...base,
        fromVersion,
        toVersion: fromVersion,
        applied: [],
        status: 'failed',
        error: safeErrorMessage(err),
        durationMs: Date.now() - started,
      };
    } finally {
      if (server)
        await this.dbs
          .admin(server)
          .query(`DROP DATABASE IF EXISTS ${quoteIdent(copy)} WITH (FORCE)`)
          .catch((e: unknown) => this.logger.warn(`Could not drop the dry-run copy ${copy}: ${safeErrorMessage(e)}`));
    }
  }

  /**
   * An empty database at exactly `version` for this job (made once per
   * process, server and version: a clone of it is much cheaper than running
   * every migration again for each client). Named like the copies, so the
   * job's sweep drops it.
   */
  private templateAt(server: DatabaseServerConfig, version: string | null, tag: string): Promise<string> {
    const key = `${server.name}|${version ?? ''}|${tag}`;
    let p = this.templates.get(key);
    if (!p) {
      const name = `${DRY_RUN_PREFIX}tpl${randomUUID().replace(/-/g, '').slice(0, 12)}_${tag}`;
      p = this.dbs.createAtVersion(server, name, version).then(() => name);
      p.catch(() => this.templates.delete(key));
      this.templates.set(key, p);
    }
    return p;
  }

  /** Drops this process's dry-run templates of one job. */
  async dropTemplates(tag: string): Promise<void> {
    for (const [key, p] of [...this.templates]) {
      if (!key.endsWith(`|${tag}`)) continue;
      this.templates.delete(key);
      const name = await p.catch(() => null);
      const server = this.dbs.servers.find((s) => s.name === key.split('|')[0]);
      if (name && server)
        await this.dbs
          .admin(server)
          .query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
          .catch(() => undefined);
    }
  }

  /** Drops every dry-run copy of one job left on any server (by a batch that died before its own cleanup). */
  async sweepCopies(tag: string): Promise<void> {
    for (const server of this.dbs.servers) {
      try {
        const { rows } = await this.dbs
          .admin(server)
          .query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 AND right(datname, 9) = $2`, [
            `${DRY_RUN_PREFIX}%`,
            `_${tag}`,
          ]);
        for (const r of rows) await this.dbs.admin(server).query(`DROP DATABASE IF EXISTS ${quoteIdent(r.datname)} WITH (FORCE)`);
      } catch (err) {
        this.logger.warn(`Sweeping dry-run copies on ${server.name} failed: ${safeErrorMessage(err)}`);
      }
    }
  }
}
