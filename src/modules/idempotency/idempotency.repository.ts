import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

export interface IdempotencyRecord {
  requestHash: string;
  status: 'running' | 'done';
  responseStatus: number | null;
  /** Sealed JSON of the answer (null: no body). */
  responseBody: string | null;
}

/** How long a first answer is kept and replayed. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** A claim still running after this long belongs to a request that died with its instance: it may be taken over. */
export const ABANDONED_AFTER_SECONDS = 120;

/** `idempotency_keys` in the main database: one row per user and key (its hash). */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly main: MainPrismaService) {}

  /**
   * Claims the key for a request in one statement: true when this caller
   * holds it now (a new key, one older than the TTL, or an abandoned claim),
   * false when another request holds it or answered it.
   */
  async claim(userId: string, keyHash: string, requestHash: string): Promise<boolean> {
    const rows = await this.main.$queryRaw<{ claimed: number }[]>`
      INSERT INTO idempotency_keys (user_id, key_hash, request_hash, status, created_at)
      VALUES (${userId}::uuid, ${keyHash}, ${requestHash}, 'running', now())
      ON CONFLICT (user_id, key_hash) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, status = 'running', response_status = NULL, response_body = NULL, created_at = now()
        WHERE idempotency_keys.created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
           OR (idempotency_keys.status = 'running' AND idempotency_keys.created_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS}))
      RETURNING 1 AS claimed`;
    return rows.length > 0;
  }

  async find(userId: string, keyHash: string): Promise<IdempotencyRecord | null> {
    const row = await this.main.idempotencyKey.findUnique({
      where: { userId_keyHash: { userId, keyHash } },
      select: { requestHash: true, status: true, responseStatus: true, responseBody: true },
    });
    return row ? { ...row, status: row.status === 'done' ? 'done' : 'running' } : null;
  }

  async complete(userId: string, keyHash: string, responseStatus: number, responseBody: string | null): Promise<void> {
    await this.main.idempotencyKey.updateMany({
      where: { userId, keyHash, status: 'running' },
      data: { status: 'done', responseStatus, responseBody },
    });
  }

  /** Gives a claimed key back (the request failed without an answer worth keeping). */
  async release(userId: string, keyHash: string): Promise<void> {
    await this.main.idempotencyKey.deleteMany({ where: { userId, keyHash, status: 'running' } });
  }

  /** Deletes keys past the TTL; returns how many. */
  async prune(): Promise<number> {
    return this.main.$executeRaw`
      DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`;
  }
}
