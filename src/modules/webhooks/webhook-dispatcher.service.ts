import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { Clock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';
import { RequestContext } from '../../common/request-context.js';
import { AppConfigService } from '../../config/config.service.js';
import { InvalidationService } from '../../database/invalidation.service.js';
import { TenantRegistryService } from '../../database/tenant-registry.service.js';
import { TenantContextService } from '../../database/tenant-context.service.js';
import { DISABLE_AFTER_MS, nextAttemptAt } from './backoff.js';
import { eventBody } from './webhook-events.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { SendResult, WebhookSender } from './webhook-sender.js';
import { WebhookSignalRepository } from './webhook-signal.repository.js';
import { ClaimedDelivery, WebhookDispatchRepository } from './webhook-dispatch.repository.js';

/** Provided (true) by the CLI: a command never delivers webhooks. */
export const NO_WEBHOOK_DISPATCH = Symbol('NO_WEBHOOK_DISPATCH');

/** Clients visited at once by one instance. */
const TENANTS_AT_ONCE = 4;
/** Deliveries claimed (and sent in parallel) per round in one client. */
const BATCH = 50;
/** Pause between two partial batches of one visit: up to this much latency for far fewer queries per event under load. */
const GATHER_MS = 20;
/** A claimed delivery is someone else's again after this (an instance died mid-send); longer than the 10 s send timeout. */
const DELIVERY_LEASE_SECONDS = 30;
/** A client is one instance's for this long per visit; a visit stops claiming after VISIT_BUDGET_MS and yields. */
const TENANT_LEASE_SECONDS = 60;
const VISIT_BUDGET_MS = 20_000;
/**
 * Besides NOTIFY, a dispatcher wakes when the earliest flagged client comes
 * due (a retry's backoff, a visit's lease left by a dead instance), and at
 * least this often (a NOTIFY missed while the listener reconnected). Not a
 * fixed short poll: that would keep a main-pool connection open for good.
 */
const SAFETY_WAKE_MS = 30_000;
/** The shortest wait before a wake for a client coming due (a burst of retries is gathered). */
const MIN_WAKE_MS = 100;
/** A client whose database could not be reached, or that is not active, is visited again after this. */
const UNREACHABLE_RETRY_MS = 30_000;
/** A client's finished deliveries past WEBHOOK_RETENTION_DAYS are pruned at most this often, during a visit. */
const PRUNE_EVERY_MS = 3_600_000;
/** Deliveries deleted per statement while pruning. */
const PRUNE_BATCH = 5_000;

/**
 * Delivers webhook events at least once. Dispatchers (every instance with
 * WEBHOOKS_DISPATCH) visit only the clients flagged in the main database's
 * `webhook_pending` (woken by NOTIFY on the invalidation channel, or when the earliest comes due), each leased to one
 * instance at a time; inside a client, deliveries are claimed with
 * FOR UPDATE SKIP LOCKED and a lease, sent signed (Standard Webhooks), and
 * recorded. Everything lives in the databases, so a restart loses nothing:
 * the next dispatcher finds the flags and the pending rows.
 */
@Injectable()
export class WebhookDispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcherService.name);
  private readonly sender: WebhookSender;
  private unsubscribe: (() => void) | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  /** Only the latest scheduling sets the wake (an earlier one may resolve after a later round). */
  private wakeGeneration = 0;
  private sweepTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly signers = new Map<string, Webhook>();
  /** When each client was last pruned by this instance (the sweep visits every client with an active endpoint). */
  private readonly prunedAt = new Map<string, number>();

  constructor(
    private readonly config: AppConfigService,
    private readonly signals: WebhookSignalRepository,
    private readonly webhooks: WebhookDispatchRepository,
    private readonly tenants: TenantContextService,
    private readonly secrets: WebhookSecrets,
    private readonly clock: Clock,
    private readonly invalidation: InvalidationService,
    private readonly registry: TenantRegistryService,
    @Optional() @Inject(NO_WEBHOOK_DISPATCH) private readonly disabled?: boolean,
  ) {
    this.sender = new WebhookSender(config.get('WEBHOOK_ALLOW_PRIVATE'));
  }

  private get enabled(): boolean {
    return this.config.get('WEBHOOKS_DISPATCH') && this.disabled !== true;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await RequestContext.detached(async () => {
      // NOTIFY from a signal of any instance (the scheduled wake covers one missed while the listener reconnects).
      this.unsubscribe = this.invalidation.onWebhooksDue(() => this.kick());
      // Kicked either way: a round ends by setting the next wake, so the dispatcher never sleeps for good.
      const sweep = () =>
        void this.signals
          .sweep()
          .catch((err: unknown) => this.logger.warn(`webhook sweep failed: ${(err as Error).message}`))
          .finally(() => this.kick());
      this.sweepTimer = setInterval(sweep, this.config.get('WEBHOOK_SWEEP_SECONDS') * 1000);
      this.sweepTimer.unref();
      // At start: whatever a stopped fleet left (a lost signal included) is found now.
      sweep();
    });
  }

  /** Runs a dispatch round now, or right after the one running. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.running = RequestContext.detached(() => this.rounds()).finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      } else {
        this.scheduleWake();
      }
    });
  }

  /** Sets the next wake: when the earliest flagged client comes due, at most SAFETY_WAKE_MS away. */
  private scheduleWake(): void {
    if (this.stopped) return;
    const generation = ++this.wakeGeneration;
    void RequestContext.detached(() => this.signals.msUntilNextDue()).then(
      (ms) => this.wakeIn(generation, ms === null ? SAFETY_WAKE_MS : Math.min(SAFETY_WAKE_MS, Math.max(MIN_WAKE_MS, ms))),
      (err: unknown) => {
        this.logger.warn(`webhook dispatch could not read the next due time: ${(err as Error).message}`);
        this.wakeIn(generation, SAFETY_WAKE_MS);
      },
    );
  }

  private wakeIn(generation: number, ms: number): void {
    if (this.stopped || this.running || generation !== this.wakeGeneration) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.kick(), ms);
    this.wakeTimer.unref();
  }

  private async rounds(): Promise<void> {
    try {
      for (;;) {
        this.again = false;
        const due = await this.signals.leaseDue(TENANTS_AT_ONCE, TENANT_LEASE_SECONDS);
        if (due.length === 0 || this.stopped) return;
        await Promise.all(due.map((d) => this.visit(d.clientId, d.version)));
      }
    } catch (err) {
      this.logger.warn(`webhook dispatch round failed: ${(err as Error).message}`);
    }
  }

  /** One client: claims and sends due deliveries until none is left or the visit's budget is spent. */
  private async visit(clientId: string, version: bigint): Promise<void> {
    let next: Date | null;
    // Only active clients: a suspended one's deliveries wait for its resume; in maintenance (a move, a restore)
    // its database must not change under the operation (a move verifies every table before it switches).
    const record = await this.registry.get(clientId).catch(() => undefined);
    if (record === null || record?.status === 'deleted') {
      this.prunedAt.delete(clientId);
      await this.signals.forget(clientId).catch(() => undefined);
      return;
    }
    if (record && record.status !== 'active') {
      await this.signals.release(clientId, version, new Date(Date.now() + UNREACHABLE_RETRY_MS)).catch(() => undefined);
      return;
    }
    try {
      next = await this.tenants.withTenant(clientId, async () => {
        const started = Date.now();
        while (!this.stopped && Date.now() - started < VISIT_BUDGET_MS) {
          // Re-checked before every batch (cached; suspension and maintenance invalidate it on every instance at once).
          if (!(await this.isActive(clientId))) break;
          const batch = await this.webhooks.claimDue(BATCH, DELIVERY_LEASE_SECONDS);
          if (batch.length === 0) break;
          await this.deliverBatch(clientId, batch);
          // Under a steady stream of events, a moment's wait lets the next batch fill (fewer claims per event).
          if (batch.length < BATCH) await new Promise((r) => setTimeout(r, GATHER_MS));
        }
        if (!this.stopped) await this.pruneIfDue(clientId);
        return this.webhooks.nextDueAt();
      });
    } catch (err) {
      if (err instanceof NotFoundError) {
        this.prunedAt.delete(clientId);
        await this.signals.forget(clientId).catch(() => undefined);
        return;
      }
      this.logger.warn(`webhook visit of client ${clientId} failed: ${(err as Error).message}`);
      next = new Date(Date.now() + UNREACHABLE_RETRY_MS);
    }
    await this.signals.release(clientId, version, next).catch((err: unknown) => {
      this.logger.warn(`webhook release of client ${clientId} failed: ${(err as Error).message}`);
    });
  }

  /** Deletes the client's finished deliveries and events older than WEBHOOK_RETENTION_DAYS, at most hourly. */
  private async pruneIfDue(clientId: string): Promise<void> {
    const last = this.prunedAt.get(clientId);
    if (last !== undefined && Date.now() - last < PRUNE_EVERY_MS) return;
    this.prunedAt.set(clientId, Date.now());
    const before = new Date(this.clock.now().getTime() - this.config.get('WEBHOOK_RETENTION_DAYS') * 86_400_000);
    try {
      while ((await this.webhooks.pruneFinished(before, PRUNE_BATCH)) === PRUNE_BATCH && !this.stopped);
    } catch (err) {
      this.logger.warn(`webhook log pruning of client ${clientId} failed: ${(err as Error).message}`);
    }
  }

  private async isActive(clientId: string): Promise<boolean> {
    const record = await this.registry.get(clientId).catch(() => undefined);
    return record?.status === 'active';
  }

  /** Sends a claimed batch in parallel; successes are recorded together, failures one by one (with their backoff). */
  private async deliverBatch(clientId: string, batch: ClaimedDelivery[]): Promise<void> {
    const results = await Promise.all(batch.map((d) => this.send(clientId, d)));
    const at = this.clock.now();
    await this.webhooks.recordSuccesses(
      results.filter((r) => r.result.ok).map((r) => ({ id: r.d.id, status: r.result.status ?? 200 })),
      at,
    );
    for (const { d, result } of results) {
      if (result.ok) continue;
      const deactivated = await this.webhooks.recordFailure(
        d,
        result,
        at,
        nextAttemptAt(d.attempts + 1, d.createdAt, at),
        new Date(at.getTime() - DISABLE_AFTER_MS),
      );
      if (deactivated) this.logger.warn(`webhook endpoint ${d.endpointId} of client ${clientId} deactivated after 3 days of failures`);
    }
  }

  private async send(clientId: string, d: ClaimedDelivery): Promise<{ d: ClaimedDelivery; result: SendResult }> {
    const body = eventBody(clientId, d.event);
    // The wall clock, not the injectable one: receivers check webhook-timestamp against theirs (replay protection).
    const now = new Date();
    const signature = this.signer(d.secretSealed).sign(d.event.id, now, body);
    const result = await this.sender.send(
      d.url,
      { 'webhook-id': d.event.id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature },
      body,
    );
    return { d, result };
  }

  /** The signer of a sealed secret (opened once, kept while the secret is in use). */
  private signer(sealed: string): Webhook {
    let w = this.signers.get(sealed);
    if (!w) {
      if (this.signers.size >= 1000) this.signers.clear();
      w = new Webhook(this.secrets.open(sealed));
      this.signers.set(sealed, w);
    }
    return w;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.running?.catch(() => undefined);
    this.unsubscribe?.();
    this.sender.close();
  }
}
