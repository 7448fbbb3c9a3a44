import { randomBytes } from 'node:crypto';
import { createTestApp, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { RateLimitedError } from '../../src/common/errors.js';
import { InvalidCredentialsError } from '../../src/modules/auth/auth.errors.js';
import { ThrottleRepository } from '../../src/modules/auth/throttle.repository.js';
import { ThrottleService } from '../../src/modules/auth/throttle.service.js';
import { THROTTLE_RULES, throttleKey } from '../../src/modules/auth/throttle.policy.js';
import { TwoFactorRepository } from '../../src/modules/auth/two-factor.repository.js';
import { hashBackupCode } from '../../src/modules/auth/two-factor.js';
import { SessionsService, hashRefreshToken } from '../../src/modules/auth/sessions.service.js';

describe('integration/auth', () => {
  let t: TestApp;
  let second: TestApp;
  let main: MainPrismaService;

  beforeAll(async () => {
    t = await createTestApp();
    // A second instance on the same main database: what a load balancer in front of two app processes looks like.
    second = await createTestApp({}, { database: { ...t.db, drop: async () => undefined }, keepDatabase: true });
    main = t.get(MainPrismaService);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const unique = () => randomBytes(4).toString('hex');
  // The 2FA scope's per-account limit is hard (sign-in's is per account and IP, and soft per account).
  const LIMIT = THROTTLE_RULES['2fa'].account.limit;

  async function settle<T>(ps: Promise<T>[]): Promise<{ ok: T[]; limited: RateLimitedError[] }> {
    const results = await Promise.allSettled(ps);
    const ok: T[] = [];
    const limited: RateLimitedError[] = [];
    for (const r of results) {
      if (r.status === 'fulfilled') ok.push(r.value);
      else if (r.reason instanceof RateLimitedError) limited.push(r.reason);
      else throw r.reason;
    }
    return { ok, limited };
  }

  describe('ThrottleService (auth_throttle in the main database)', () => {
    // Counting before checking, in one atomic statement per key, is what keeps a burst honest.
    it(`lets exactly ${LIMIT} of 30 concurrent attempts on one account through`, async () => {
      const account = `burst-${unique()}@example.test`;
      const { ok, limited } = await settle(
        Array.from({ length: 30 }, (_, i) => t.get(ThrottleService).attempt('2fa', account, `10.20.0.${i + 1}`)),
      );
      expect(ok).toHaveLength(LIMIT);
      expect(limited).toHaveLength(30 - LIMIT);
      expect(limited[0].headers?.['Retry-After']).toMatch(/^\d+$/);
      // Refused attempts are not failures: the counter stays at the limit.
      const row = await main.authThrottle.findUniqueOrThrow({ where: { key: throttleKey('2fa', 'account', account) } });
      expect(row.failures).toBe(LIMIT);
    });

    it('counts across instances: two app processes share one counter', async () => {
      const account = `shared-${unique()}@example.test`;
      const services = [t.get(ThrottleService), second.get(ThrottleService)];
      for (let i = 0; i < LIMIT; i++) await services[i % 2].attempt('2fa', account, '10.21.0.1');
      await expect(services[1].attempt('2fa', account, '10.21.0.2')).rejects.toBeInstanceOf(RateLimitedError);
      await expect(services[0].attempt('2fa', account, '10.21.0.3')).rejects.toBeInstanceOf(RateLimitedError);
    });

    it('success resets the account and takes the attempt back from the IP', async () => {
      const account = `ok-${unique()}@example.test`;
      const ip = `10.22.${Math.floor(Math.random() * 250)}.9`;
      const svc = t.get(ThrottleService);
      await svc.attempt('login', account, ip);
      await svc.attempt('login', account, ip);
      const attempt = await svc.attempt('login', account, ip);
      await attempt.succeeded();
      // Sign-in: the (account, IP) pair starts over; the account and the IP take the attempt back.
      expect(await main.authThrottle.findUnique({ where: { key: throttleKey('login', 'pair', `${account}|${ip}`) } })).toBeNull();
      for (const key of [throttleKey('login', 'ip', ip), throttleKey('login', 'account', account)]) {
        expect((await main.authThrottle.findUniqueOrThrow({ where: { key } })).failures).toBe(2);
      }
      // 2FA: the account starts over.
      const twoFactor = await svc.attempt('2fa', account, ip);
      await twoFactor.succeeded();
      expect(await main.authThrottle.findUnique({ where: { key: throttleKey('2fa', 'account', account) } })).toBeNull();
    });

    it('starts a new window when the old one is over', async () => {
      const account = `window-${unique()}@example.test`;
      const svc = t.get(ThrottleService);
      for (let i = 0; i < LIMIT; i++) await svc.attempt('2fa', account, '10.23.0.1');
      await expect(svc.attempt('2fa', account, '10.23.0.1')).rejects.toBeInstanceOf(RateLimitedError);
      await main.authThrottle.updateMany({
        where: { key: { in: [throttleKey('2fa', 'account', account), throttleKey('2fa', 'ip', '10.23.0.1')] } },
        data: { windowStart: new Date(Date.now() - THROTTLE_RULES['2fa'].account.windowSeconds * 1000 - 1) },
      });
      await expect(svc.attempt('2fa', account, '10.23.0.1')).resolves.toBeDefined();
      const row = await main.authThrottle.findUniqueOrThrow({ where: { key: throttleKey('2fa', 'account', account) } });
      expect(row.failures).toBe(1);
      expect(row.lockedUntil).toBeNull();
    });

    // Sign-in prunes now and then (1 % of attempts); what it drops must be old windows only.
    it('prunes the counters whose window began before the given age, and only those', async () => {
      const rule = THROTTLE_RULES['2fa'].account;
      const [old, recent] = [`prune-old-${unique()}`, `prune-recent-${unique()}`];
      const repo = t.get(ThrottleRepository);
      for (const key of [old, recent]) await repo.count(key, rule);
      await main.authThrottle.update({ where: { key: old }, data: { windowStart: new Date(Date.now() - 2 * 3600_000) } });
      await repo.prune(3600);
      const left = await main.authThrottle.findMany({ where: { key: { in: [old, recent] } }, select: { key: true } });
      expect(left.map((r) => r.key)).toEqual([recent]);
    });
  });

  describe('one-time second factors', () => {
    async function twoFactorUser(): Promise<string> {
      const clientId = null;
      const { userId } = await createUserWithToken(t, { clientId, roleKeys: [] });
      await main.user.update({
        where: { id: userId },
        data: { twoFactorEnabled: true, twoFactorSecretEnc: 'sealed', twoFactorLastStep: 100n },
      });
      return userId;
    }

    // A TOTP code observed over someone's shoulder must not work a second time.
    it('accepts a TOTP time step once, even under concurrency, and never an older one', async () => {
      const userId = await twoFactorUser();
      const repo = t.get(TwoFactorRepository);
      const results = await Promise.all(Array.from({ length: 10 }, () => repo.consumeStep(userId, 101)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await repo.consumeStep(userId, 100)).toBe(false);
      expect(await repo.consumeStep(userId, 102)).toBe(true);
    });

    it('spends a backup code exactly once under concurrency', async () => {
      const userId = await twoFactorUser();
      await main.backupCode.create({ data: { userId, codeHash: hashBackupCode('abcde-fghij') } });
      const repo = t.get(TwoFactorRepository);
      const results = await Promise.all(Array.from({ length: 10 }, () => repo.consumeBackupCode(userId, hashBackupCode('ABCDE FGHIJ'))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('SessionsService', () => {
    it('stores only a SHA-256 of refresh tokens, never the token', async () => {
      const { userId } = await createUserWithToken(t, { clientId: null, roleKeys: [] });
      const tokens = await t.get(SessionsService).start({ id: userId, clientId: null }, { ip: '10.30.0.1', userAgent: 'jest' });
      expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rows = await main.refreshToken.findMany({ where: { session: { userId } } });
      expect(rows.map((r) => r.tokenHash)).toEqual([hashRefreshToken(tokens.refreshToken)]);
      expect(JSON.stringify(rows)).not.toContain(tokens.refreshToken);
    });

    // Sign-in verifies the password, then starts the session: a password change committed in between ends that
    // sign-in (the session is written only while the verified hash is still the user's).
    it('starts no session when the password it verified has changed since', async () => {
      const { userId } = await createUserWithToken(t, { clientId: null, roleKeys: [] });
      const { passwordHash } = await main.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
      const sessions = t.get(SessionsService);
      const count = () => main.session.count({ where: { userId } });
      const before = await count();
      const user = { id: userId, clientId: null };
      await expect(sessions.start(user, {}, { verifiedPasswordHash: `${passwordHash}, before a change` })).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
      expect(await count()).toBe(before);
      await sessions.start(user, {}, { verifiedPasswordHash: passwordHash });
      expect(await count()).toBe(before + 1);
    });

    // Rotation across instances: the database decides, not an in-process lock.
    it('lets exactly one of concurrent refreshes on two instances win', async () => {
      const { userId } = await createUserWithToken(t, { clientId: null, roleKeys: [] });
      const tokens = await t.get(SessionsService).start({ id: userId, clientId: null }, {});
      const check = async (id: string) => ({ id, clientId: null });
      const services = [t.get(SessionsService), second.get(SessionsService)];
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => services[i % 2].refresh(tokens.refreshToken, check)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('REFRESH_TOKEN_REUSED');
    });
  });
});
