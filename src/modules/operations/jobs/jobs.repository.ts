import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { MainPrismaService } from '../../../database/main-prisma.service.js';
import type { OperationJob } from '../../../generated/prisma-main/client.js';
import { Prisma } from '../../../generated/prisma-main/client.js';
import type { JobRecord, JobStatus } from './job.types.js';

export interface JobFilter {
  type?: string;
  status?: JobStatus;
  clientId?: string;
  limit: number;
  after?: { createdAt: Date; id: string } | null;
}

export interface StoredJob extends JobRecord {
  data: Record<string, unknown>;
  checkpoint: string | null;
}

function toRecord(row: OperationJob): StoredJob {
  return {
    id: row.id,
    type: row.type,
    clientId: row.clientId,
    status: row.status as JobStatus,
    progress: { done: row.progressDone, total: row.progressTotal },
    result: row.result ?? null,
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    data: (row.data ?? {}) as Record<string, unknown>,
    checkpoint: row.checkpoint,
  };
}

/** Advisory lock namespace of job attempts (the key is hashtext(job id)). */
const JOB_LOCK_NAMESPACE = 4242101;

/** `operation_jobs`: what the API shows of each job, beside pg-boss's own queue tables. */
@Injectable()
export class JobsRepository {
  constructor(private readonly main: MainPrismaService) {}

  /**
   * Takes the lock a running attempt holds for its whole run, on a connection
   * of its own: PostgreSQL releases it when that connection ends, so a lock
   * that can be taken means no live attempt runs the job (its process died).
   * With `wait`, waits for it; else answers null when someone holds it.
   * Answers the release.
   */
  async lockAttempt(id: string, wait: boolean): Promise<(() => Promise<void>) | null> {
    const conn = await this.main.pool.connect();
    try {
      const r = await conn.query<{ ok: boolean }>(
        wait ? 'SELECT pg_advisory_lock($1, hashtext($2)) IS NOT NULL AS ok' : 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
        [JOB_LOCK_NAMESPACE, id],
      );
      if (!r.rows[0]?.ok) {
        conn.release();
        return null;
      }
    } catch (err) {
      conn.release(true);
      throw err;
    }
    return async () => {
      let broken = false;
      await conn.query('SELECT pg_advisory_unlock($1, hashtext($2))', [JOB_LOCK_NAMESPACE, id]).catch(() => (broken = true));
      // A connection whose unlock failed is closed rather than pooled: closing releases the lock too.
      conn.release(broken || undefined);
    };
  }

  /**
   * Jobs pg-boss counts as running (active) and we recorded as running, that
   * started more than `graceSeconds` ago (an attempt takes its lock within
   * moments of being handed the job): candidates for a dead attempt.
   */
  async activeQueued(graceSeconds: number, id?: string): Promise<{ id: string; type: string }[]> {
    const exists = await this.main.pool.query<{ t: string | null }>(`SELECT to_regclass('pgboss.job')::text AS t`);
    if (!exists.rows[0]?.t) return [];
    const r = await this.main.pool.query<{ id: string; type: string }>(
      `SELECT o.id, o.type FROM operation_jobs o JOIN pgboss.job b ON b.id = o.id
        WHERE o.status = 'running' AND b.state = 'active' AND b.started_on < now() - make_interval(secs => $1)
          AND ($2::uuid IS NULL OR o.id = $2::uuid)`,
      [graceSeconds, id ?? null],
    );
    return r.rows;
  }

  /**
   * Inserts the job row over `conn` (inside the caller's transaction, so the
   * row and the pg-boss job commit together). The partial unique index on
   * open jobs per client turns a concurrent second operation into 23505.
   */
  async insert(
    conn: pg.ClientBase,
    job: { id: string; type: string; clientId: string | null; status: JobStatus; data: object; startedAt: Date | null },
  ): Promise<void> {
    await conn.query(`INSERT INTO operation_jobs (id, type, client_id, status, data, started_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`, [
      job.id,
      job.type,
      job.clientId,
      job.status,
      JSON.stringify(job.data),
      job.startedAt,
    ]);
  }

