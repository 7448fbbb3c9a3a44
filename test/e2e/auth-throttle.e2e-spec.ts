import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { THROTTLE_RULES } from '../../src/modules/auth/throttle.policy.js';

let t: TestApp;
let main: MainPrismaService;
beforeAll(async () => {
  t = await createTestApp();
  main = t.get(MainPrismaService);
});
afterAll(() => t.close());

const PASSWORD = 'correct horse battery staple';
const ACCOUNT_LIMIT = THROTTLE_RULES.login.account.limit;
const IP_LIMIT = THROTTLE_RULES.login.ip.limit;
const WINDOW = THROTTLE_RULES.login.account.windowSeconds;
const unique = () => randomBytes(4).toString('hex');
let ipN = 1;
/** A fresh client IP per use (the app trusts X-Forwarded-For from a loopback proxy). */
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
  // Password guessing against one account must stop after a handful of tries,
  // whichever IPs the guesses come from.
  it(`refuses an account with 429 and Retry-After after ${ACCOUNT_LIMIT} failures, even with the right password`, async () => {
    const { email } = await signup();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      const res = await login(email, `wrong password ${i}`, newIp());
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    }
    expectRateLimited(await login(email, PASSWORD, newIp()));
    const row = await main.authThrottle.findUniqueOrThrow({ where: { key: `login:account:${email}` } });
    expect(row.failures).toBe(ACCOUNT_LIMIT);
    expect(row.lockedUntil).not.toBeNull();
  });

  it('lets the account in again once its window is over', async () => {
    const { email } = await signup();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await login(email, 'wrong password!', newIp());
    expectRateLimited(await login(email, PASSWORD, newIp()));
    // Fast-forward: the window started 15 minutes ago.
    await main.authThrottle.update({
      where: { key: `login:account:${email}` },
      data: { windowStart: new Date(Date.now() - WINDOW * 1000 - 1000) },
    });
    expect((await login(email, PASSWORD, newIp())).status).toBe(200);
  });

  it('a successful login resets the account counter', async () => {
    const { email } = await signup();
    const ip = newIp();
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) expect((await login(email, 'wrong password!', ip)).status).toBe(401);
    expect((await login(email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) expect((await login(email, 'wrong password!', newIp())).status).toBe(401);
    expectRateLimited(await login(email, PASSWORD, newIp()));
  });

  // Unknown e-mails are throttled exactly like real ones: 429 reveals nothing.
  it('throttles an unknown e-mail the same way', async () => {
    const email = `ghost-${unique()}@example.test`;
    for (let i = 0; i < ACCOUNT_LIMIT; i++) expect((await login(email, 'wrong password!', newIp())).status).toBe(401);
    expectRateLimited(await login(email, 'wrong password!', newIp()));
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
  it(`lets exactly ${ACCOUNT_LIMIT} of 15 concurrent wrong logins for one account be checked`, async () => {
    const { email } = await signup();
    const results = await Promise.all(Array.from({ length: 15 }, () => login(email, 'wrong password!', newIp())));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ACCOUNT_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15 - ACCOUNT_LIMIT);
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
      t.http.post('/api/v1/auth/2fa/verify').set('X-Forwarded-For', newIp()).send({ challengeToken: challenge.body.challengeToken, code });
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
