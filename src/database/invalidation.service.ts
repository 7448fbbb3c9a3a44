import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { AppConfigService } from '../config/config.service.js';
import { pgConfigFromUrl } from './sql.js';

export type InvalidationKind = 'client' | 'user' | 'session' | 'impersonation' | 'role' | 'access-token' | 'all';
export interface Invalidation {
  kind: InvalidationKind;
  id: string;
}
type Handler = (msg: Invalidation) => void;

export const INVALIDATION_CHANNEL = 'freetimechat_invalidate';
const CHANNEL = INVALIDATION_CHANNEL;
/**
 * Not an invalidation: `{kind: "webhooks"}` on the same channel wakes the
 * webhook dispatchers (sent by the main database, see
 * webhook-signal.repository.ts), so they need no connection of their own.
 * Never handed to the cache handlers.
 */
export const WEBHOOKS_WAKE_KIND = 'webhooks';

/**
 * Cross-instance cache invalidation over PostgreSQL LISTEN/NOTIFY on the main
 * database. Every instance listens; a change on one (suspension, logout,
 * deactivation, role change, impersonation end) reaches all within
 * milliseconds. If the listening connection drops, every cache is flushed
 * (notifications may have been missed) and it reconnects.
 */
@Injectable()
export class InvalidationService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InvalidationService.name);
  private readonly handlers = new Set<Handler>();
  private readonly wakeHandlers = new Set<() => void>();
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private pool: pg.Pool;

  constructor(private readonly config: AppConfigService) {
    this.pool = new pg.Pool({
      ...pgConfigFromUrl(config.get('DATABASE_URL')),
      max: 2,
      idleTimeoutMillis: 5_000,
      connectionTimeoutMillis: 3_000,
    });
    this.pool.on('error', () => undefined);
  }

  async onModuleInit(): Promise<void> {
    await this.listen().catch((err) => {
      this.logger.warn(`LISTEN failed (${(err as Error).message}); retrying`);
      this.scheduleReconnect();
    });
  }

  subscribe(handler: Handler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Called on every `{kind: "webhooks"}` notification (see WEBHOOKS_WAKE_KIND). */
  onWebhooksDue(handler: () => void): () => void {
    this.wakeHandlers.add(handler);
    return () => this.wakeHandlers.delete(handler);
  }

  /** Invalidates locally at once, then tells every other instance. */
  async publish(kind: InvalidationKind, id: string): Promise<void> {
    this.dispatch({ kind, id });
    try {
      await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ kind, id })]);
    } catch (err) {
      this.logger.warn(`NOTIFY failed: ${(err as Error).message}`);
    }
  }

  private dispatch(msg: Invalidation): void {
    for (const h of this.handlers) {
      try {
        h(msg);
      } catch (err) {
        this.logger.error(err);
      }
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ ...pgConfigFromUrl(this.config.get('DATABASE_URL')), application_name: 'freetimechat-listen' });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      try {
        const msg = JSON.parse(n.payload) as Invalidation | { kind: typeof WEBHOOKS_WAKE_KIND };
        if (msg.kind === WEBHOOKS_WAKE_KIND) {
          for (const h of this.wakeHandlers) h();
          return;
        }
        this.dispatch(msg);
      } catch {
        /* not ours */
      }
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      if (this.stopped) return;
      this.dispatch({ kind: 'all', id: '*' });
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    // Anything published while we were away is unknown: start clean.
    this.dispatch({ kind: 'all', id: '*' });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.listen().catch(() => this.scheduleReconnect());
    }, 500);
    this.retry.unref();
  }

  get listening(): boolean {
    return this.client !== null;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
