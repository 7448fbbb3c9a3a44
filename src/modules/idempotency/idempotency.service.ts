import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash, createHmac } from 'node:crypto';
import { ValidationFailedError } from '../../common/errors.js';
import { SecretBox } from '../../common/secret-box.js';
import { AppConfigService } from '../../config/config.service.js';
import { IdempotencyKeyInProgressError, IdempotencyKeyReusedError } from './idempotency.errors.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/** 1–255 printable ASCII characters (a UUID is the usual choice). */
const KEY = /^[\x20-\x7e]{1,255}$/;
/** How long a repeat waits for the first request with its key to answer before giving up with 409. */
export const IDEMPOTENCY_WAIT_MS = 30_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export type Claim = { kind: 'execute'; keyHash: string; box: SecretBox } | { kind: 'replay'; status: number; body: unknown };

/** JSON with object keys sorted, so that `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Stripe-style idempotent POSTs. The first request with a key claims it (one
 * INSERT … ON CONFLICT), runs, and its answer is kept 24 hours; a repeat by
 * the same user with the same method, path and body gets that answer and
 * runs nothing; one with another request gets 409 IDEMPOTENCY_KEY_REUSED; one
 * arriving while the first still runs waits for its answer. Answers are kept
 * sealed with a key derived from the Idempotency-Key (stored only hashed) and
 * the server's secret, since some carry secrets shown once (a new personal
 * access token, backup codes): the database alone cannot read them.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly secret: string;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly keys: IdempotencyRepository,
    config: AppConfigService,
  ) {
    this.secret = config.get('ENCRYPTION_KEY') ?? config.get('JWT_SECRET');
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The header's value, or 400 VALIDATION_FAILED naming it. */
  parseKey(header: string | string[]): string {
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw ValidationFailedError.field('Idempotency-Key', 'Idempotency-Key must be 1–255 printable ASCII characters, sent once');
    }
    return header;
  }

  requestHash(method: string, url: string, body: unknown): string {
    return createHash('sha256')
      .update(`${method} ${url}\n${canonical(body)}`)
      .digest('base64url');
  }

  /** Claims the key, or waits for the answer of the request holding it (bounded). */
  async claim(userId: string, key: string, requestHash: string): Promise<Claim> {
    const keyHash = createHash('sha256').update(key).digest('base64url');
    const box = new SecretBox(createHmac('sha256', this.secret).update(`idempotency-key:${key}`).digest('base64url'));
    const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      if (await this.keys.claim(userId, keyHash, requestHash)) return { kind: 'execute', keyHash, box };
      const held = await this.keys.find(userId, keyHash);
      if (held) {
        if (held.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
        if (held.status === 'done') {
          return {
            kind: 'replay',
            status: held.responseStatus!,
            body: held.responseBody === null ? undefined : JSON.parse(box.open(held.responseBody)),
          };
        }
      }
      // Held by a running request (or released a moment ago): wait and look again.
      if (Date.now() > deadline) throw new IdempotencyKeyInProgressError();
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** Keeps the answer of the request that held the key. */
  async complete(userId: string, claim: Extract<Claim, { kind: 'execute' }>, status: number, body: unknown): Promise<void> {
    const sealed = body === undefined ? null : claim.box.seal(JSON.stringify(body));
    await this.keys.complete(userId, claim.keyHash, status, sealed);
  }

  /** Gives the key back: the request was not acted on, or failed (5xx), so a retry runs it again. */
  async release(userId: string, claim: Extract<Claim, { kind: 'execute' }>): Promise<void> {
    await this.keys
      .release(userId, claim.keyHash)
      .catch((err: Error) => this.logger.warn(`Releasing an idempotency key failed: ${err.message}`));
  }

  async prune(): Promise<number> {
    try {
      return await this.keys.prune();
    } catch (err) {
      this.logger.warn(`Pruning idempotency keys failed: ${(err as Error).message}`);
      return 0;
    }
  }
}
