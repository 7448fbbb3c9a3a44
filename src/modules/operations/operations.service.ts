import { Injectable, OnModuleInit } from '@nestjs/common';
import { NotFoundError } from '../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, toPage } from '../../common/pagination.js';
import { ClientsRepository, type ClientRecord, ClientsService } from '../clients/index.js';
import { BackupRecord, BackupsRepository } from './backups/backups.repository.js';
import { BackupsService } from './backups/backups.service.js';
import { ClientHealth, ClientHealthService } from './health/client-health.service.js';
import type { JobRecord } from './jobs/job.types.js';
import { JobsService } from './jobs/jobs.service.js';
import { MigrateAllService } from './migrate/migrate-all.service.js';
import { MOVABLE_STATUSES, MoveService } from './move/move.service.js';
import { OperationStateError } from './operations.errors.js';
import { TenantRegistryService } from '../../database/tenant-registry.service.js';
import { ValidationFailedError } from '../../common/errors.js';

/** Client statuses whose database exists and can be backed up. */
const BACKUP_STATUSES = ['active', 'suspended', 'maintenance'];

/**
 * Operations on tenant databases for platform admins and the CLI: health,
 * backups and restores, each long one as a job. The job handlers live here
 * so a worker instance and the CLI run the same code.
 */
@Injectable()
export class OperationsService implements OnModuleInit {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly clientsService: ClientsService,
    private readonly jobs: JobsService,
    private readonly health: ClientHealthService,
    private readonly backupsService: BackupsService,
    private readonly backups: BackupsRepository,
    private readonly moves: MoveService,
    private readonly migrateAll: MigrateAllService,
    private readonly registry: TenantRegistryService,
  ) {}

  onModuleInit(): void {
    this.jobs.register('client.backup', async (ctx) => {
      const client = await this.client(ctx.clientId!);
      const b = await this.backupsService.backup(client, 'manual', ctx.progress);
      return { backupId: b.id, sizeBytes: b.sizeBytes, sha256: b.sha256, tables: b.tables };
    });
    this.jobs.register('client.restore', async (ctx) => {
      const client = await this.client(ctx.clientId!);
      const backup = await this.backups.findForClient(client.id, String(ctx.data.backupId));
      if (!backup) throw new NotFoundError('Backup');
      const r = await this.backupsService.restore(client, backup, {
        checkpoint: ctx.checkpoint,
        set: ctx.setCheckpoint,
        progress: ctx.progress,
        data: ctx.data,
        save: ctx.save,
      });
      return { backupId: backup.id, ...r };
    });
    this.jobs.register('client.move', async (ctx) => this.moves.move(await this.client(ctx.clientId!), ctx));
    this.migrateAll.register();
    this.jobs.register('backups.expire', () => this.backupsService.expire());
    // A deleted client keeps a final backup for BACKUP_RETENTION_DAYS, so it can be restored.
    this.clientsService.beforeDatabaseDrop(async (client) => {
      if (await this.backupsService.databaseExists(client)) await this.backupsService.backup(client, 'delete');
    });
  }

  async client(id: string): Promise<ClientRecord> {
    const client = await this.clients.findById(id);
    if (!client) throw new NotFoundError('Client');
    return client;
  }

  async healthOf(id: string): Promise<ClientHealth> {
    return this.health.check(await this.client(id));
  }

  async startBackup(id: string, inline = false): Promise<JobRecord> {
    const client = await this.client(id);
    if (!BACKUP_STATUSES.includes(client.status))
      throw new OperationStateError(`A client in status ${client.status} has no database to back up`);
    return inline ? this.jobs.runInline('client.backup', id) : this.jobs.enqueue('client.backup', id);
  }

  async startRestore(id: string, backupId: string, inline = false): Promise<JobRecord> {
    const client = await this.client(id);
    if (![...BACKUP_STATUSES, 'deleted'].includes(client.status))
      throw new OperationStateError(`A client in status ${client.status} cannot be restored`);
    if (!(await this.backups.findForClient(id, backupId))) throw new NotFoundError('Backup');
    return inline ? this.jobs.runInline('client.restore', id, { backupId }) : this.jobs.enqueue('client.restore', id, { backupId });
  }

  /**
   * Moves the client's database to `server`: 400 VALIDATION_FAILED for a
   * server not in TENANT_DATABASE_SERVERS, 409 CONFLICT when it is there
   * already or not active/suspended, 409 JOB_CONFLICT while another
   * operation on it is open.
   */
  async startMove(id: string, server: string, inline = false): Promise<JobRecord> {
    const client = await this.client(id);
    if (!this.registry.servers.some((s) => s.name === server))
      throw ValidationFailedError.field(
        'server',
        `Unknown database server "${server}"; configured: ${this.registry.servers.map((s) => s.name).join(', ')}`,
      );
    if (client.databaseServer === server) throw new OperationStateError(`The client's database is on server ${server} already`);
    const [here, there] = [this.registry.server(client.databaseServer), this.registry.server(server)];
    // Two names for one PostgreSQL server: the target database would be the source itself (same name); refused.
    if (here.host === there.host && here.port === there.port)
      throw new OperationStateError(`Servers ${here.name} and ${there.name} are the same PostgreSQL server (${here.host}:${here.port})`);
    if (!MOVABLE_STATUSES.includes(client.status)) throw new OperationStateError(`A client in status ${client.status} cannot be moved`);
    return inline ? this.jobs.runInline('client.move', id, { server }) : this.jobs.enqueue('client.move', id, { server });
  }

  async listBackups(id: string, query: { limit?: number; cursor?: string }): Promise<Page<BackupRecord>> {
    await this.client(id);
    const limit = query.limit ?? 50;
    const cursor = decodeCursor(query.cursor, isCreatedAtIdCursor);
    const rows = await this.backups.list(id, limit, cursor ? { createdAt: new Date(cursor.t), id: cursor.id } : null);
    return toPage(
      rows,
      limit,
      (r) => r,
      (r) => ({ t: r.createdAt.toISOString(), id: r.id }),
    );
  }

  async backupFile(id: string, backupId: string): Promise<{ backup: BackupRecord; file: string }> {
    await this.client(id);
    const backup = await this.backups.findForClient(id, backupId);
    if (!backup) throw new NotFoundError('Backup');
    return { backup, file: this.backupsService.archivePath(backup) };
  }
}
