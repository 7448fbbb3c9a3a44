/**
 * The rate-limit counters and quota checks on a real PostgreSQL, built the
 * NestJS way: only the providers they need (Test.createTestingModule), on a
 * fresh main database cloned from the migrated template.
 */
import { Test, TestingModule } from '@nestjs/testing';
import { QuotaExceededError, RateLimitedError } from '../../src/common/errors.js';
import { AppConfigService } from '../../src/config/config.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { assertUnderQuota } from '../../src/database/quota.js';
import { RateLimitRule, RateLimitService } from '../../src/modules/limits/rate-limit.service.js';
import { createTestDatabase, testConfig } from '../helpers/test-app.js';

describe('integration/limits', () => {
  type Db = Awaited<ReturnType<typeof createTestDatabase>>;

  let db: Db;
  const modules: TestingModule[] = [];

  /** One "instance": the rate-limit service over its own main-database pool. */
  async function instance(store: 'postgres' | 'memory' = 'postgres'): Promise<TestingModule> {
    const module = await Test.createTestingModule({
      providers: [
        { provide: AppConfigService, useValue: new AppConfigService(testConfig(db.url, { RATE_LIMIT_STORE: store })) },
        MainPrismaService,
        RateLimitService,
      ],
    }).compile();
    modules.push(module);
    return module;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const m of modules) await m.close();
    await db.drop();
  });

  const rule = (name: string, points: number): RateLimitRule => ({ name, points, durationSeconds: 60, what: 'tests' });

  describe('RateLimitService on the main database', () => {
    // Counters in one table: a limit holds whichever instance a load balancer picks.
    it('shares one counter between two instances and refuses past the limit', async () => {
      const [a, b] = [(await instance()).get(RateLimitService), (await instance()).get(RateLimitService)];
      const r = rule('int-shared', 4);
      for (let i = 0; i < 4; i++) await (i % 2 ? a : b).consume([{ rule: r, key: 'user-1' }]);
      await expect(a.consume([{ rule: r, key: 'user-1' }])).rejects.toBeInstanceOf(RateLimitedError);
      await expect(b.consume([{ rule: r, key: 'user-1' }])).rejects.toBeInstanceOf(RateLimitedError);
      // Another subject has its own allowance.
      await expect(a.consume([{ rule: r, key: 'user-2' }])).resolves.toBeDefined();
    });

    it('lets exactly the allowance through when requests arrive at once', async () => {
      const svc = (await instance()).get(RateLimitService);
      const r = rule('int-burst', 5);
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => svc.consume([{ rule: r, key: 'burst' }])));
      expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(5);
    });

    // One user at their own limit must not use up their client's allowance.
    it('counts a refused request only against the limit that refused it, and gives points back on refund', async () => {
      const svc = (await instance()).get(RateLimitService);
      const perUser = rule('int-user', 1);
      const perClient = rule('int-client', 3);
      await svc.consume([
        { rule: perUser, key: 'u' },
        { rule: perClient, key: 'c' },
      ]);
      for (let i = 0; i < 3; i++) {
        await expect(
          svc.consume([
            { rule: perUser, key: 'u' },
            { rule: perClient, key: 'c' },
          ]),
        ).rejects.toBeInstanceOf(RateLimitedError);
      }
      // The refused attempts left the client at 1 of 3.
      const consumed = await svc.consume([{ rule: perClient, key: 'c' }]);
      await consumed.refund();
      await svc.consume([{ rule: perClient, key: 'c' }]);
      await svc.consume([{ rule: perClient, key: 'c' }]);
      await expect(svc.consume([{ rule: perClient, key: 'c' }])).rejects.toBeInstanceOf(RateLimitedError);
    });

    it('keeps its counters in rate_limits, keyed by limit and subject', async () => {
      const main = modules[0].get(MainPrismaService);
      const row = await main.rateLimit.findUnique({ where: { key: 'int-shared:user-1' } });
      expect(row?.points).toBeGreaterThanOrEqual(4);
    });
  });

  describe('assertUnderQuota', () => {
    // Concurrent creations take turns on the quota's lock: never one row over.
    it('holds a quota under 20 concurrent transactions', async () => {
      const main = (await instance()).get(MainPrismaService);
      await main.$executeRawUnsafe('CREATE TABLE quota_probe (id serial PRIMARY KEY)');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          main.$transaction(async (tx) => {
            await assertUnderQuota(tx, 'probes', 7, async () =>
              Number((await tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM quota_probe`)[0].n),
            );
            await tx.$executeRaw`INSERT INTO quota_probe DEFAULT VALUES`;
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QuotaExceededError);
      expect(Number((await main.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM quota_probe`)[0].n)).toBe(7);
    });
  });
});
