import { Injectable } from '@nestjs/common';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import { assertUnderQuota } from '../../database/quota.js';
import type { Prisma } from '../../generated/prisma-client/client.js';

export interface WebhookEndpointRecord {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDeliveryRecord {
  id: string;
  eventId: string;
  type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  seq: bigint;
}

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

export interface EndpointWrite {
  url?: string;
  description?: string | null;
  events?: string[];
  active?: boolean;
}

type EndpointRow = Prisma.WebhookEndpointModel;

function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    active: row.active,
    failingSince: row.failingSince,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

type DeliveryRow = Prisma.WebhookDeliveryModel & { type: string };

function toDelivery(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    eventId: row.eventId,
    type: row.type,
    status: row.status as WebhookDeliveryRecord['status'],
    attempts: row.attempts,
    responseStatus: row.responseStatus,
    lastError: row.lastError,
    lastAttemptAt: row.lastAttemptAt,
    nextAttemptAt: row.nextAttemptAt,
    createdAt: row.createdAt,
    seq: row.seq,
  };
}

/**
 * Webhook endpoints, the outbox (events) and deliveries in the tenant
 * database of the current context. Events of time entries and projects are
 * written by the `webhook_capture` trigger (see the client migration
 * 20261205070000_webhooks); this writes only pings and redeliveries.
 */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly tenant: TenantPrismaProvider) {}

  private get db() {
    return this.tenant.client;
  }

  async create(data: { url: string; description: string | null; events: string[]; secretSealed: string }, quota: number) {
    const row = await this.db.$transaction(async (tx) => {
      await assertUnderQuota(tx, 'webhooks', quota, () => tx.webhookEndpoint.count());
      return tx.webhookEndpoint.create({ data });
    });
    return toEndpoint(row);
  }

  async findById(id: string): Promise<WebhookEndpointRecord | null> {
    const row = await this.db.webhookEndpoint.findUnique({ where: { id } });
    return row ? toEndpoint(row) : null;
  }

  /** Oldest first, by (createdAt, id). */
  async list(after: { t: string; id: string } | null, limit: number): Promise<WebhookEndpointRecord[]> {
    const rows = await this.db.webhookEndpoint.findMany({
      where: after ? { OR: [{ createdAt: { gt: new Date(after.t) } }, { createdAt: new Date(after.t), id: { gt: after.id } }] } : undefined,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map(toEndpoint);
  }

  /**
   * Applies the change; deactivating ends the endpoint's pending deliveries
   * (`failed`, nothing more is sent; they can be redelivered), in the same
   * transaction. Null when the endpoint no longer exists.
   */
  async update(id: string, data: EndpointWrite): Promise<WebhookEndpointRecord | null> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.webhookEndpoint.updateMany({
        where: { id },
        data: { ...data, ...(data.active === true ? { failingSince: null } : {}) },
      });
      if (count === 0) return null;
      if (data.active === false) {
        await tx.webhookDelivery.updateMany({
          where: { endpointId: id, status: 'pending' },
          data: { status: 'failed', nextAttemptAt: null, lockedUntil: null },
        });
      }
      const row = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id } });
      return toEndpoint(row);
    });
  }

  /** The endpoint and its delivery log, in one transaction (no foreign key does it, see the migration); events stay (other endpoints may share them). */
  async delete(id: string): Promise<boolean> {
    const [, { count }] = await this.db.$transaction([
      this.db.webhookDelivery.deleteMany({ where: { endpointId: id } }),
      this.db.webhookEndpoint.deleteMany({ where: { id } }),
    ]);
    return count > 0;
  }

  async hasActiveEndpoint(): Promise<boolean> {
    return (await this.db.webhookEndpoint.count({ where: { active: true }, take: 1 })) > 0;
  }

  async findSecret(id: string): Promise<string | null> {
    const row = await this.db.webhookEndpoint.findUnique({ where: { id }, select: { secretSealed: true } });
    return row?.secretSealed ?? null;
  }

  /** A `ping` event and its one delivery (to this endpoint only, whatever it subscribes to; no resource, so never held behind another). */
  async insertPing(endpointId: string, data: object): Promise<WebhookDeliveryRecord> {
    return this.db.$transaction(async (tx) => {
      const event = await tx.webhookEvent.create({ data: { type: 'ping', resourceId: null, data } });
      const row = await tx.webhookDelivery.create({ data: { eventId: event.id, endpointId, resourceId: null } });
      return toDelivery({ ...row, type: event.type });
    });
  }

  async findDelivery(endpointId: string, deliveryId: string): Promise<WebhookDeliveryRecord | null> {
    const row = await this.db.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId } });
    return row ? (await this.withTypes([row]))[0] : null;
  }

  /** A new delivery of the same event (same `webhook-id`) to the same endpoint, due now. */
  async redeliver(endpointId: string, eventId: string): Promise<WebhookDeliveryRecord> {
    const event = await this.db.webhookEvent.findUniqueOrThrow({ where: { id: eventId }, select: { type: true, resourceId: true } });
    const row = await this.db.webhookDelivery.create({ data: { eventId, endpointId, resourceId: event.resourceId } });
    return toDelivery({ ...row, type: event.type });
  }

  /** Newest first (by seq). */
  async listDeliveries(endpointId: string, after: bigint | null, limit: number): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.db.webhookDelivery.findMany({
      where: { endpointId, ...(after !== null ? { seq: { lt: after } } : {}) },
      orderBy: { seq: 'desc' },
      take: limit,
    });
    return this.withTypes(rows);
  }

  /** Deliveries with their event's type (no relation: see the migration). */
  private async withTypes(rows: Prisma.WebhookDeliveryModel[]): Promise<WebhookDeliveryRecord[]> {
    if (rows.length === 0) return [];
    const events = await this.db.webhookEvent.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.eventId))] } },
      select: { id: true, type: true },
    });
    const types = new Map(events.map((e) => [e.id, e.type]));
    return rows.map((r) => toDelivery({ ...r, type: types.get(r.eventId) ?? 'unknown' }));
  }

  // --- dispatcher --------------------------------------------------------------------------

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
