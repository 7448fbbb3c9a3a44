import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Clock } from '../../../common/clock.js';
import { crashPoint } from '../../../common/crash-point.js';
import { AppConfigService } from '../../../config/config.service.js';
import { InvalidationService } from '../../../database/invalidation.service.js';
import { currentVersion, migrate } from '../../../database/migrator.js';
import { ProvisioningService } from '../../../database/provisioning.service.js';
import { quoteIdent } from '../../../database/sql.js';
import { TenantConnectionManager } from '../../../database/tenant-connection-manager.js';
import { TenantDatabasesService } from '../../../database/tenant-databases.service.js';
import { TenantRegistryService } from '../../../database/tenant-registry.service.js';
import type { ClientRecord } from '../../clients/index.js';
import { copyIn, copyOut, listTables, resetSequences } from '../copy/table-copy.js';
import { BackupIntegrityError } from '../operations.errors.js';
import { BackupRecord, BackupsRepository } from './backups.repository.js';
import { extractedPath, extractTarGz, sha256File, writeTarGz } from './tar.js';

/** Version of the archive layout (manifest.json + tables/<table>.copy); a reader refuses newer ones. */
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupManifest {
  format: 'freetimechat-backup';
  formatVersion: number;
  clientId: string;
  slug: string;
  schemaVersion: string | null;
  createdAt: string;
  tables: { name: string; columns: string[]; rows: number; sha256: string }[];
}

type Progress = (done: number, total: number) => Promise<void>;

/**
 * Backups and restores of tenant databases over admin connections (never
 * the tenant's pools). A backup is one REPEATABLE READ READ ONLY snapshot
 * of every data table, each written with COPY … TO STDOUT in primary-key
 * order, so the same data always gives the same bytes and checksum.
 */
@Injectable()
export class BackupsService {
  private readonly logger = new Logger(BackupsService.name);

  constructor(
    private readonly config: AppConfigService,
    private readonly dbs: TenantDatabasesService,
    private readonly registry: TenantRegistryService,
    private readonly backups: BackupsRepository,
    private readonly provisioning: ProvisioningService,
    private readonly connections: TenantConnectionManager,
    private readonly invalidation: InvalidationService,
    private readonly clock: Clock,
  ) {}

  get root(): string {
    return path.resolve(this.config.get('BACKUP_DIR'));
  }

