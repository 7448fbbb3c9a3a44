import { Injectable, Logger } from '@nestjs/common';
import { crashPoint } from '../../../common/crash-point.js';
import type { DatabaseServerConfig } from '../../../database/database-servers.js';
import { InvalidationService } from '../../../database/invalidation.service.js';
import { quoteIdent } from '../../../database/sql.js';
import { TenantDatabasesService } from '../../../database/tenant-databases.service.js';
import { TenantRegistryService } from '../../../database/tenant-registry.service.js';
import type { ClientRecord } from '../../clients/index.js';
import { BackupsRepository } from '../backups/backups.repository.js';
import type { JobContext } from '../jobs/job.types.js';
import { OperationStateError } from '../operations.errors.js';
import { MoveCopyService } from './move-copy.service.js';

/** What a move job keeps in its data: where from and to, and the status to return to. */
export interface MoveData {
  server: string;
  from?: string;
  previousStatus?: string;
}

export interface MoveResult {
  from: string;
  to: string;
  schemaVersion: string | null;
  tables: Record<string, number>;
  /** Rows written or deleted during the first copy, caught up in the maintenance window, per table. */
  caughtUp?: Record<string, number>;
  /** Where the maintenance window went: entering it (incl. letting every instance see it), locking, catch-up, verification, switch. */
  window?: Record<string, number>;
  totalMs: number;
  maintenanceMs: number;
  resumed: boolean;
}

/** Statuses a client may be moved in (its database exists and no other operation owns it). */
export const MOVABLE_STATUSES = ['active', 'suspended'];

/** After maintenance is published: time for every instance to have seen it before the tables are locked. */
const SETTLE_MS = 150;

/**
 * Moves a client's database to another server of TENANT_DATABASE_SERVERS:
 * target created (at the source's schema version) → a first full copy while
 * the client works → maintenance → writes locked out, the rows changed since
 * caught up under one snapshot → every table verified (row count and the sum
 * of every row's md5, computed by both servers) → registry switched and every
 * instance told → maintenance ends → source dropped. Each step is a checkpoint of the job;
 * an attempt that finds an earlier one died looks at the registry, the truth:
 * switched → it finishes (drops the source); not switched → it rolls back
 * (drops the target, ends maintenance) and moves again. The copying (the
 * first copy and the maintenance window) is MoveCopyService's; this runs
 * the steps around it and the recovery.
 */
@Injectable()
export class MoveService {
  private readonly logger = new Logger(MoveService.name);

  constructor(
    private readonly dbs: TenantDatabasesService,
    private readonly registry: TenantRegistryService,
    private readonly store: BackupsRepository,
    private readonly invalidation: InvalidationService,
    private readonly copies: MoveCopyService,
  ) {}

