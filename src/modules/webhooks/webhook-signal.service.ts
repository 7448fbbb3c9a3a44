import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { RequestContext } from '../../common/request-context.js';
import { WebhookSignalRepository } from './webhook-signal.repository.js';

/** How long writes are gathered before one signal covers them all (at most this many signals per second: 1000 / BATCH_MS). */
const BATCH_MS = 20;

/**
 * Tells the dispatchers (through the main database) that a client may have
 * new events: after every write request of a client user, the client is
 * flagged when it has an active endpoint (`webhook_tenants`), in batches of a
 * few milliseconds, off the request's path. A signal lost in a crash between
 * the commit and the flag is found by the dispatcher's sweep.
 */
@Injectable()
export class WebhookSignalService implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookSignalService.name);
  private readonly waiting = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly repo: WebhookSignalRepository) {}

  /** After a write of `clientId` (cheap, never throws, never waits). */
  touch(clientId: string): void {
    this.waiting.add(clientId);
    if (this.timer) return;
    // Outside the request's context: the timer must not keep its tenant client reachable.
    RequestContext.detached(() => {
      this.timer = setTimeout(() => void this.flush(), BATCH_MS);
    });
  }

  /** Flags `clientId` as due now whatever it subscribes to (a ping, a redelivery), and wakes the dispatchers. */
  async now(clientId: string): Promise<void> {
    await RequestContext.detached(() => this.repo.flag([clientId], true));
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ids = [...this.waiting];
    this.waiting.clear();
    if (ids.length === 0) return this.flushing;
    this.flushing = this.flushing
      .then(() => this.repo.flag(ids))
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn(`webhook signal failed (the sweep will find it): ${(err as Error).message}`),
      );
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
