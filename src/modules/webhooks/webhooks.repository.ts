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
 * Webhook endpoints and their delivery log as the REST API sees them, in the
 * tenant database of the current context. Events of time entries and
 * projects are written by the `webhook_capture` trigger (see the client
 * migration 20261205070000_webhooks); this writes only pings and
 * redeliveries. Sending (claims, outcomes, retention) is
 * WebhookDispatchRepository's.
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
}
