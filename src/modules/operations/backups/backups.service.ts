import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { Clock } from '../../../common/clock.js';
import { AppConfigService } from '../../../config/config.service.js';
import type { DatabaseServerConfig } from '../../../database/database-servers.js';
import { InvalidationService } from '../../../database/invalidation.service.js';
import { currentVersion, migrate } from '../../../database/migrator.js';
import { ProvisioningService } from '../../../database/provisioning.service.js';
import { quoteIdent } from '../../../database/sql.js';
import { TenantConnectionManager } from '../../../database/tenant-connection-manager.js';
import { TenantDatabasesService } from '../../../database/tenant-databases.service.js';
import { TenantRegistryService } from '../../../database/tenant-registry.service.js';
import type { ClientRecord } from '../../clients/index.js';
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

interface TableInfo {
  name: string;
  columns: string[];
  orderBy: string[];
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
    step: { checkpoint: string | null; set(name: string): Promise<void>; progress: Progress },
  ): Promise<{ tables: Record<string, number>; schemaVersion: string | null }> {
    const archive = this.archivePath(backup);
    if ((await sha256File(archive)) !== backup.sha256)
      throw new BackupIntegrityError('The backup archive does not match its recorded sha256; not restoring from it');
    const work = await mkdtemp(path.join(this.root, '.restore-'));
    const wasDeleted = client.status === 'deleted';
    const previous = client.status;
    const server = this.registry.server(wasDeleted ? await this.provisioning.chooseServer() : client.databaseServer);
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
        await this.buildStaging(server, staging, manifest.schemaVersion);
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
      }
      // The swap: the verified database takes the client's database name (the naming rule stays true).
      const { role, passwordEnc } = await this.backups.credentials(client.id);
      await this.connections.close(client.id);
      if (!wasDeleted)
        await this.dbs
          .admin(this.registry.server(client.databaseServer))
          .query(`DROP DATABASE IF EXISTS ${quoteIdent(client.databaseName)} WITH (FORCE)`);
      await this.dbs.admin(server).query(`ALTER DATABASE ${quoteIdent(staging)} RENAME TO ${quoteIdent(client.databaseName)}`);
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

  /** A fresh database at exactly `version`: a template clone when that is the newest, else migrated up to it. */
  private async buildStaging(server: DatabaseServerConfig, name: string, version: string | null): Promise<void> {
    const admin = this.dbs.admin(server);
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    if (version === this.dbs.latestVersion) {
      await this.dbs.ensureTemplate(server);
      await this.dbs.cloneTemplate(server, name);
      return;
    }
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    await this.dbs.withDatabase(server, name, (c) =>
      migrate(
        c,
        this.dbs.migrations.filter((m) => version !== null && m.name <= version),
      ),
    );
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

/** Data tables of schema public (not Prisma's bookkeeping), with columns in order and the primary key to sort by. */
async function listTables(c: pg.ClientBase): Promise<TableInfo[]> {
  const { rows } = await c.query<{ name: string; columns: string[]; pk: string[] | null }>(
    `SELECT t.relname AS name,
            array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum) AS columns,
            (SELECT array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.n ORDER BY u.o)
               FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'p') AS pk
       FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND t.relname <> '_prisma_migrations'
      ORDER BY t.relname`,
  );
  return rows.map((r) => ({ name: r.name, columns: r.columns, orderBy: r.pk ?? r.columns }));
}

/** COPY one table out (to `file`, or only measured): rows and the sha256 of the COPY text. */
async function copyOut(c: pg.ClientBase, t: TableInfo, file: string | null): Promise<{ rows: number; sha256: string }> {
  const cols = t.columns.map(quoteIdent).join(', ');
  const order = t.orderBy.map(quoteIdent).join(', ');
  const stream = c.query(copyStreams.to(`COPY (SELECT ${cols} FROM ${quoteIdent(t.name)} ORDER BY ${order}) TO STDOUT`));
  const hash = createHash('sha256');
  let rows = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      for (const b of chunk) if (b === 10) rows++;
      done(null, chunk);
    },
  });
  if (file) await pipeline(stream, measure, createWriteStream(file, { flags: 'wx' }));
  else
    await pipeline(stream, measure, async (source: AsyncIterable<Buffer>) => {
      for await (const _chunk of source) void _chunk;
    });
  return { rows, sha256: hash.digest('hex') };
}

async function copyIn(c: pg.ClientBase, table: string, columns: string[], file: string): Promise<void> {
  const cols = columns.map(quoteIdent).join(', ');
  await pipeline(createReadStream(file), c.query(copyStreams.from(`COPY ${quoteIdent(table)} (${cols}) FROM STDIN`)));
}

/** Sequences owned by columns continue after the loaded rows. */
async function resetSequences(c: pg.ClientBase): Promise<void> {
  const { rows } = await c.query<{ seq: string; tbl: string; col: string }>(
    `SELECT s.oid::regclass::text AS seq, t.relname AS tbl, a.attname AS col
       FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE s.relkind = 'S' AND n.nspname = 'public'`,
  );
  for (const r of rows) {
    await c.query(`SELECT setval($1::regclass, coalesce((SELECT max(${quoteIdent(r.col)}) FROM ${quoteIdent(r.tbl)}), 0) + 1, false)`, [
      r.seq,
    ]);
  }
}
