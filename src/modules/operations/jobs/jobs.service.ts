import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { Clock } from '../../../common/clock.js';
import { NotFoundError } from '../../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, toPage } from '../../../common/pagination.js';
import { constraintViolation } from '../../../common/prisma-errors.js';
import { MainPrismaService } from '../../../database/main-prisma.service.js';
import { safeErrorMessage } from '../../clients/index.js';
import { JobConflictError } from '../operations.errors.js';
import { JobQueueService } from './job-queue.service.js';
import { JOB_TYPES, JobFailure, type JobContext, type JobHandler, type JobRecord, type JobStatus, type JobType } from './job.types.js';
import { JobsRepository, StoredJob } from './jobs.repository.js';

/** A worker looks this often for jobs whose attempt died with its instance, and hands them out again. */
const ORPHAN_CHECK_MS = 15_000;
/** An attempt takes its lock within moments of being handed its job; only jobs active longer than this are checked. */
const ORPHAN_GRACE_SECONDS = 10;

/**
 * Operation jobs: created here (atomically refusing a second open job on one
 * client), run by whichever worker instance pg-boss hands them to, or in the
 * calling process for the CLI (`runInline`), and read by GET /jobs.
 */
@Injectable()
export class JobsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private readonly handlers = new Map<JobType, JobHandler>();
  private orphanTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueueService,
    private readonly main: MainPrismaService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    for (const type of JOB_TYPES) this.queue.setHandler(type, (id) => this.execute(id, type));
  }

  /** Worker instances look for orphaned jobs at start (a restart after a crash) and every ORPHAN_CHECK_MS. */
  onApplicationBootstrap(): void {
    if (!this.queue.worker) return;
    const check = () =>
      void this.reclaimOrphans().catch((err: unknown) => this.logger.warn(`Looking for orphaned jobs failed: ${safeErrorMessage(err)}`));
    check();
    this.orphanTimer = setInterval(check, ORPHAN_CHECK_MS);
    this.orphanTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.orphanTimer) clearInterval(this.orphanTimer);
  }

  /**
   * Jobs whose attempt died with its instance (SIGKILL, a lost machine): pg-boss
   * would wait for them to expire (30 min). Each attempt holds its job's lock
   * (JobsRepository.lockAttempt) while it runs; a running job whose lock is
   * free has no live attempt, and is handed out again at once, under that
   * lock so no new attempt can start before it is handed back. The next
   * attempt resumes or rolls back from the checkpoint the dead one left.
   */
  async reclaimOrphans(): Promise<number> {
    let reclaimed = 0;
    for (const job of await this.jobs.activeQueued(ORPHAN_GRACE_SECONDS)) {
      const release = await this.jobs.lockAttempt(job.id, false);
      if (!release) continue; // an attempt is alive
      try {
        if ((await this.jobs.activeQueued(ORPHAN_GRACE_SECONDS, job.id)).length === 0) continue; // finished or handed out meanwhile
        await this.queue.retryNow(job.type, job.id);
        reclaimed++;
        this.logger.warn(`Job ${job.type} ${job.id}: its attempt died with its instance; handed out again`);
      } finally {
        await release();
      }
    }
    return reclaimed;
  }

  register(type: JobType, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  /**
   * Queues a job for the workers; 409 JOB_CONFLICT while the client has one
   * queued or running (or, with `exclusive`, while any job of the type is open).
   */
  async enqueue(type: JobType, clientId: string | null, data: object = {}, options: { exclusive?: boolean } = {}): Promise<JobRecord> {
    const id = randomUUID();
    await this.queue.boss(); // started before the transaction: no connection held while pg-boss creates its schema
    await this.inTransaction(async (conn) => {
      if (options.exclusive) await this.refuseOpen(conn, type);
      await this.jobs.insert(conn, { id, type, clientId, status: 'queued', data, startedAt: null });
      await this.queue.send(conn, type, id);
    });
    return this.get(id);
  }

  /**
   * Runs a job in this process (the CLI: no worker needed), recorded and
   * conflict-checked like a queued one. Resolves with the finished job.
   */
  async runInline(
    type: JobType,
    clientId: string | null,
    data: object = {},
    options: { exclusive?: boolean; onCreated?: (id: string) => void } = {},
  ): Promise<JobRecord> {
    const id = randomUUID();
    await this.inTransaction(async (conn) => {
      if (options.exclusive) await this.refuseOpen(conn, type);
      await this.jobs.insert(conn, { id, type, clientId, status: 'running', data: { ...data, inline: true }, startedAt: this.clock.now() });
    });
    options.onCreated?.(id);
    await this.execute(id, type);
    return this.get(id);
  }

  /** Queues child jobs of `parentId` (one transaction: all or none); answers their ids. */
  async enqueueChildren(type: JobType, parentId: string, items: object[]): Promise<string[]> {
    const ids = items.map(() => randomUUID());
    await this.queue.boss();
    await this.inTransaction(async (conn) => {
      for (const [i, data] of items.entries()) {
        await this.jobs.insert(conn, { id: ids[i], type, clientId: null, status: 'queued', data: { ...data, parentId }, startedAt: null });
        await this.queue.send(conn, type, ids[i]);
      }
    });
    return ids;
  }

  children(parentId: string): Promise<JobRecord[]> {
    return this.jobs.children(parentId);
  }

  /** One open job of a type at a time: serialised on an advisory lock for the transaction. */
  private async refuseOpen(conn: import('pg').PoolClient, type: JobType): Promise<void> {
    await conn.query("SELECT pg_advisory_xact_lock(hashtext('freetimechat-job-type:' || $1))", [type]);
    const open = await this.jobs.openOfType(conn, type);
    if (open) throw new JobConflictError(open);
  }

  private async inTransaction(fn: (conn: import('pg').PoolClient) => Promise<void>): Promise<void> {
    const conn = await this.main.pool.connect();
    try {
      await conn.query('BEGIN');
      await fn(conn);
      await conn.query('COMMIT');
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => undefined);
      if (constraintViolation(err)?.sqlState === '23505' || (err as { code?: string }).code === '23505') throw new JobConflictError();
      throw err;
    } finally {
      conn.release();
    }
  }

  /**
   * One attempt at a job. A handler's failure is recorded and not rethrown:
   * retrying a refused restore would not help, and the operator sees why. A
   * crash (the process dies) leaves the pg-boss job active until it expires;
   * pg-boss then hands it to another instance, which starts here again with
   * the checkpoint the first attempt recorded.
   */
  async execute(id: string, type: JobType): Promise<void> {
    // Held for the whole attempt: an attempt of this job still alive (handed out again after it expired) finishes
    // first, and then this one finds the job finished. The lock is how other instances know this attempt is alive.
    const release = (await this.jobs.lockAttempt(id, true))!;
    try {
      await this.attempt(id, type);
    } finally {
      await release();
    }
  }

  private async attempt(id: string, type: JobType): Promise<void> {
    let job = await this.jobs.markRunning(id, this.clock.now());
    if (!job && type === 'backups.expire' && !(await this.jobs.findById(id))) {
      // A scheduled run (pg-boss cron) has no row yet: record it so GET /jobs shows it too.
      await this.inTransaction((conn) =>
        this.jobs.insert(conn, { id, type, clientId: null, status: 'running', data: {}, startedAt: this.clock.now() }),
      );
      job = await this.jobs.findById(id);
    }
    if (!job) return; // finished already (a duplicate delivery)
    const handler = this.handlers.get(type);
    // Progress reports are written one at a time, in the order they were made (a handler reporting from
    // concurrent work must not have an earlier count land last), and all before the job is marked finished:
    // a parent summing its batches' progress once they are finished must see their last report.
    const progressWrites = pLimit(1);
    const progressWritten = () => progressWrites(() => undefined);
    const ctx: JobContext = {
      id,
      clientId: job.clientId,
      data: job.data,
      checkpoint: job.checkpoint,
      progress: (done, total) => progressWrites(() => this.jobs.progress(id, done, total)),
      setCheckpoint: (name) => this.jobs.checkpoint(id, name),
      save: async (patch) => {
        ctx.data = await this.jobs.mergeData(id, patch);
      },
    };
    try {
      if (!handler) throw new Error(`No handler for job type ${type}`);
      const result = await handler(ctx);
      await progressWritten();
      await this.jobs.finish(id, { status: 'succeeded', result, at: this.clock.now() });
    } catch (err) {
      await progressWritten();
      const error = safeErrorMessage(err);
      this.logger.warn(`Job ${type} ${id} failed: ${error}`);
      const result = err instanceof JobFailure ? err.result : undefined;
      await this.jobs.finish(id, { status: 'failed', error, result, at: this.clock.now() });
    }
  }

  async get(id: string): Promise<JobRecord> {
    await this.jobs.failAbandoned(this.clock.now());
    const job = await this.jobs.findById(id);
    if (!job) throw new NotFoundError('Job');
    return publicJob(job);
  }

  async list(query: { type?: string; status?: JobStatus; clientId?: string; limit?: number; cursor?: string }): Promise<Page<JobRecord>> {
    await this.jobs.failAbandoned(this.clock.now());
    const limit = query.limit ?? 50;
    const cursor = decodeCursor(query.cursor, isCreatedAtIdCursor);
    const rows = await this.jobs.list({
      type: query.type,
      status: query.status,
      clientId: query.clientId,
      limit,
      after: cursor ? { createdAt: new Date(cursor.t), id: cursor.id } : null,
    });
    return toPage(rows, limit, publicJob, (r) => ({ t: r.createdAt.toISOString(), id: r.id }));
  }

  /** Waits for a job to finish (the CLI's `--wait`, tests). */
  async waitFor(id: string, timeoutMs = 120_000): Promise<JobRecord> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.get(id);
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      if (Date.now() > until) return job;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function publicJob(job: StoredJob): JobRecord {
  return {
    id: job.id,
    type: job.type,
    clientId: job.clientId,
    status: job.status,
    progress: job.progress,
    result: job.result,
    error: job.error,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
