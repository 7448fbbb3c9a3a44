import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { AppConfigService } from '../../../config/config.service.js';
import { JOB_TYPES, type JobType } from './job.types.js';

/** pg-boss keeps its tables in this schema of the main database, created by pg-boss itself at start. */
export const PGBOSS_SCHEMA = 'pgboss';

/** Provided (true) by the CLI: a command runs its own work in-process and must not take queued jobs. */
export const NO_JOB_WORKER = Symbol('NO_JOB_WORKER');

/** Attempts after the first: a job whose instance died is handed out again (JobsService finds it), or after EXPIRE_IN_MINUTES. */
const RETRY_LIMIT = 2;
/** The longest one attempt may run before pg-boss counts it as abandoned and retries it. */
const EXPIRE_IN_MINUTES = 30;

/**
 * The job queue: pg-boss on the main database. It starts on first use (an
 * enqueue) or, when this instance is a worker (JOBS_WORKER), at bootstrap,
 * and stops at shutdown after the running jobs finish.
 */
@Injectable()
export class JobQueueService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueueService.name);
  private starting: Promise<PgBoss> | null = null;
  private readonly handlers = new Map<JobType, (id: string) => Promise<void>>();

  constructor(
    private readonly config: AppConfigService,
    @Optional() @Inject(NO_JOB_WORKER) private readonly noWorker?: boolean,
  ) {}

  /** Hands a job whose attempt died back to pg-boss now (a retry while retries are left, else failed). */
  async retryNow(type: string, id: string): Promise<void> {
    const boss = await this.boss();
    await boss.fail(type, id, { message: 'its instance stopped during the attempt; handed out again' });
  }

  get worker(): boolean {
    return this.config.get('JOBS_WORKER') && this.noWorker !== true;
  }

  /** The worker for one job type; pg-boss hands each job to one free instance. */
  setHandler(type: JobType, run: (id: string) => Promise<void>): void {
    this.handlers.set(type, run);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.worker) return;
    const boss = await this.boss();
    for (const [type, run] of this.handlers) {
      await boss.work<{ id?: string | null }>(type, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        await run(job.data?.id ?? job.id);
      });
    }
    // Expired backups go once a day, and once at start (a stopped fleet may have missed days).
    await boss.schedule('backups.expire', '17 3 * * *', {});
    await boss.send('backups.expire', {});
  }

  /** Started pg-boss (once, even under concurrent first calls). */
  boss(): Promise<PgBoss> {
    this.starting ??= this.start().catch((err: unknown) => {
      this.starting = null;
      throw err;
    });
    return this.starting;
  }

  private async start(): Promise<PgBoss> {
    const boss = new PgBoss({
      connectionString: this.config.get('DATABASE_URL'),
      schema: PGBOSS_SCHEMA,
      max: 3,
      application_name: 'freetimechat-jobs',
      schedule: this.worker,
      supervise: true,
    });
    boss.on('error', (err: Error) => this.logger.warn(`job queue: ${err.message}`));
    await boss.start();
    for (const type of JOB_TYPES) {
      if (!(await boss.getQueue(type))) {
        await boss
          .createQueue(type, { name: type, retryLimit: RETRY_LIMIT, expireInMinutes: EXPIRE_IN_MINUTES, retentionDays: 7 })
          .catch(() => undefined); // created meanwhile by another instance
      }
    }
    return boss;
  }

  /** Sends a job inside the caller's transaction (`conn`), so it exists exactly when the caller's row does. */
  async send(conn: pg.ClientBase, type: JobType, id: string): Promise<void> {
    const boss = await this.boss();
    await boss.send(type, { id }, { id, db: { executeSql: (text, values) => conn.query(text, values) } });
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.starting) return;
    const boss = await this.starting.catch(() => null);
    this.starting = null;
    // Running jobs finish (up to 30 s) before the pools close; an unfinished one is retried by another instance.
    await boss?.stop({ graceful: true, timeout: 30_000, wait: true }).catch(() => undefined);
  }
}
