import { Injectable } from '@nestjs/common';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';

/** A delivery claimed for sending, with what the request needs. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  url: string;
  secretSealed: string;
  attempts: number;
  createdAt: Date;
  failingSince: Date | null;
  event: { id: string; type: string; createdAt: Date; data: unknown };
}

/**
 * The dispatcher's side of the delivery log, in the tenant database of the
 * current context: claiming due deliveries, recording their outcomes, and
 * retention. The REST side (endpoints, pings, redeliveries, the log as read
 * by users) is WebhooksRepository.
 */
@Injectable()
export class WebhookDispatchRepository {
  constructor(private readonly tenant: TenantPrismaProvider) {}

  private get db() {
    return this.tenant.client;
  }

  /**
   * Claims up to `limit` due deliveries of active endpoints for `leaseSeconds`
   * (FOR UPDATE SKIP LOCKED: instances never claim the same row), skipping any
   * delivery behind an earlier pending one of the same endpoint and resource
   * (order per resource). A claim that is not finished in time (a crash) is
   * claimed again after the lease: at least once.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    const rows = await this.db.$queryRaw<
      {
        id: string;
        endpoint_id: string;
        url: string;
        secret_sealed: string;
        attempts: number;
        created_at: Date;
        failing_since: Date | null;
        event_id: string;
        type: string;
        event_created_at: Date;
        data: unknown;
      }[]
    >`
      WITH claimed AS (
        UPDATE "webhook_deliveries" d
           SET "locked_until" = now() + make_interval(secs => ${leaseSeconds})
         WHERE d."id" IN (
           SELECT x."id" FROM "webhook_deliveries" x
             JOIN "webhook_endpoints" ep ON ep."id" = x."endpoint_id" AND ep."active"
            WHERE x."status" = 'pending' AND x."next_attempt_at" <= now()
              AND (x."locked_until" IS NULL OR x."locked_until" < now())
              AND NOT EXISTS (
                SELECT 1 FROM "webhook_deliveries" y
                 WHERE y."status" = 'pending' AND y."endpoint_id" = x."endpoint_id"
                   AND y."resource_id" = x."resource_id" AND y."seq" < x."seq")
            ORDER BY x."seq"
            LIMIT ${limit}
            FOR UPDATE OF x SKIP LOCKED)
        RETURNING d.*)
      SELECT c."id", c."endpoint_id", ep."url", ep."secret_sealed", c."attempts", c."created_at", ep."failing_since",
             ev."id" AS event_id, ev."type", ev."created_at" AS event_created_at, ev."data"
        FROM claimed c
        JOIN "webhook_endpoints" ep ON ep."id" = c."endpoint_id"
        JOIN "webhook_events" ev ON ev."id" = c."event_id"
       ORDER BY c."seq"`;
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      url: r.url,
      secretSealed: r.secret_sealed,
      attempts: r.attempts,
      createdAt: r.created_at,
      failingSince: r.failing_since,
      event: { id: r.event_id, type: r.type, createdAt: r.event_created_at, data: r.data },
    }));
  }

  /**
   * Records successful attempts in one statement (the hot path: one round
   * trip per batch, not per delivery), and ends the failing streak of their
   * endpoints.
   */
  async recordSuccesses(done: { id: string; status: number }[], at: Date): Promise<void> {
    if (done.length === 0) return;
    const ids = done.map((d) => d.id);
    const statuses = done.map((d) => d.status);
    await this.db.$executeRaw`
      WITH s AS (
        UPDATE "webhook_deliveries" d
           SET "status" = 'succeeded', "attempts" = d."attempts" + 1, "response_status" = v.status, "last_error" = NULL,
               "last_attempt_at" = ${at}, "next_attempt_at" = NULL, "locked_until" = NULL
          FROM unnest(${ids}::uuid[], ${statuses}::int[]) AS v(id, status)
         WHERE d."id" = v.id
        RETURNING d."endpoint_id")
      UPDATE "webhook_endpoints" SET "failing_since" = NULL
       WHERE "id" IN (SELECT "endpoint_id" FROM s) AND "failing_since" IS NOT NULL`;
  }

  /**
   * Records a failed attempt: due again at `nextAttemptAt`, or `failed` when
   * null. The endpoint's failing streak starts now unless running; once it
   * began before `disableBefore`, the endpoint is deactivated and its pending
   * deliveries end (`failed`). Answers whether it was deactivated.
   */
  async recordFailure(
    d: { id: string; endpointId: string },
    result: { status: number | null; error: string | null },
    at: Date,
    nextAttemptAt: Date | null,
    disableBefore: Date,
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      await tx.webhookDelivery.update({
        where: { id: d.id },
        data: {
          status: nextAttemptAt ? 'pending' : 'failed',
          attempts: { increment: 1 },
          responseStatus: result.status,
          lastError: result.error?.slice(0, 500) ?? null,
          lastAttemptAt: at,
          nextAttemptAt,
          lockedUntil: null,
        },
      });
      await tx.webhookEndpoint.updateMany({ where: { id: d.endpointId, failingSince: null }, data: { failingSince: at } });
      const { count } = await tx.webhookEndpoint.updateMany({
        where: { id: d.endpointId, active: true, failingSince: { lte: disableBefore } },
        data: { active: false },
      });
      if (count > 0) {
        await tx.webhookDelivery.updateMany({
          where: { endpointId: d.endpointId, status: 'pending' },
          data: { status: 'failed', nextAttemptAt: null, lockedUntil: null },
        });
      }
      return count > 0;
    });
  }

  /**
   * Deletes up to `limit` finished deliveries created before `before`, then
   * the events no delivery refers to any more (pending deliveries keep
   * theirs). Answers how many deliveries went; the caller repeats while it
   * is `limit`, so no statement holds locks on a large log for long.
   */
  async pruneFinished(before: Date, limit: number): Promise<number> {
    return this.db.$transaction(async (tx) => {
      const deleted = await tx.$executeRaw`
        DELETE FROM "webhook_deliveries" WHERE "id" IN (
          SELECT "id" FROM "webhook_deliveries"
           WHERE "status" <> 'pending' AND "created_at" < ${before}
           LIMIT ${limit})`;
      await tx.$executeRaw`
        DELETE FROM "webhook_events" e
         WHERE e."created_at" < ${before}
           AND NOT EXISTS (SELECT 1 FROM "webhook_deliveries" d WHERE d."event_id" = e."id")`;
      return deleted;
    });
  }

  /** When the next pending delivery of an active endpoint is due (a claimed one: when its lease ends), or null when none is. */
  async nextDueAt(): Promise<Date | null> {
    const rows = await this.db.$queryRaw<{ due: Date | null }[]>`
      SELECT min(GREATEST(d."next_attempt_at", COALESCE(d."locked_until", d."next_attempt_at"))) AS due
        FROM "webhook_deliveries" d
        JOIN "webhook_endpoints" ep ON ep."id" = d."endpoint_id" AND ep."active"
       WHERE d."status" = 'pending'`;
    return rows[0]?.due ?? null;
  }
}
