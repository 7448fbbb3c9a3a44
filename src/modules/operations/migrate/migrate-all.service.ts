import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { ValidationFailedError } from '../../../common/errors.js';
import type { DatabaseServerConfig } from '../../../database/database-servers.js';
import { currentVersion, migrate } from '../../../database/migrator.js';
import { quoteIdent } from '../../../database/sql.js';
import { TenantDatabasesService } from '../../../database/tenant-databases.service.js';
import { TenantRegistryService } from '../../../database/tenant-registry.service.js';
import {
  ClientMigrationsService,
  type ClientRecord,
  ClientsRepository,
  safeErrorMessage,
  type TenantMigrationResult,
} from '../../clients/index.js';
import { copyBetween, listTables, resetSequences } from '../copy/table-copy.js';
import { JobFailure, type JobContext, type JobRecord } from '../jobs/job.types.js';
import { JobsService } from '../jobs/jobs.service.js';
import { OperationStateError } from '../operations.errors.js';

/** Clients per child job: the unit two instances share. */
export const MIGRATE_BATCH_SIZE = 25;
/** Clients one child job works on at once. */
const BATCH_CONCURRENCY = 4;
/** Statuses whose databases take migrations. */
const MIGRATABLE = ['active', 'suspended', 'maintenance'];
/** Disposable copies of a dry run: `freetimechat_dryrun_<client id without dashes>_<job tag>`. */
const DRY_RUN_PREFIX = 'freetimechat_dryrun_';

export interface MigrateAllInput {
  dryRun?: boolean;
  clientIds?: string[];
}

/** One client's outcome: a migration run's, for a dry run on a copy (with the time the copy took). */
export interface ClientMigrateOutcome extends TenantMigrationResult {
  /** Dry run: time to make the disposable copy (schema and data). */
  copyMs?: number;
}

export interface MigrateAllResult {
  dryRun: boolean;
  total: number;
  migrated: number;
  current: number;
  failed: number;
  durationMs: number;
  results: ClientMigrateOutcome[];
}

interface ParentData {
  dryRun?: boolean;
  clientIds?: string[];
  inline?: boolean;
}

interface BatchData {
  dryRun?: boolean;
  clientIds: string[];
  parentId: string;
}

/**
 * Migrations across clients (`POST /clients/migrate`, `clients:migrate`) as
 * jobs: a parent job splits the clients into batches of child jobs on the
 * queue, which any running worker instance takes, and gathers their
 * results. Run in-process (the CLI) it works through the batches itself. A
 * dry run applies each client's pending migrations to a disposable copy of
 * its database (schema at its version, data copied with COPY) and drops it.
 */
@Injectable()
export class MigrateAllService {
  private readonly logger = new Logger(MigrateAllService.name);
  /** Names this process in batch results (which instance did which batch). */
  readonly instanceId = randomUUID();
  /** Dry-run schema templates this process made, per server, version and job tag (cloned for each client's copy). */
  private readonly templates = new Map<string, Promise<string>>();
  /** Clients per child job (MIGRATE_BATCH_SIZE; tests make it smaller to spread a few clients over instances). */
  batchSize = MIGRATE_BATCH_SIZE;

  constructor(
    private readonly clients: ClientsRepository,
    private readonly migrations: ClientMigrationsService,
    private readonly dbs: TenantDatabasesService,
    private readonly registry: TenantRegistryService,
    private readonly jobs: JobsService,
  ) {}

  register(): void {
    this.jobs.register('clients.migrate', (ctx) => this.runParent(ctx));
    this.jobs.register('clients.migrate.batch', (ctx) => this.runBatch(ctx));
  }

