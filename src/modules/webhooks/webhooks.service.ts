import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, toPage } from '../../common/pagination.js';
import { AppConfigService } from '../../config/config.service.js';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import type { Actor } from '../time-tracking/index.js';
import { checkWebhookUrl } from './url-guard.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSignalRepository } from './webhook-signal.repository.js';
import { WebhookSignalService } from './webhook-signal.service.js';
import { EndpointWrite, WebhookDeliveryRecord, WebhookEndpointRecord, WebhooksRepository } from './webhooks.repository.js';

export interface CreateWebhookInput {
  url: string;
  events: string[];
  description?: string | null;
}

export type UpdateWebhookInput = Partial<CreateWebhookInput> & { active?: boolean };

/**
 * Webhook endpoints of the caller's client (the capability `webhooks:manage`
 * is checked by the route). The secret is generated here, returned once and
 * stored sealed. Whether a client has an active endpoint is mirrored into the
 * main database (`webhook_tenants`) so that its writes are signalled to the
 * dispatchers and other clients' are not.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly tenant: TenantPrismaProvider,
    private readonly signalRepo: WebhookSignalRepository,
    private readonly signal: WebhookSignalService,
    private readonly secrets: WebhookSecrets,
    private readonly config: AppConfigService,
  ) {}

  async create(actor: Actor, input: CreateWebhookInput): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    this.tenant.assertActor(actor);
    await this.checkUrl(input.url);
    const secret = this.secrets.generate();
    // Mirrored first: a hint that errs towards a visit too many is harmless, one missing would delay deliveries until the sweep.
    await this.signalRepo.setHasEndpoints(actor.clientId, true);
    const endpoint = await this.repo.create(
      { url: input.url, description: input.description ?? null, events: input.events, secretSealed: this.secrets.seal(secret) },
      this.config.get('QUOTA_WEBHOOKS'),
    );
    // And again after the commit, in case a concurrent deletion cleared it in between.
    await this.signalRepo.setHasEndpoints(actor.clientId, true);
    return { endpoint, secret };
  }

  async list(actor: Actor, query: { limit?: number; cursor?: string }): Promise<Page<WebhookEndpointRecord>> {
    this.tenant.assertActor(actor);
    const limit = query.limit ?? 50;
    const rows = await this.repo.list(decodeCursor(query.cursor, isCreatedAtIdCursor), limit + 1);
    return toPage(
      rows,
      limit,
      (r) => r,
      (r) => ({ t: r.createdAt.toISOString(), id: r.id }),
    );
  }

  async get(actor: Actor, id: string): Promise<WebhookEndpointRecord> {
    this.tenant.assertActor(actor);
    const found = await this.repo.findById(id);
    if (!found) throw new NotFoundError('Webhook');
    return found;
  }

  async update(actor: Actor, id: string, input: UpdateWebhookInput): Promise<WebhookEndpointRecord> {
    await this.get(actor, id);
    if (input.url !== undefined) await this.checkUrl(input.url);
    const write: EndpointWrite = {};
    if (input.url !== undefined) write.url = input.url;
    if (input.events !== undefined) write.events = input.events;
    if (input.description !== undefined) write.description = input.description;
    if (input.active !== undefined) write.active = input.active;
    if (input.active === true) await this.signalRepo.setHasEndpoints(actor.clientId, true);
    const updated = await this.repo.update(id, write);
    if (!updated) throw new NotFoundError('Webhook');
    if (input.active === true) await this.signalRepo.setHasEndpoints(actor.clientId, true);
    if (input.active === false) await this.refreshHint(actor.clientId);
    return updated;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.get(actor, id);
    if (!(await this.repo.delete(id))) throw new NotFoundError('Webhook');
    await this.refreshHint(actor.clientId);
  }

  /** Records a `ping` event for this endpoint and has it sent now. */
  async ping(actor: Actor, id: string): Promise<WebhookDeliveryRecord> {
    const endpoint = await this.get(actor, id);
    if (!endpoint.active)
      throw ValidationFailedError.field('active', 'The webhook is inactive: activate it (PATCH active: true) to ping it');
    const delivery = await this.repo.insertPing(id, { webhookId: endpoint.id, url: endpoint.url, events: endpoint.events });
    await this.signal.now(actor.clientId);
    return delivery;
  }

  async deliveries(actor: Actor, id: string, query: { limit?: number; cursor?: string }): Promise<Page<WebhookDeliveryRecord>> {
    await this.get(actor, id);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, (v): v is { s: string } => typeof v.s === 'string' && /^\d{1,19}$/.test(v.s));
    const rows = await this.repo.listDeliveries(id, after ? BigInt(after.s) : null, limit + 1);
    return toPage(
      rows,
      limit,
      (r) => r,
      (r) => ({ s: r.seq.toString() }),
    );
  }

  /** A new delivery of the delivery's event (same `webhook-id`), sent now. */
  async redeliver(actor: Actor, id: string, deliveryId: string): Promise<WebhookDeliveryRecord> {
    const endpoint = await this.get(actor, id);
    const delivery = await this.repo.findDelivery(id, deliveryId);
    if (!delivery) throw new NotFoundError('Delivery');
    if (!endpoint.active) {
      throw ValidationFailedError.field('active', 'The webhook is inactive: activate it (PATCH active: true) to redeliver');
    }
    const again = await this.repo.redeliver(id, delivery.eventId);
    await this.signal.now(actor.clientId);
    return again;
  }

  private async checkUrl(url: string): Promise<void> {
    const problem = await checkWebhookUrl(url, this.config.get('WEBHOOK_ALLOW_PRIVATE'));
    if (problem) throw ValidationFailedError.field('url', problem.message);
  }

  private async refreshHint(clientId: string): Promise<void> {
    await this.signalRepo.setHasEndpoints(clientId, await this.repo.hasActiveEndpoint());
  }
}