  async move(client: ClientRecord, ctx: JobContext): Promise<MoveResult> {
    const started = Date.now();
    const data = ctx.data as unknown as MoveData;
    const to = this.registry.server(data.server);
    let resumed = false;
    if (ctx.checkpoint !== null && data.from && data.previousStatus) {
      resumed = true;
      if (client.databaseServer === to.name) {
        // An earlier attempt switched the registry and died before the end: finish.
        await this.endMaintenance(client.id, data.previousStatus);
        await this.dropSource(this.registry.server(data.from), client);
        await ctx.setCheckpoint('dropped');
        const version = await this.dbs.versionOf(to, client.databaseName);
        return {
          from: data.from,
          to: to.name,
          schemaVersion: version,
          tables: {},
          totalMs: Date.now() - started,
          maintenanceMs: 0,
          resumed,
        };
      }
      // Not switched: undo what it did, then move again from the start.
      await this.rollback(client, to, data.previousStatus);
      client = { ...client, status: ((await this.store.statusOf(client.id)) ?? client.status) as ClientRecord['status'] };
    }
    if (!MOVABLE_STATUSES.includes(client.status)) throw new OperationStateError(`A client in status ${client.status} cannot be moved`);
    if (client.databaseServer === to.name) throw new OperationStateError(`The client is on server ${to.name} already`);
    const from = this.registry.server(client.databaseServer);
    const previousStatus = client.status;
    await ctx.save({ from: from.name, previousStatus });
    await ctx.setCheckpoint('started');
    crashPoint('move:started');
    let maintenanceStarted = 0;
    let maintenanceMs = 0;
    try {
      const version = await this.dbs.versionOf(from, client.databaseName);
      await this.createTarget(to, client, version);
      await ctx.setCheckpoint('created');
      crashPoint('move:created');
      // A first full copy while the client works as usual: the maintenance window only catches up.
      await this.copies.precopy(client, from, to);
      await ctx.setCheckpoint('precopied');
      crashPoint('move:precopied');
      await ctx.progress(1, 4);

      // Maintenance starts once both connections are open (inside the window: only the catch-up, checks and switch).
      const enterMaintenance = async () => {
        if (previousStatus !== 'active') return;
        if (!(await this.store.setStatus(client.id, ['active'], 'maintenance')))
          throw new OperationStateError('The client changed status; not moved');
        maintenanceStarted = Date.now();
        await this.invalidation.publish('client', client.id);
        await ctx.setCheckpoint('maintenance');
        crashPoint('move:maintenance');
        await new Promise((r) => setTimeout(r, SETTLE_MS));
      };
      const { tables, caughtUp, phases } = await this.copies.copyVerifySwitch(
        client,
        from,
        to,
        version,
        previousStatus,
        ctx,
        enterMaintenance,
      );
      maintenanceMs = maintenanceStarted ? Date.now() - maintenanceStarted : 0;
      await this.invalidation.publish('client', client.id);
      await ctx.setCheckpoint('switched');
      crashPoint('move:switched');

      await this.dropSource(from, client);
      await ctx.setCheckpoint('dropped');
      crashPoint('move:dropped');
      await ctx.progress(4, 4);
      return {
        from: from.name,
        to: to.name,
        schemaVersion: version,
        tables,
        caughtUp,
        window: phases,
        totalMs: Date.now() - started,
        maintenanceMs,
        resumed,
      };
    } catch (err) {
      if ((await this.store.serverOf(client.id)) !== to.name) {
        await this.rollback(client, to, previousStatus).catch((e: unknown) =>
          this.logger.error(`Rolling back the move of ${client.slug} failed: ${(e as Error).message}`),
        );
      }
      throw err;
    }
  }

  /** The target database at the source's schema version, with the tenant's role and grants. */
  private async createTarget(to: DatabaseServerConfig, client: ClientRecord, version: string | null): Promise<void> {
    const admin = this.dbs.admin(to);
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(client.databaseName)} WITH (FORCE)`);
    await this.dbs.ensureGroupRole(to);
    await this.dbs.createAtVersion(to, client.databaseName, version);
    await this.dbs.withDatabase(to, client.databaseName, (c) => this.dbs.grantTablePrivileges(c));
    const { role, passwordEnc } = await this.store.credentials(client.id);
    await this.dbs.ensureRole(to, role, this.registry.secrets.open(passwordEnc));
    await this.dbs.restrictAccess(to, client.databaseName, role);
  }

  private async endMaintenance(clientId: string, previousStatus: string): Promise<void> {
    if (previousStatus === 'active' && (await this.store.setStatus(clientId, ['maintenance'], 'active')))
      await this.invalidation.publish('client', clientId);
    else await this.invalidation.publish('client', clientId);
  }

  /** Not switched: the target goes (database and role), the client stays where it was and returns to its status. */
  private async rollback(client: ClientRecord, to: DatabaseServerConfig, previousStatus: string): Promise<void> {
    if ((await this.store.serverOf(client.id)) === to.name) return;
    const { role } = await this.store.credentials(client.id);
    await this.dbs.dropDatabaseAndRole(to, client.databaseName, role);
    await this.endMaintenance(client.id, previousStatus);
  }

  private async dropSource(from: DatabaseServerConfig, client: ClientRecord): Promise<void> {
    const { role } = await this.store.credentials(client.id);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dbs.dropDatabaseAndRole(from, client.databaseName, role);
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }
}
