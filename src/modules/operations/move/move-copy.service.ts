import { Injectable } from '@nestjs/common';
import { crashPoint } from '../../../common/crash-point.js';
import type { DatabaseServerConfig } from '../../../database/database-servers.js';
import { currentVersion } from '../../../database/migrator.js';
import { quoteIdent } from '../../../database/sql.js';
import { TenantDatabasesService } from '../../../database/tenant-databases.service.js';
import type { ClientRecord } from '../../clients/index.js';
import { BackupsRepository } from '../backups/backups.repository.js';
import { copyBetween, listTables, resetSequences } from '../copy/table-copy.js';
import { syncTable, type TableDelta, verifyTables } from '../copy/table-sync.js';
import type { JobContext } from '../jobs/job.types.js';
import { BackupIntegrityError, OperationStateError } from '../operations.errors.js';

/** Both sides print values alike (digests and checksums compare text). */
const SAME_TEXT = `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'`;
/** How long the copy waits for writes in flight to finish before it gives up (the move then rolls back). */
const LOCK_TIMEOUT = '15s';

/**
 * The data of a move, copied twice: a first full copy while the client works
 * as usual, then the maintenance window, which only catches up what changed
 * since, verifies every table on both sides and switches the registry. The
 * steps around them (target, maintenance, checkpoints, rollback) are
 * MoveService's.
 */
@Injectable()
export class MoveCopyService {
  constructor(
    private readonly dbs: TenantDatabasesService,
    private readonly store: BackupsRepository,
  ) {}

  /** Every table copied from one snapshot of the source (writes go on meanwhile; the catch-up follows). */
  async precopy(client: ClientRecord, from: DatabaseServerConfig, to: DatabaseServerConfig): Promise<void> {
    await this.dbs.withDatabase(from, client.databaseName, (source) =>
      this.dbs.withDatabase(to, client.databaseName, async (target) => {
        await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          const tables = await listTables(source);
          await target.query('BEGIN');
          try {
            // Foreign keys and triggers were checked on the source; rows load in any table order.
            await target.query('SET LOCAL session_replication_role = replica');
            if (tables.length) await target.query(`TRUNCATE ${tables.map((t) => quoteIdent(t.name)).join(', ')}`);
            for (const t of tables) await copyBetween(source, target, t);
            await target.query('COMMIT');
          } catch (err) {
            await target.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        } finally {
          await source.query('COMMIT').catch(() => undefined);
        }
      }),
    );
  }

  /**
   * The maintenance window. The source's tables are locked against writes
   * (EXCLUSIVE: reads go on) before the snapshot is taken, so writes still in
   * flight commit first and are copied; nothing can write after. The target
   * catches up (rows changed since the first copy, by primary key and row
   * digest), then every table must match on both sides (row count and the
   * sum of every row's md5, computed by each server); then the registry points at the
   * target and the client leaves maintenance.
   */
  async copyVerifySwitch(
    client: ClientRecord,
    from: DatabaseServerConfig,
    to: DatabaseServerConfig,
    version: string | null,
    previousStatus: string,
    ctx: JobContext,
    enterMaintenance: () => Promise<void>,
  ): Promise<{ tables: Record<string, number>; caughtUp: Record<string, number>; phases: Record<string, number> }> {
    const phases: Record<string, number> = {};
    let last = 0;
    const mark = (name: string) => {
      const now = Date.now();
      phases[name] = now - last;
      last = now;
    };
    return this.dbs.withDatabase(from, client.databaseName, (source) =>
      this.dbs.withDatabase(to, client.databaseName, async (target) => {
        await source.query(SAME_TEXT);
        await target.query(SAME_TEXT);
        last = Date.now();
        await enterMaintenance();
        mark('enterMs');
        // The table list is read before the transaction: its snapshot must begin after the locks are held
        // (a REPEATABLE READ snapshot starts at its first query), or a write committed meanwhile would be missed.
        const tables = await listTables(source);
        await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        try {
          await source.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
          if (tables.length) await source.query(`LOCK TABLE ${tables.map((t) => quoteIdent(t.name)).join(', ')} IN EXCLUSIVE MODE`);
          if ((await listTables(source)).length !== tables.length)
            throw new OperationStateError('The client’s tables changed during the move; not moved');
          if ((await currentVersion(source)) !== version)
            throw new OperationStateError('The client was migrated during the move; not moved');
          mark('lockMs');
          const caughtUp: Record<string, number> = {};
          const deltas = new Map<string, TableDelta>();
          const there = await listTables(target);
          const missing = tables.filter((t) => !there.some((x) => x.name === t.name)).map((t) => t.name);
          const extra = there.filter((x) => !tables.some((t) => t.name === x.name)).map((x) => x.name);
          if (missing.length || extra.length)
            throw new BackupIntegrityError(
              `The target's tables differ from the source's (missing: ${missing.join(', ') || '-'}; extra: ${extra.join(', ') || '-'})`,
            );
          await target.query('BEGIN');
          try {
            await target.query('SET LOCAL session_replication_role = replica');
            for (const t of tables) {
              const d = await syncTable(source, target, t);
              deltas.set(t.name, d);
              if (d.changed + d.removed) caughtUp[t.name] = d.changed + d.removed;
            }
            await resetSequences(target);
            await target.query('COMMIT');
          } catch (err) {
            await target.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
          mark('catchUpMs');
          await ctx.setCheckpoint('copied');
          crashPoint('move:copied');
          await ctx.progress(2, 4);
          // The target, committed, against the locked source: row counts and checksums of every table.
          const rows = await verifyTables(target, tables, deltas);
          mark('verifyMs');
          await ctx.setCheckpoint('verified');
          crashPoint('move:verified');
          await ctx.progress(3, 4);
          if (!(await this.store.switchServer(client.id, from.name, to.name, previousStatus)))
            throw new OperationStateError('The client changed while it was copied; not moved');
          // Anything still queued on the locks writes nowhere: its connections end before the locks go.
          await source.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename <> current_user`,
          );
          mark('switchMs');
          return { tables: rows, caughtUp, phases };
        } finally {
          await source.query('ROLLBACK').catch(() => undefined);
        }
      }),
    );
  }
}