  /** 400 for ids that name no client, 409 for clients without a database to migrate; answers the clients. */
  async validateTargets(clientIds: string[] | undefined): Promise<void> {
    if (!clientIds) return;
    const ids = [...new Set(clientIds.map((id) => id.toLowerCase()))];
    const found = await this.clients.findByIds(ids);
    const missing = ids.filter((id) => !found.some((c) => c.id === id));
    if (missing.length)
      throw new ValidationFailedError(
        `Unknown client id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
        missing.map((id) => ({ field: 'clientIds', message: `no client ${id}` })),
      );
    const not = found.filter((c) => !MIGRATABLE.includes(c.status));
    if (not.length) throw new OperationStateError(`Not migratable (status): ${not.map((c) => `${c.id} (${c.status})`).join(', ')}`);
  }

  async start(input: MigrateAllInput, inline = false, onCreated?: (id: string) => void): Promise<JobRecord> {
    await this.validateTargets(input.clientIds);
    const data = { dryRun: input.dryRun === true, ...(input.clientIds ? { clientIds: input.clientIds.map((i) => i.toLowerCase()) } : {}) };
    return inline
      ? this.jobs.runInline('clients.migrate', null, data, { exclusive: true, onCreated })
      : this.jobs.enqueue('clients.migrate', null, data, { exclusive: true });
  }

  private async targets(clientIds: string[] | undefined): Promise<ClientRecord[]> {
    const all = await this.clients.listMigratable(clientIds);
    return all.filter((c) => MIGRATABLE.includes(c.status));
  }

  private async runParent(ctx: JobContext): Promise<MigrateAllResult> {
    const started = Date.now();
    const data = ctx.data as ParentData;
    const dryRun = data.dryRun === true;
    const tag = ctx.id.replace(/-/g, '').slice(0, 8);
    try {
      let results: ClientMigrateOutcome[];
      if (data.inline) {
        const targets = await this.targets(data.clientIds);
        await ctx.progress(0, targets.length);
        let done = 0;
        results = await this.runMany(targets, dryRun, tag, async () => ctx.progress(++done, targets.length));
      } else {
        results = await this.spreadOverWorkers(ctx, dryRun);
      }
      const count = (s: ClientMigrateOutcome['status']) => results.filter((r) => r.status === s).length;
      const result: MigrateAllResult = {
        dryRun,
        total: results.length,
        migrated: count('migrated'),
        current: count('current'),
        failed: count('failed'),
        durationMs: Date.now() - started,
        results,
      };
      if (result.failed) throw new JobFailure(`${result.failed} of ${result.total} clients failed${dryRun ? ' (dry run)' : ''}`, result);
      return result;
    } finally {
      if (dryRun) {
        await this.dropTemplates(tag);
        await this.sweepCopies(tag);
      }
    }
  }

  /** Child jobs of MIGRATE_BATCH_SIZE clients (spawned once: a resumed parent finds them), awaited. */
  private async spreadOverWorkers(ctx: JobContext, dryRun: boolean): Promise<ClientMigrateOutcome[]> {
    let children = await this.jobs.children(ctx.id);
    let total: number;
    if (children.length === 0) {
      const targets = await this.targets((ctx.data as ParentData).clientIds);
      total = targets.length;
      await ctx.save({ total });
      const batches: BatchData[] = [];
      for (let i = 0; i < targets.length; i += this.batchSize)
        batches.push({ dryRun, clientIds: targets.slice(i, i + this.batchSize).map((c) => c.id), parentId: ctx.id });
      await this.jobs.enqueueChildren('clients.migrate.batch', ctx.id, batches);
      await ctx.setCheckpoint('spawned');
    } else total = Number((ctx.data as { total?: number }).total ?? 0);
    await ctx.progress(0, total);
    for (;;) {
      children = await this.jobs.children(ctx.id);
      const done = children.reduce((n, c) => n + c.progress.done, 0);
      await ctx.progress(Math.min(done, total), total);
      if (children.every((c) => c.status === 'succeeded' || c.status === 'failed')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const results: ClientMigrateOutcome[] = [];
    for (const c of children) {
      const r = c.result as { results?: ClientMigrateOutcome[] } | null;
      if (r?.results) results.push(...r.results);
      else {
        // A batch that failed as a whole (not per client): each of its clients is reported failed.
        const ids = ((c as unknown as { data?: BatchData }).data?.clientIds ?? []) as string[];
        for (const id of ids)
          results.push({
            clientId: id,
            slug: '',
            databaseServer: '',
            fromVersion: null,
            toVersion: null,
            applied: [],
            status: 'failed',
            error: c.error ?? 'the batch failed',
            durationMs: 0,
          });
      }
    }
    return results;
  }

  private async runBatch(ctx: JobContext): Promise<{ instance: string; results: ClientMigrateOutcome[] }> {
    const data = ctx.data as unknown as BatchData;
    const targets = await this.targets(data.clientIds);
    let done = 0;
    await ctx.progress(0, targets.length);
    const tag = data.parentId.replace(/-/g, '').slice(0, 8);
    try {
      const results = await this.runMany(targets, data.dryRun === true, tag, async () => ctx.progress(++done, targets.length));
      return { instance: this.instanceId, results };
    } finally {
      await this.dropTemplates(tag);
    }
  }

  private async runMany(targets: ClientRecord[], dryRun: boolean, tag: string, tick: () => Promise<void>): Promise<ClientMigrateOutcome[]> {
    const limit = pLimit(BATCH_CONCURRENCY);
    return Promise.all(
      targets.map((client) =>
        limit(async () => {
          const r: ClientMigrateOutcome = dryRun
            ? await this.dryRunTenant(client, tag)
            : await this.migrations.migrateTenant(client, false);
          await tick();
          return r;
        }),
      ),
    );
  }

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
      await this.cloneFrom(s, await this.templateAt(s, fromVersion, tag), copy);
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

  /** CREATE DATABASE … TEMPLATE, retried while another clone of the same template is starting (55006). */
  private async cloneFrom(server: DatabaseServerConfig, template: string, name: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.dbs.admin(server).query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt >= 60) throw err;
        await new Promise((r) => setTimeout(r, 25 + attempt * 10));
      }
    }
  }

  /** Drops this process's dry-run templates of one job. */
  private async dropTemplates(tag: string): Promise<void> {
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
  private async sweepCopies(tag: string): Promise<void> {
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
