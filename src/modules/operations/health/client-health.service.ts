import pLimit from 'p-limit';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { DatabaseServerConfig } from '../../../database/database-servers.js';
import { migrate } from '../../../database/migrator.js';
import { quoteIdent } from '../../../database/sql.js';
import { TEMPLATE_DATABASE, TenantDatabasesService } from '../../../database/tenant-databases.service.js';
import { TenantRegistryService } from '../../../database/tenant-registry.service.js';
import { type ClientRecord, safeErrorMessage } from '../../clients/index.js';
import { diffSchemas, SchemaSnapshot, snapshotSchema } from './schema-snapshot.js';

export interface ClientHealth {
  reachable: boolean;
  schemaVersion: string | null;
  pendingMigrations: string[];
  drift: string[];
  sizeBytes: number | null;
  /** Why the database could not be checked (unreachable), else absent. */
  error?: string;
}

/**
 * A tenant database's health: reachable, on which migration, what is
 * pending, its size, and its drift: every difference between its schema and
 * the schema its own migrations produce. A database on the newest version is
 * compared with the template; one behind it with a disposable reference
 * database migrated to exactly its version (created, migrated, read,
 * dropped; its snapshot is cached per version for this process).
 */
@Injectable()
export class ClientHealthService {
  private readonly references = new Map<string, Promise<SchemaSnapshot>>();

  constructor(
    private readonly dbs: TenantDatabasesService,
    private readonly registry: TenantRegistryService,
  ) {}

  /** Health of many clients, `concurrency` at a time (clients:doctor), in the clients' order. */
  async checkMany(clients: ClientRecord[], concurrency = 8): Promise<ClientHealth[]> {
    const limit = pLimit(Math.max(1, concurrency));
    return Promise.all(clients.map((c) => limit(() => this.check(c))));
  }

  async check(client: ClientRecord): Promise<ClientHealth> {
    let server: DatabaseServerConfig;
    try {
      server = this.registry.server(client.databaseServer);
    } catch (err) {
      return {
        reachable: false,
        schemaVersion: client.schemaVersion,
        pendingMigrations: [],
        drift: [],
        sizeBytes: null,
        error: safeErrorMessage(err),
      };
    }
    let state: { applied: string[]; snapshot: SchemaSnapshot; sizeBytes: number };
    let connected = false;
    try {
      state = await this.dbs.withDatabase(server, client.databaseName, async (c) => {
        connected = true;
        const applied = await appliedMigrations(c);
        const snapshot = await snapshotSchema(c);
        const size = await c.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
        return { applied, snapshot, sizeBytes: Number(size.rows[0].n) };
      });
    } catch (err) {
      // Only a database that cannot be reached is reported as such; a failing query is a bug, not a state.
      if (connected) throw err;
      return {
        reachable: false,
        schemaVersion: client.schemaVersion,
        pendingMigrations: [],
        drift: [],
        sizeBytes: null,
        error: safeErrorMessage(err),
      };
    }
    const known = this.dbs.migrations.map((m) => m.name);
    const schemaVersion = state.applied.at(-1) ?? null;
    const pendingMigrations = known.filter((n) => !state.applied.includes(n));
    const unknown = state.applied.filter((n) => !known.includes(n)).map((n) => `migration ${n} applied but unknown to this release`);
    const reference = await this.reference(server, schemaVersion);
    return {
      reachable: true,
      schemaVersion,
      pendingMigrations,
      drift: [...unknown, ...diffSchemas(reference, state.snapshot)],
      sizeBytes: state.sizeBytes,
    };
  }

  private reference(server: DatabaseServerConfig, version: string | null): Promise<SchemaSnapshot> {
    const key = `${server.name}|${version ?? ''}`;
    let p = this.references.get(key);
    if (!p) {
      p = (version === this.dbs.latestVersion ? this.templateSnapshot(server) : this.disposableSnapshot(server, version)).catch(
        (err: unknown) => {
          this.references.delete(key);
          throw err;
        },
      );
      this.references.set(key, p);
    }
    return p;
  }

  private async templateSnapshot(server: DatabaseServerConfig): Promise<SchemaSnapshot> {
    await this.dbs.ensureTemplate(server);
    return this.dbs.withDatabase(server, TEMPLATE_DATABASE, (c) => snapshotSchema(c));
  }

  /** A throwaway database migrated to `version` (none: empty), read and dropped. */
  private async disposableSnapshot(server: DatabaseServerConfig, version: string | null): Promise<SchemaSnapshot> {
    const name = `freetimechat_ref_${randomBytes(6).toString('hex')}`;
    const admin = this.dbs.admin(server);
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    try {
      const subset = this.dbs.migrations.filter((m) => version !== null && m.name <= version);
      return await this.dbs.withDatabase(server, name, async (c) => {
        if (subset.length > 0) await migrate(c, subset);
        return snapshotSchema(c);
      });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() => undefined);
    }
  }
}

async function appliedMigrations(c: pg.ClientBase): Promise<string[]> {
  const exists = await c.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`);
  if (!exists.rows[0]?.t) return [];
  const { rows } = await c.query<{ name: string }>(
    `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((r) => r.name);
}