  /** Takes a backup of the client's database now; answers its record. */
  async backup(client: ClientRecord, reason: 'manual' | 'delete', progress: Progress = async () => undefined): Promise<BackupRecord> {
    const server = this.registry.server(client.databaseServer);
    const id = randomUUID();
    const dir = path.join(this.root, client.id);
    await mkdir(dir, { recursive: true });
    const staging = await mkdtemp(path.join(dir, `.tmp-${id}-`));
    try {
      const createdAt = this.clock.now();
      const manifest = await this.dbs.withDatabase(server, client.databaseName, async (c) => {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          const schemaVersion = await currentVersion(c);
          const tables = await listTables(c);
          const out: BackupManifest['tables'] = [];
          for (const [i, t] of tables.entries()) {
            const { rows, sha256 } = await copyOut(c, t, path.join(staging, `tables__${t.name}.copy`));
            out.push({ name: t.name, columns: t.columns, rows, sha256 });
            await progress(i + 1, tables.length + 1);
          }
          return {
            format: 'freetimechat-backup',
            formatVersion: BACKUP_FORMAT_VERSION,
            clientId: client.id,
            slug: client.slug,
            schemaVersion,
            createdAt: createdAt.toISOString(),
            tables: out,
          } satisfies BackupManifest;
        } finally {
          await c.query('COMMIT').catch(() => undefined);
        }
      });
      await writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
      const archive = path.join(dir, `${id}.tar.gz`);
      const partial = path.join(staging, 'archive.tar.gz');
      const files = [{ name: 'manifest.json', path: path.join(staging, 'manifest.json') }].concat(
        manifest.tables.map((t) => ({ name: `tables/${t.name}.copy`, path: path.join(staging, `tables__${t.name}.copy`) })),
      );
      const { sizeBytes, sha256 } = await writeTarGz(partial, files, createdAt);
      await rename(partial, archive);
      const record: BackupRecord = {
        id,
        clientId: client.id,
        reason,
        schemaVersion: manifest.schemaVersion,
        path: path.relative(this.root, archive),
        sizeBytes,
        sha256,
        tables: Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows])),
        createdAt,
        expiresAt: new Date(createdAt.getTime() + this.config.get('BACKUP_RETENTION_DAYS') * 86_400_000),
      };
      await this.backups.insert(record);
      await progress(manifest.tables.length + 1, manifest.tables.length + 1);
      return record;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async databaseExists(client: ClientRecord): Promise<boolean> {
    return this.dbs.databaseExists(this.registry.server(client.databaseServer), client.databaseName);
  }

  archivePath(backup: BackupRecord): string {
    return path.join(this.root, backup.path);
  }

  /**
   * Makes the client's data exactly the backup's: loaded into a fresh
   * database beside the current one (cloned from the template at the
   * backup's version or migrated to it), verified table by table (rows and
   * checksums), migrated forward, then renamed into place while the client
   * is in maintenance; the old database is dropped. On a failure before the
   * swap the client keeps its database and returns to its previous status.
   */
  async restore(
    client: ClientRecord,
    backup: BackupRecord,
    step: {
      checkpoint: string | null;
      set(name: string): Promise<void>;
      progress: Progress;
      /** What an earlier attempt saved (the server chosen for a deleted client), and a way to save it. */
      data?: Record<string, unknown>;
      save?(patch: Record<string, unknown>): Promise<void>;
    },
  ): Promise<{ tables: Record<string, number>; schemaVersion: string | null }> {
    const archive = this.archivePath(backup);
    if ((await sha256File(archive)) !== backup.sha256)
      throw new BackupIntegrityError('The backup archive does not match its recorded sha256; not restoring from it');
    const work = await mkdtemp(path.join(this.root, '.restore-'));
    const wasDeleted = client.status === 'deleted';
    const previous = client.status;
    // A deleted client is placed like a new one; a resumed attempt keeps the first attempt's choice.
    const saved = typeof step.data?.server === 'string' ? step.data.server : null;
    const server = this.registry.server(saved ?? (wasDeleted ? await this.provisioning.chooseServer() : client.databaseServer));
    if (wasDeleted && !saved) await step.save?.({ server: server.name });
    const staging = `${client.databaseName}_restore`;
    try {
      const names = await extractTarGz(archive, work);
      if (!names.includes('manifest.json')) throw new BackupIntegrityError('The archive has no manifest.json');
      const manifest = JSON.parse(await readFile(extractedPath(work, 'manifest.json'), 'utf8')) as BackupManifest;
      if (manifest.format !== 'freetimechat-backup' || manifest.formatVersion > BACKUP_FORMAT_VERSION)
        throw new BackupIntegrityError('Unknown backup format');
      if (manifest.clientId !== client.id) throw new BackupIntegrityError('The backup belongs to another client');
      const known = this.dbs.migrations;
      if (manifest.schemaVersion !== null && !known.some((m) => m.name === manifest.schemaVersion)) {
        throw new BackupIntegrityError(`The backup's schema version ${manifest.schemaVersion} is unknown to this release (newer?)`);
      }
      if (!wasDeleted && !(await this.backups.setStatus(client.id, ['active', 'maintenance', 'suspended'], 'maintenance'))) {
        throw new BackupIntegrityError(`The client cannot be restored in status ${client.status}`);
      }
      await this.invalidation.publish('client', client.id);
      const total = manifest.tables.length * 2 + 2;
      if (step.checkpoint !== 'verified') {
        await this.dbs.admin(server).query(`DROP DATABASE IF EXISTS ${quoteIdent(staging)} WITH (FORCE)`);
        await this.dbs.createAtVersion(server, staging, manifest.schemaVersion);
        await this.dbs.withDatabase(server, staging, async (c) => {
          await c.query('BEGIN');
          // Foreign keys and triggers are checked by the source database already; rows load in any table order.
          await c.query('SET LOCAL session_replication_role = replica');
          for (const [i, t] of manifest.tables.entries()) {
            await copyIn(c, t.name, t.columns, extractedPath(work, `tables/${t.name}.copy`));
            await step.progress(i + 1, total);
          }
          await resetSequences(c);
          await c.query('COMMIT');
          const tables = await listTables(c);
          for (const [i, t] of manifest.tables.entries()) {
            const info = tables.find((x) => x.name === t.name);
            if (!info) throw new BackupIntegrityError(`Table ${t.name} is missing after the restore`);
            const got = await copyOut(c, { ...info, columns: t.columns }, null);
            if (got.rows !== t.rows || got.sha256 !== t.sha256) {
              throw new BackupIntegrityError(
                `Table ${t.name} differs after loading (${got.rows} rows, expected ${t.rows}); not swapped in`,
              );
            }
            await step.progress(manifest.tables.length + i + 1, total);
          }
          const extra = tables.filter((x) => !manifest.tables.some((t) => t.name === x.name));
          for (const t of extra) {
            const n = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quoteIdent(t.name)}`);
            if (n.rows[0].n !== '0') throw new BackupIntegrityError(`Table ${t.name} is not in the backup but holds rows`);
          }
          await migrate(c, known);
          await this.dbs.grantTablePrivileges(c);
        });
        await step.set('verified');
        crashPoint('restore:verified');
      }
      // The swap: the verified database takes the client's database name (the naming rule stays true).
      const { role, passwordEnc } = await this.backups.credentials(client.id);
      await this.connections.close(client.id);
      // After a crash the swap may be done already (no staging database left): then it must not drop the restored one.
      if (await this.dbs.databaseExists(server, staging)) {
        if (!wasDeleted)
          await this.dbs
            .admin(this.registry.server(client.databaseServer))
            .query(`DROP DATABASE IF EXISTS ${quoteIdent(client.databaseName)} WITH (FORCE)`);
        crashPoint('restore:dropped');
        await this.dbs.admin(server).query(`ALTER DATABASE ${quoteIdent(staging)} RENAME TO ${quoteIdent(client.databaseName)}`);
      } else if (!(await this.dbs.databaseExists(server, client.databaseName))) {
        throw new BackupIntegrityError('Neither the restored database nor its staging copy exists; restore again');
      }
      crashPoint('restore:swapped');
      await this.dbs.ensureRole(server, role, this.registry.secrets.open(passwordEnc));
      await this.dbs.restrictAccess(server, client.databaseName, role);
      const version = await this.dbs.versionOf(server, client.databaseName);
      const users = await this.backups.completeRestore(client.id, server.name, version, this.clock.now());
      await this.invalidation.publish('client', client.id);
      for (const u of users) await this.invalidation.publish('user', u);
      await step.progress(total, total);
      return { tables: Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows])), schemaVersion: version };
    } catch (err) {
      if (step.checkpoint !== 'verified') {
        await this.dbs
          .admin(server)
          .query(`DROP DATABASE IF EXISTS ${quoteIdent(staging)} WITH (FORCE)`)
          .catch(() => undefined);
        if (!wasDeleted && previous !== 'maintenance') {
          await this.backups.setStatus(client.id, ['maintenance'], previous).catch(() => undefined);
          await this.invalidation.publish('client', client.id).catch(() => undefined);
        }
      }
      throw err;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Deletes archives past BACKUP_RETENTION_DAYS; answers how many. */
  async expire(): Promise<{ deleted: number }> {
    let deleted = 0;
    for (const b of await this.backups.expired(this.clock.now())) {
      await rm(this.archivePath(b), { force: true });
      await this.backups.delete(b.id);
      deleted++;
    }
    if (deleted) this.logger.log(`Deleted ${deleted} expired backup(s)`);
    return { deleted };
  }
}
