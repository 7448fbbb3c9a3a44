import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { THROTTLE_RULES } from '../../src/modules/auth/throttle.policy.js';

describe('e2e/auth-throttle', () => {
  let t: TestApp;
  let main: MainPrismaService;
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' });
    main = t.get(MainPrismaService);
  });
  afterAll(() => t.close());

  const PASSWORD = 'correct horse battery staple';
  const PAIR_LIMIT = THROTTLE_RULES.login.pair.limit;
  const ACCOUNT_LIMIT = THROTTLE_RULES.login.account.limit;
  const IP_LIMIT = THROTTLE_RULES.login.ip.limit;
  const WINDOW = THROTTLE_RULES.login.pair.windowSeconds;
  const unique = () => randomBytes(4).toString('hex');
  let ipN = 1;
  /** A fresh client IP per use (the test app trusts X-Forwarded-For from its loopback proxy, TRUST_PROXY). */
  const newIp = () => `10.9.${Math.floor(ipN / 250)}.${(ipN++ % 250) + 1}`;

  function login(email: string, password: string, ip: string): Promise<Response> {
    return t.http.post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  }

  async function signup(): Promise<{ email: string; accessToken: string }> {
    const id = unique();
    const res = await t.http
      .post('/api/v1/auth/signup')
      .set('X-Forwarded-For', newIp())
      .send({ companyName: `Throttle ${id}`, name: 'T', email: `t-${id}@example.test`, password: PASSWORD });
    expect(res.status).toBe(201);
    return { email: res.body.user.email, accessToken: res.body.accessToken };
  }

  function expectRateLimited(res: Response): void {
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW);
  }

  describe('login throttling', () => {
    // Guessing from one address must stop after a handful of tries.
    it(`refuses an account from one IP with 429 and Retry-After after ${PAIR_LIMIT} failures, even with the right password`, async () => {
      const { email } = await signup();
      const ip = newIp();
      for (let i = 0; i < PAIR_LIMIT; i++) {
        const res = await login(email, `wrong password ${i}`, ip);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
      expectRateLimited(await login(email, PASSWORD, ip));
      const row = await main.authThrottle.findUniqueOrThrow({ where: { key: `login:pair:${email}|${ip}` } });
      expect(row.failures).toBe(PAIR_LIMIT);
    });

    // Anyone who knows an e-mail could otherwise lock its owner out, the platform admin included.
    it('never locks the owner out: failures from other IPs do not stop the correct password from a fresh IP', async () => {
      const { email } = await signup();
      const attacker = newIp();
      for (let i = 0; i < PAIR_LIMIT; i++) expect((await login(email, 'wrong password!', attacker)).status).toBe(401);
      expectRateLimited(await login(email, 'wrong password!', attacker));
      expect((await login(email, PASSWORD, newIp())).status).toBe(200);
    });

    // Past the per-account limit each address gets one guess per window, and the owner still gets in.
    it(`past ${ACCOUNT_LIMIT} failures from many IPs, refuses IPs that failed already and still lets the owner in from a fresh one`, async () => {
      const { email } = await signup();
      const ips = Array.from({ length: ACCOUNT_LIMIT + 3 }, newIp);
      for (const ip of ips) expect((await login(email, 'wrong password!', ip)).status).toBe(401);
      expectRateLimited(await login(email, 'another guess', ips[0]));
      expectRateLimited(await login(email, PASSWORD, ips[ips.length - 1]));
      expect((await login(email, 'yet another guess', newIp())).status).toBe(401);
      expect((await login(email, PASSWORD, newIp())).status).toBe(200);
    });

    it('lets the IP in again once its window is over', async () => {
      const { email } = await signup();
      const ip = newIp();
      for (let i = 0; i < PAIR_LIMIT; i++) await login(email, 'wrong password!', ip);
      expectRateLimited(await login(email, PASSWORD, ip));
      // Fast-forward: the window started 15 minutes ago.
      await main.authThrottle.update({
        where: { key: `login:pair:${email}|${ip}` },
        data: { windowStart: new Date(Date.now() - WINDOW * 1000 - 1000) },
      });
      expect((await login(email, PASSWORD, ip)).status).toBe(200);
    });

    it("a successful login resets that IP's counter for the account", async () => {
      const { email } = await signup();
      const ip = newIp();
      for (let i = 0; i < PAIR_LIMIT - 1; i++) expect((await login(email, 'wrong password!', ip)).status).toBe(401);
      expect((await login(email, PASSWORD, ip)).status).toBe(200);
      for (let i = 0; i < PAIR_LIMIT; i++) expect((await login(email, 'wrong password!', ip)).status).toBe(401);
      expectRateLimited(await login(email, PASSWORD, ip));
    });

    // Unknown e-mails are throttled exactly like real ones: 429 reveals nothing.
    it('throttles an unknown e-mail the same way', async () => {
      const email = `ghost-${unique()}@example.test`;
      const ip = newIp();
      for (let i = 0; i < PAIR_LIMIT; i++) expect((await login(email, 'wrong password!', ip)).status).toBe(401);
      expectRateLimited(await login(email, 'wrong password!', ip));
    });

    // Spraying one password over many accounts from one address is the other attack.
    it(`refuses an IP with 429 after ${IP_LIMIT} failures over any accounts; other IPs are unaffected`, async () => {
      const ip = newIp();
      for (let i = 0; i < IP_LIMIT; i++) expect((await login(`spray-${i}-${unique()}@example.test`, 'Winter2026!!', ip)).status).toBe(401);
      const { email } = await signup();
      expectRateLimited(await login(email, PASSWORD, ip));
      expect((await login(email, PASSWORD, newIp())).status).toBe(200);
    });

    it('successful logins do not use up the IP allowance', async () => {
      const { email } = await signup();
      const ip = newIp();
      for (let i = 0; i < IP_LIMIT + 2; i++) expect((await login(email, PASSWORD, ip)).status).toBe(200);
    });

    // The count is taken before the password is checked, atomically: a burst of
    // parallel guesses cannot slip past the limit.
    it(`lets exactly ${PAIR_LIMIT} of 15 concurrent wrong logins for one account from one IP be checked`, async () => {
      const { email } = await signup();
      const ip = newIp();
      const results = await Promise.all(Array.from({ length: 15 }, () => login(email, 'wrong password!', ip)));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(PAIR_LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(15 - PAIR_LIMIT);
    });

    // Behind no configured proxy, X-Forwarded-For is the caller's own text: it must not buy fresh addresses.
    it('ignores X-Forwarded-For unless TRUST_PROXY names the proxy', async () => {
      const direct = await createTestApp();
      try {
        const email = `direct-${unique()}@example.test`;
        const send = () =>
          direct.http.post('/api/v1/auth/login').set('X-Forwarded-For', newIp()).send({ email, password: 'wrong password!' });
        for (let i = 0; i < PAIR_LIMIT; i++) expect((await send()).status).toBe(401);
        expect((await send()).status).toBe(429);
      } finally {
        await direct.close();
      }
    });
  });

  describe('2FA verify throttling', () => {
    it(`refuses with 429 after ${THROTTLE_RULES['2fa'].account.limit} wrong codes, even for a right one`, async () => {
      const { email, accessToken } = await signup();
      const setup = await t.http.post('/api/v1/auth/2fa/setup').set('Authorization', `Bearer ${accessToken}`);
      const secret = setup.body.secret as string;
      const enable = await t.http
        .post('/api/v1/auth/2fa/enable')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({ code: authenticator.generate(secret) });
      expect(enable.status).toBe(200);
      const challenge = await login(email, PASSWORD, newIp());
      expect(challenge.body.twoFactorRequired).toBe(true);

      const verify = (code: string) =>
        t.http
          .post('/api/v1/auth/2fa/verify')
          .set('X-Forwarded-For', newIp())
          .send({ challengeToken: challenge.body.challengeToken, code });
      for (let i = 0; i < THROTTLE_RULES['2fa'].account.limit; i++) {
        const res = await verify(`wrong-backup-${i}`);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('INVALID_2FA_CODE');
      }
      expectRateLimited(await verify(enable.body.backupCodes[0]));
      // The refused attempt did not spend the backup code.
      expect(await main.backupCode.count({ where: { usedAt: { not: null } } })).toBe(0);
    });
  });
});
