import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfigService } from '../../config/config.service.js';
import { pgConfigFromUrl } from '../../database/sql.js';

/**
 * Locks shared by every instance: a PostgreSQL session advisory lock on the
 * main database, named by a string. Its own small pool, so that requests
 * holding a lock never wait for the connections their own work needs.
 */
@Injectable()
export class ResourceLockService implements OnApplicationShutdown {
  private readonly pool: pg.Pool;

  constructor(config: AppConfigService) {
    this.pool = new pg.Pool({
      ...pgConfigFromUrl(config.get('DATABASE_URL')),
      max: 8,
      idleTimeoutMillis: 5_000,
      connectionTimeoutMillis: 5_000,
      // A lock held too long by another request answers 503 rather than hanging this one.
      options: '-c lock_timeout=10000 -c statement_timeout=15000',
      application_name: 'freetimechat-locks',
    });
    this.pool.on('error', () => undefined);
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let locked = false;
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name]);
      locked = true;
      return await fn();
    } finally {
      if (locked) {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]).then(
          () => client.release(),
          // A connection whose unlock failed may still hold the lock: close it rather than reuse it.
          (err: Error) => client.release(err),
        );
      } else {
        client.release();
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
