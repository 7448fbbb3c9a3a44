import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AccessTokensRepository } from './access-tokens.repository.js';

/** How often the last uses gathered in memory are written (one UPDATE for all tokens). */
export const LAST_USE_FLUSH_MS = 5_000;

/**
 * `lastUsedAt` of personal access tokens without a database write per
 * request: each use is noted in memory and the latest per token is written
 * every LAST_USE_FLUSH_MS in one statement, and once more at shutdown. The
 * figure may lag by that interval (or be lost if the process dies), which is
 * fine for a "last used" hint.
 */
@Injectable()
export class AccessTokenUsageService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AccessTokenUsageService.name);
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly tokens: AccessTokensRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), LAST_USE_FLUSH_MS);
    this.timer.unref();
  }

  touch(tokenId: string, at = new Date()): void {
    this.pending.set(tokenId, at);
  }

  /** Writes the uses noted since the last flush; on failure they are kept for the next one. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.tokens.recordLastUses([...batch].map(([id, at]) => ({ id, at })));
    } catch (err) {
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      this.logger.warn(`Recording token uses failed: ${(err as Error).message}`);
    }
  }

  /** At shutdown, while the main database (destroyed after this module) is still connected. */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
