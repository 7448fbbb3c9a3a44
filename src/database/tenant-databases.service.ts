import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfigService } from '../config/config.service.js';
import { currentVersion, loadMigrations, migrate, MigrationFile, MigrationResult } from './migrator.js';
import { migrationsDir } from './paths.js';
import { cloneDatabase, pgConfigFromUrl, quoteIdent, quoteLiteral } from './sql.js';
import { DatabaseServerConfig } from './database-servers.js';
import { TenantRegistryService } from './tenant-registry.service.js';

export const TEMPLATE_DATABASE = 'freetimechat_template';
/** Group role holding table privileges in every tenant database; tenant roles are its members. */
export const TENANT_GROUP_ROLE = 'freetimechat_tenant';
/** The advisory lock (on a server's admin database) held while its template is refreshed. */
const TEMPLATE_LOCK = 'freetimechat-tenant-template';

/**
 * Administrative work on tenant database servers: the migrated template,
 * cloning it, per-tenant roles, grants, migrations and drops. All over
 * parameterised SQL or quoted identifiers; never a shell.
 */
@Injectable()
export class TenantDatabasesService implements OnApplicationShutdown {
  private readonly logger = new Logger(TenantDatabasesService.name);
  private readonly adminPools = new Map<string, pg.Pool>();
  private migrationsCache: MigrationFile[] | null = null;

  constructor(
    private readonly registry: TenantRegistryService,
    private readonly config: AppConfigService,
  ) {}

  get migrations(): MigrationFile[] {
    this.migrationsCache ??= loadMigrations(migrationsDir('client'));
    return this.migrationsCache;
  }

  /** Reload migration files from disk (after new ones were added while running: CLI, tests). */
  reloadMigrations(files?: MigrationFile[]): void {
    this.migrationsCache = files ?? null;
  }

  get latestVersion(): string | null {
    return this.migrations.at(-1)?.name ?? null;
  }

  admin(server: DatabaseServerConfig): pg.Pool {
    let pool = this.adminPools.get(server.name);
    if (!pool) {
      pool = new pg.Pool({
        ...pgConfigFromUrl(server.adminUrl),
        max: 4,
        idleTimeoutMillis: 5_000,
        connectionTimeoutMillis: 5_000,
        application_name: 'freetimechat-admin',
      });
      pool.on('error', () => undefined);
      this.adminPools.set(server.name, pool);
    }
    return pool;
  }