  async findById(id: string): Promise<StoredJob | null> {
    const row = await this.main.operationJob.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async findOpenForClient(clientId: string): Promise<StoredJob | null> {
    const row = await this.main.operationJob.findFirst({ where: { clientId, status: { in: ['queued', 'running'] } } });
    return row ? toRecord(row) : null;
  }

  /** Newest first, keyset-paginated on (created_at, id); fetches `limit + 1` rows. */
  async list(filter: JobFilter): Promise<StoredJob[]> {
    const after = filter.after;
    const rows = await this.main.operationJob.findMany({
      where: {
        ...(filter.type ? { type: filter.type } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.clientId ? { clientId: filter.clientId } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit + 1,
    });
    return rows.map(toRecord);
  }

  async markRunning(id: string, at: Date): Promise<StoredJob | null> {
    const { count } = await this.main.operationJob.updateMany({
      where: { id, status: { in: ['queued', 'running'] } },
      data: { status: 'running', startedAt: at, error: null },
    });
    return count === 0 ? null : this.findById(id);
  }

  async progress(id: string, done: number, total: number): Promise<void> {
    await this.main.operationJob.update({ where: { id }, data: { progressDone: done, progressTotal: total } });
  }

  /** Merges `patch` into the job's data (what a later attempt needs to resume), answering the merged data. */
  async mergeData(id: string, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = await this.main.pool.query<{ data: Record<string, unknown> }>(
      `UPDATE operation_jobs SET data = coalesce(data, '{}'::jsonb) || $2::jsonb WHERE id = $1 RETURNING data`,
      [id, JSON.stringify(patch)],
    );
    return r.rows[0]?.data ?? patch;
  }

  /** The jobs a parent job spawned (`data.parentId`), oldest first. */
  async children(parentId: string): Promise<StoredJob[]> {
    const rows = await this.main.operationJob.findMany({
      where: { data: { path: ['parentId'], equals: parentId } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toRecord);
  }

  /** An open job of `type` (queued or running), over `conn`: used under a lock to allow one at a time. */
  async openOfType(conn: pg.ClientBase, type: string): Promise<string | null> {
    const r = await conn.query<{ id: string }>(
      `SELECT id FROM operation_jobs WHERE type = $1 AND status IN ('queued', 'running') LIMIT 1`,
      [type],
    );
    return r.rows[0]?.id ?? null;
  }

  async checkpoint(id: string, name: string): Promise<void> {
    await this.main.operationJob.update({ where: { id }, data: { checkpoint: name } });
  }

  async finish(id: string, outcome: { status: 'succeeded' | 'failed'; result?: unknown; error?: string | null; at: Date }): Promise<void> {
    await this.main.operationJob.update({
      where: { id },
      data: {
        status: outcome.status,
        result: outcome.result === undefined || outcome.result === null ? Prisma.DbNull : (outcome.result as Prisma.InputJsonValue),
        error: outcome.error ?? null,
        finishedAt: outcome.at,
      },
    });
  }

  /** Open jobs whose pg-boss job ended without the worker recording it (expired after its retries, cancelled). */
  async failAbandoned(at: Date): Promise<number> {
    const exists = await this.main.pool.query<{ t: string | null }>(`SELECT to_regclass('pgboss.job')::text AS t`);
    if (!exists.rows[0]?.t) return 0;
    const r = await this.main.pool.query(
      `UPDATE operation_jobs o SET status = 'failed', finished_at = $1,
              error = coalesce(o.error, 'The job ' || b.state || ' before it finished (its instance stopped and its retries ran out)')
         FROM pgboss.job b
        WHERE b.id = o.id AND o.status IN ('queued', 'running') AND b.state IN ('failed', 'cancelled')`,
      [at],
    );
    return r.rowCount ?? 0;
  }
}
