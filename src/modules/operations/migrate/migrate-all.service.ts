import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { ValidationFailedError } from '../../../common/errors.js';
import { ClientMigrationsService, type ClientRecord, ClientsRepository } from '../../clients/index.js';
import { JobFailure, type JobContext, type JobRecord } from '../jobs/job.types.js';
import { JobsService } from '../jobs/jobs.service.js';
import { OperationStateError } from '../operations.errors.js';
import { type ClientMigrateOutcome, MigrateDryRunService } from './migrate-dry-run.service.js';

/** Clients per child job: the unit two instances share. */
export const MIGRATE_BATCH_SIZE = 25;
/** Clients one child job works on at once. */
const BATCH_CONCURRENCY = 4;
/** Statuses whose databases take migrations. */
const MIGRATABLE = ['active', 'suspended', 'maintenance'];

export interface MigrateAllInput {
  dryRun?: boolean;
  clientIds?: string[];
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
 * dry run migrates a disposable copy of each client's database instead
 * (MigrateDryRunService), and the parent drops whatever copies its job left.
 */
@Injectable()
export class MigrateAllService {
  /** Names this process in batch results (which instance did which batch). */
  readonly instanceId = randomUUID();
  /** Clients per child job (MIGRATE_BATCH_SIZE; tests make it smaller to spread a few clients over instances). */
  batchSize = MIGRATE_BATCH_SIZE;

  constructor(
    private readonly clients: ClientsRepository,
    private readonly migrations: ClientMigrationsService,
    private readonly jobs: JobsService,
    private readonly dryRuns: MigrateDryRunService,
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
        await this.dryRuns.dropTemplates(tag);
        await this.dryRuns.sweepCopies(tag);
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
      await this.dryRuns.dropTemplates(tag);
    }
  }

  private async runMany(targets: ClientRecord[], dryRun: boolean, tag: string, tick: () => Promise<void>): Promise<ClientMigrateOutcome[]> {
    const limit = pLimit(BATCH_CONCURRENCY);
    return Promise.all(
      targets.map((client) =>
        limit(async () => {
          const r: ClientMigrateOutcome = dryRun
            ? await this.dryRuns.dryRunTenant(client, tag)
            : await this.migrations.migrateTenant(client, false);
          await tick();
          return r;
        }),
      ),
    );
  }
}