  /** A short-lived admin connection to one database on a server. */
  async withDatabase<T>(server: DatabaseServerConfig, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({
      ...pgConfigFromUrl(server.adminUrl),
      database,
      application_name: 'freetimechat-admin',
      connectionTimeoutMillis: 5_000,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async databaseExists(server: DatabaseServerConfig, name: string): Promise<boolean> {
    const r = await this.admin(server).query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return r.rowCount === 1;
  }

  async roleExists(server: DatabaseServerConfig, name: string): Promise<boolean> {
    const r = await this.admin(server).query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    return r.rowCount === 1;
  }

  /** Creates the group role if missing (races between instances are harmless). */
  async ensureGroupRole(server: DatabaseServerConfig): Promise<void> {
    if (await this.roleExists(server, TENANT_GROUP_ROLE)) return;
    try {
      await this.admin(server).query(`CREATE ROLE ${quoteIdent(TENANT_GROUP_ROLE)} NOLOGIN`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42710' && (err as { code?: string }).code !== '23505') throw err;
    }
  }

  /**
   * Creates the template database if needed and brings it to the newest
   * client migration. Cheap when it is current (no connection to the
   * template kept, so clones are not blocked). One refresh at a time per
   * server, across every instance and process (instances starting, moves,
   * restores and health checks all call it): PostgreSQL refuses concurrent
   * GRANTs and REVOKEs of one object ("tuple concurrently updated"), and two
   * migrators would race on the same template.
   */
  async ensureTemplate(server: DatabaseServerConfig): Promise<MigrationResult> {
    return this.withServerLock(server, TEMPLATE_LOCK, () => this.refreshTemplate(server));
  }

  private async refreshTemplate(server: DatabaseServerConfig): Promise<MigrationResult> {
    await this.ensureGroupRole(server);
    if (!(await this.databaseExists(server, TEMPLATE_DATABASE))) {
      try {
        await this.admin(server).query(`CREATE DATABASE ${quoteIdent(TEMPLATE_DATABASE)}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
      }
    }
    await this.admin(server).query(`REVOKE CONNECT ON DATABASE ${quoteIdent(TEMPLATE_DATABASE)} FROM PUBLIC`);
    return this.withDatabase(server, TEMPLATE_DATABASE, async (c) => {
      const result = await migrate(c, this.migrations);
      await this.grantTablePrivileges(c);
      return result;
    });
  }

  /**
   * Runs `fn` holding a session advisory lock on the server's admin database,
   * on a connection of its own (not the admin pool's, which `fn` uses).
   */
  private async withServerLock<T>(server: DatabaseServerConfig, name: string, fn: () => Promise<T>): Promise<T> {
    return this.withDatabase(server, pgConfigFromUrl(server.adminUrl).database, async (c) => {
      await c.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
      try {
        return await fn();
      } finally {
        await c.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
      }
    });
  }

  /** Table privileges for the group role, now and for tables later migrations create. */
  async grantTablePrivileges(c: pg.ClientBase): Promise<void> {
    const g = quoteIdent(TENANT_GROUP_ROLE);
    await c.query(`GRANT USAGE ON SCHEMA public TO ${g}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${g}`);
    await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${g}`);
    await c.query(`REVOKE ALL ON TABLE "_prisma_migrations" FROM ${g}`);
    await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${g}`);
    await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${g}`);
  }

  /** Creates or updates a tenant's login role (idempotent). */
  async ensureRole(server: DatabaseServerConfig, role: string, password: string): Promise<void> {
    const q = this.admin(server);
    const attrs = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 50 PASSWORD ${quoteLiteral(password)}`;
    if (await this.roleExists(server, role)) {
      await q.query(`ALTER ROLE ${quoteIdent(role)} ${attrs}`);
    } else {
      try {
        await q.query(`CREATE ROLE ${quoteIdent(role)} ${attrs} IN ROLE ${quoteIdent(TENANT_GROUP_ROLE)}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42710') throw err;
        await q.query(`ALTER ROLE ${quoteIdent(role)} ${attrs}`);
      }
    }
    await q.query(`GRANT ${quoteIdent(TENANT_GROUP_ROLE)} TO ${quoteIdent(role)}`);
  }

  /** Clones the tenant template into `database`; nothing to do when it exists (a re-run). */
  async cloneTemplate(server: DatabaseServerConfig, database: string): Promise<void> {
    if (await this.databaseExists(server, database)) return;
    try {
      await this.cloneDatabase(server, TEMPLATE_DATABASE, database);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P04') throw err; // created meanwhile (a concurrent re-run)
    }
  }

  /** Clones `template` into `database` with the configured strategy (TENANT_CLONE_STRATEGY); see `cloneDatabase`. */
  cloneDatabase(server: DatabaseServerConfig, template: string, database: string): Promise<void> {
    return cloneDatabase(this.admin(server), template, database, this.config.get('TENANT_CLONE_STRATEGY'));
  }

  /**
   * Creates database `name` at exactly schema `version`: a template clone when
   * that is the newest, else an empty database migrated up to it.
   */
  async createAtVersion(server: DatabaseServerConfig, name: string, version: string | null): Promise<void> {
    if (version !== null && version === this.latestVersion) {
      await this.ensureTemplate(server);
      await this.cloneTemplate(server, name);
      return;
    }
    await this.admin(server).query(`CREATE DATABASE ${quoteIdent(name)}`);
    await this.withDatabase(server, name, (c) =>
      migrate(
        c,
        this.migrations.filter((m) => version !== null && m.name <= version),
      ),
    );
  }

  /** Only the tenant's role may connect to its database. */
  async restrictAccess(server: DatabaseServerConfig, database: string, role: string): Promise<void> {
    const q = this.admin(server);
    await q.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
    await q.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}`);
  }

  /** Applies pending client migrations to one tenant database. */
  async migrateDatabase(server: DatabaseServerConfig, database: string, migrations = this.migrations): Promise<MigrationResult> {
    return this.withDatabase(server, database, (c) => migrate(c, migrations));
  }

  async versionOf(server: DatabaseServerConfig, database: string): Promise<string | null> {
    return this.withDatabase(server, database, (c) => currentVersion(c));
  }

  /** Drops a tenant's database (closing its connections) and role; idempotent. */
  async dropDatabaseAndRole(server: DatabaseServerConfig, database: string, role: string): Promise<void> {
    const q = this.admin(server);
    await q.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    await q.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const pools = [...this.adminPools.values()];
    this.adminPools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }

  get servers(): DatabaseServerConfig[] {
    return this.registry.servers;
  }

  get log(): Logger {
    return this.logger;
  }
}
