import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';
import type { ThrottleCount, ThrottleRule } from './throttle.policy.js';

/**
 * `auth_throttle` in the main database, so every instance counts together.
 * Each method is one atomic statement: concurrent attempts never lose a count.
 */
@Injectable()
export class ThrottleRepository {
  constructor(private readonly main: MainPrismaService) {}

  /** Counts one attempt against `key` (starting a new window when the old one is over) and returns the counter. */
  async count(key: string, rule: ThrottleRule): Promise<ThrottleCount> {
    const rows = await this.main.$queryRaw<{ failures: number; windowStart: Date; now: Date }[]>`
      INSERT INTO auth_throttle AS t (key, failures, window_start, locked_until)
      VALUES (${key}, 1, now(), CASE WHEN 1 >= ${rule.limit}::int THEN now() + ${rule.windowSeconds}::int * interval '1 second' END)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.window_start <= now() - ${rule.windowSeconds}::int * interval '1 second' THEN 1 ELSE t.failures + 1 END,
        window_start = CASE WHEN t.window_start <= now() - ${rule.windowSeconds}::int * interval '1 second' THEN now() ELSE t.window_start END,
        locked_until = CASE
          WHEN t.window_start <= now() - ${rule.windowSeconds}::int * interval '1 second'
            THEN CASE WHEN 1 >= ${rule.limit}::int THEN now() + ${rule.windowSeconds}::int * interval '1 second' END
          WHEN t.failures + 1 >= ${rule.limit}::int THEN t.window_start + ${rule.windowSeconds}::int * interval '1 second'
        END
      RETURNING failures, window_start AS "windowStart", now() AS now`;
    const r = rows[0];
    return { failures: Number(r.failures), windowStart: new Date(r.windowStart), now: new Date(r.now) };
  }

  /** Takes back one counted attempt (it was refused, or it succeeded), if its window is still the current one. */
  async uncount(key: string, windowStart: Date, rule: ThrottleRule): Promise<void> {
    await this.main.$executeRaw`
      UPDATE auth_throttle
      SET failures = GREATEST(failures - 1, 0),
          locked_until = CASE WHEN failures - 1 >= ${rule.limit}::int THEN locked_until END
      WHERE key = ${key} AND window_start = ${windowStart}`;
  }

  async reset(key: string): Promise<void> {
    await this.main.$executeRaw`DELETE FROM auth_throttle WHERE key = ${key}`;
  }

  /** Drops counters whose window ended long ago. */
  async prune(olderThanSeconds: number): Promise<void> {
    await this.main.$executeRaw`DELETE FROM auth_throttle WHERE window_start < now() - ${olderThanSeconds}::int * interval '1 second'`;
  }
}
