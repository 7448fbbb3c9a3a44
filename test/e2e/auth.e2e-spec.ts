import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import type { Response } from 'supertest';
import { createTestApp, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { Clock } from '../../src/common/clock.js';
import { TokenService } from '../../src/modules/auth/token.service.js';

describe('e2e/auth', () => {
  let t: TestApp;
  let main: MainPrismaService;

  /** Every auth and user response body of this file, scanned for secrets at the end. */
  const collected: { label: string; text: string; seq: number }[] = [];
  let seq = 0;

  type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
  async function call(method: Method, path: string, opts: { token?: string; body?: object; ip?: string } = {}): Promise<Response> {
    let req = t.http[method](`/api/v1${path}`);
    if (opts.token) req = req.set('Authorization', `Bearer ${opts.token}`);
    // The app trusts X-Forwarded-For from loopback (a local proxy): each test uses its own IP so throttling by IP stays out of the way.
    req = req.set('X-Forwarded-For', opts.ip ?? ip);
    const res = opts.body !== undefined ? await req.send(opts.body) : await req;
    collected.push({ label: `${method.toUpperCase()} ${path} → ${res.status}`, text: res.text ?? '', seq: seq++ });
    return res;
  }

  let ipCounter = 1;
  let ip = '10.1.0.1';
  beforeEach(() => {
    ip = `10.1.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;
  });

  const PASSWORD = 'correct horse battery staple';
  const unique = () => randomBytes(4).toString('hex');

  interface Signed {
    accessToken: string;
    refreshToken: string;
    userId: string;
    clientId: string;
    email: string;
    slug: string;
  }

  async function signup(overrides: Record<string, unknown> = {}): Promise<Signed> {
    const id = unique();
    const body = { companyName: `Acme ${id}`, name: 'Ada Admin', email: `ada-${id}@example.test`, password: PASSWORD, ...overrides };
    const res = await call('post', '/auth/signup', { body });
    expect(res.status).toBe(201);
    return {
      accessToken: res.body.accessToken,
      refreshToken: res.body.refreshToken,
      userId: res.body.user.id,
      clientId: res.body.client.id,
      email: res.body.user.email,
      slug: res.body.client.slug,
    };
  }

  /** The client the tests that are not about signup share (signup creates a database for each client). */
  let home: Signed;
  let clientAdminRoleId: string;

  /** A fresh client-admin of `home`, signed in: a user and session of their own, without a client of their own. */
  async function account(): Promise<Signed> {
    const email = `ada-${unique()}@example.test`;
    const body = { email, name: 'Ada Admin', password: PASSWORD, roleIds: [clientAdminRoleId] };
    const created = await call('post', '/users', { token: home.accessToken, body });
    expect(created.status).toBe(201);
    const res = await login(email);
    expect(res.status).toBe(200);
    const { accessToken, refreshToken } = res.body as { accessToken: string; refreshToken: string };
    return { accessToken, refreshToken, userId: created.body.id, clientId: home.clientId, email, slug: home.slug };
  }

  async function login(email: string, password = PASSWORD): Promise<Response> {
    return call('post', '/auth/login', { body: { email, password } });
  }

  async function expectLive(token: string): Promise<void> {
    expect((await call('get', '/auth/me', { token })).status).toBe(200);
  }
  async function expectDead(token: string): Promise<void> {
    const res = await call('get', '/auth/me', { token });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  }

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' });
    main = t.get(MainPrismaService);
    home = await signup();
    clientAdminRoleId = (await main.role.findFirstOrThrow({ where: { key: 'client-admin', clientId: null } })).id;
  });
  afterAll(async () => {
    t.get(Clock).set(null);
    await t.close();
  });

  describe('signup', () => {
    it('creates a client, its database and a client-admin, and signs the admin in', async () => {
      const id = unique();
      const res = await call('post', '/auth/signup', {
        body: {
          companyName: `Müller & Söhne ${id}`,
          name: 'Ada',
          email: `Ada-${id}@Example.TEST`,
          password: PASSWORD,
          timeZone: 'europe/berlin',
        },
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'client', 'expiresIn', 'refreshToken', 'user']);
      expect(res.body.expiresIn).toBe(900);
      expect(res.body.user).toEqual({
        id: expect.any(String),
        email: `ada-${id}@example.test`,
        name: 'Ada',
        clientId: res.body.client.id,
        timeZone: 'Europe/Berlin',
        isActive: true,
        twoFactorEnabled: false,
        createdAt: expect.any(String),
      });
      // The slug is derived from the company name when none is given.
      expect(res.body.client).toEqual({
        id: expect.any(String),
        name: `Müller & Söhne ${id}`,
        slug: `muller-sohne-${id}`,
        status: 'active',
      });
      const me = await call('get', '/auth/me', { token: res.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.roles.map((r: { name: string }) => r.name)).toEqual(['client-admin']);
      expect(me.body.capabilities).toContain('users:manage');
      expect(me.body.capabilities).not.toContain('clients:manage');
      const db = await main.client.findUniqueOrThrow({ where: { id: res.body.client.id } });
      expect(db.databaseName).toBe(`freetimechat_${db.id}`);
    });

    it('refuses a password under 10 characters, an unknown time zone and unknown fields with 400', async () => {
      const base = { companyName: `Co ${unique()}`, name: 'A', email: `a-${unique()}@example.test`, password: PASSWORD };
      for (const body of [
        { ...base, password: 'short-9ch' },
        { ...base, timeZone: 'Mars/Olympus' },
        { ...base, role: 'platform-admin' },
        { ...base, slug: 'Not A Slug' },
      ]) {
        const res = await call('post', '/auth/signup', { body });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      expect(await main.user.count({ where: { email: base.email } })).toBe(0);
    });

    it('answers 409 CONFLICT for a taken slug or a taken e-mail (case-insensitively)', async () => {
      const first = await signup({ slug: `taken-${unique()}` });
      const slugClash = await call('post', '/auth/signup', {
        body: { companyName: 'Other', slug: first.slug, name: 'B', email: `b-${unique()}@example.test`, password: PASSWORD },
      });
      expect(slugClash.status).toBe(409);
      expect(slugClash.body.code).toBe('CONFLICT');
      const emailClash = await call('post', '/auth/signup', {
        body: { companyName: `Other ${unique()}`, name: 'B', email: first.email.toUpperCase(), password: PASSWORD },
      });
      expect(emailClash.status).toBe(409);
      expect(emailClash.body.code).toBe('CONFLICT');
      // Nothing of the refused signup remains.
      expect(await main.client.count({ where: { name: `Other` } })).toBe(0);
    });

    // The unique constraint decides, not a check-then-insert: a race must not create two clients.
    it('lets exactly one of concurrent signups with the same slug through', async () => {
      const slug = `race-${unique()}`;
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          call('post', '/auth/signup', {
            body: { companyName: `Race ${i}`, slug, name: 'R', email: `race-${i}-${unique()}@example.test`, password: PASSWORD },
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409]);
      expect(await main.client.count({ where: { slug } })).toBe(1);
    });
  });

  describe('login', () => {
    it('answers tokens and the user for the right password, e-mail case-insensitively', async () => {
      const s = await account();
      const res = await login(s.email.toUpperCase());
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'user']);
      expect(res.body.user.id).toBe(s.userId);
      await expectLive(res.body.accessToken);
    });

    // An access token must carry an expiry: a correctly signed one without `exp` would never expire.
    it('refuses an access token without an expiry, even correctly signed for a live session', async () => {
      const s = await account();
      const claims = JSON.parse(Buffer.from(s.accessToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      const { exp: _exp, iat: _iat, ...rest } = claims;
      const tokens = t.get(TokenService) as unknown as { jwt: { sign: (p: object, o: object) => string }; key: unknown };
      const forever = tokens.jwt.sign(rest, { secret: tokens.key, algorithm: 'HS256' });
      expect(JSON.parse(Buffer.from(forever.split('.')[1], 'base64url').toString()).exp).toBeUndefined();
      expect((await call('get', '/auth/me', { token: forever })).status).toBe(401);
      await expectLive(s.accessToken);
    });

    // Nothing may tell an attacker whether an e-mail exists or an account is disabled.
    it('answers wrong password, unknown e-mail and a deactivated user with the same 401 INVALID_CREDENTIALS', async () => {
      const s = await account();
      const created = await call('post', '/users', {
        token: s.accessToken,
        body: { email: `gone-${unique()}@example.test`, name: 'Gone', password: PASSWORD },
      });
      expect(created.status).toBe(201);
      expect((await call('patch', `/users/${created.body.id}`, { token: s.accessToken, body: { isActive: false } })).status).toBe(200);

      const answers = [
        await login(s.email, 'wrong password!!'),
        await login(`nobody-${unique()}@example.test`),
        await login(created.body.email),
      ];
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          code: 'INVALID_CREDENTIALS',
          message: 'Invalid e-mail or password',
          requestId: expect.any(String),
        });
      }
    });

    it('refuses a malformed body with 400', async () => {
      const res = await call('post', '/auth/login', { body: { email: 'a@b.c' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use; reusing a spent one revokes the whole session, access tokens included', async () => {
      const s = await account();
      const first = await login(s.email);
      const r1 = first.body.refreshToken as string;

      const second = await call('post', '/auth/refresh', { body: { refreshToken: r1 } });
      expect(second.status).toBe(200);
      expect(Object.keys(second.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken']);
      expect(second.body.refreshToken).not.toBe(r1);
      await expectLive(second.body.accessToken);
      await expectLive(first.body.accessToken);

      // r1 again: a thief or a replay. The family dies.
      const reuse = await call('post', '/auth/refresh', { body: { refreshToken: r1 } });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');

      const afterwards = await call('post', '/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
      expect(afterwards.status).toBe(401);
      await expectDead(second.body.accessToken);
      await expectDead(first.body.accessToken);
      // Other sessions of the same user are untouched.
      await expectLive(s.accessToken);
    });

    it('answers an unknown refresh token with 401 UNAUTHENTICATED', async () => {
      const res = await call('post', '/auth/refresh', { body: { refreshToken: randomBytes(32).toString('base64url') } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('answers an expired refresh token with 401 UNAUTHENTICATED', async () => {
      const s = await account();
      await main.refreshToken.updateMany({ where: { session: { userId: s.userId } }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const res = await call('post', '/auth/refresh', { body: { refreshToken: s.refreshToken } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    // One conditional UPDATE decides: of 20 simultaneous refreshes exactly one wins;
    // the others are reuse (indistinguishable from theft), so the session is revoked.
    it('lets exactly one of 20 concurrent refreshes with one token succeed', async () => {
      const s = await account();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => call('post', '/auth/refresh', { body: { refreshToken: s.refreshToken } })),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200)) {
        expect(r.status).toBe(401);
        expect(r.body.code).toBe('REFRESH_TOKEN_REUSED');
      }
      expect(await main.refreshToken.count({ where: { session: { userId: s.userId } } })).toBe(2);
      const session = await main.session.findFirstOrThrow({ where: { userId: s.userId } });
      expect(session.revokedReason).toBe('refresh_token_reused');
    });
  });

  describe('sessions', () => {
    it('logout ends the session of the refresh token at once', async () => {
      const s = await account();
      const other = await login(s.email);
      const res = await call('post', '/auth/logout', { token: s.accessToken, body: { refreshToken: s.refreshToken } });
      expect(res.status).toBe(204);
      await expectDead(s.accessToken);
      expect((await call('post', '/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401);
      await expectLive(other.body.accessToken);
    });

    it('logout-all ends every session of the user', async () => {
      const s = await account();
      const a = await login(s.email);
      const b = await login(s.email);
      expect((await call('post', '/auth/logout-all', { token: a.body.accessToken })).status).toBe(204);
      for (const token of [s.accessToken, a.body.accessToken, b.body.accessToken]) await expectDead(token);
      for (const refreshToken of [s.refreshToken, a.body.refreshToken, b.body.refreshToken]) {
        const res = await call('post', '/auth/refresh', { body: { refreshToken } });
        expect(res.status).toBe(401);
      }
    });

    it('a password change ends the other sessions but not the current one', async () => {
      const s = await account();
      const other = await login(s.email);
      const wrong = await call('post', '/auth/password', {
        token: s.accessToken,
        body: { currentPassword: 'not my password', newPassword: 'a new password 123' },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      const short = await call('post', '/auth/password', {
        token: s.accessToken,
        body: { currentPassword: PASSWORD, newPassword: 'short' },
      });
      expect(short.status).toBe(400);
      await expectLive(other.body.accessToken);

      const res = await call('post', '/auth/password', {
        token: s.accessToken,
        body: { currentPassword: PASSWORD, newPassword: 'a new password 123' },
      });
      expect(res.status).toBe(204);
      await expectLive(s.accessToken);
      expect((await call('post', '/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(200);
      await expectDead(other.body.accessToken);
      expect((await call('post', '/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(401);
      expect((await login(s.email)).status).toBe(401);
      expect((await login(s.email, 'a new password 123')).status).toBe(200);
    });

    // A sign-in with the old password that races a password change must not keep its session,
    // and of two changes with the same current password only one may succeed.
    it('leaves no session signed in with the old password after a change, however the two race', async () => {
      for (let round = 0; round < 6; round++) {
        const s = await account();
        const newPassword = `a new password ${round}00`;
        const [change, signin, second] = await Promise.all([
          call('post', '/auth/password', { token: s.accessToken, body: { currentPassword: PASSWORD, newPassword } }),
          login(s.email),
          call('post', '/auth/password', { token: s.accessToken, body: { currentPassword: PASSWORD, newPassword: `${newPassword}x` } }),
        ]);
        // Exactly one change wins; the other finds the current password changed.
        expect([change.status, second.status].sort()).toEqual([204, 401]);
        if (signin.status === 200) {
          await expectDead(signin.body.accessToken);
          expect((await call('post', '/auth/refresh', { body: { refreshToken: signin.body.refreshToken } })).status).toBe(401);
        } else {
          expect(signin.status).toBe(401);
        }
        await expectLive(s.accessToken);
      }
    });

    it('protected auth routes need a token', async () => {
      for (const [method, path] of [
        ['get', '/auth/me'],
        ['post', '/auth/logout-all'],
        ['post', '/auth/2fa/setup'],
      ] as const) {
        const res = await call(method, path);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('UNAUTHENTICATED');
      }
    });
  });

  describe('GET /auth/me', () => {
    it('answers user, client, roles, capabilities and impersonation exactly', async () => {
      const s = await account();
      const res = await call('get', '/auth/me', { token: s.accessToken });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['capabilities', 'client', 'impersonation', 'roles', 'user']);
      expect(Object.keys(res.body.user).sort()).toEqual([
        'clientId',
        'createdAt',
        'email',
        'id',
        'isActive',
        'name',
        'timeZone',
        'twoFactorEnabled',
      ]);
      expect(res.body.client).toEqual({ id: s.clientId, name: expect.any(String), slug: s.slug, status: 'active' });
      expect(res.body.roles).toEqual([{ id: expect.any(String), name: 'client-admin', system: true }]);
      expect(res.body.impersonation).toBeNull();
      expect(res.body.capabilities).toEqual([...res.body.capabilities].sort());
    });

    it('has client null for a platform admin', async () => {
      const admin = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const res = await call('get', '/auth/me', { token: admin.token });
      expect(res.status).toBe(200);
      expect(res.body.client).toBeNull();
      expect(res.body.user.clientId).toBeNull();
      expect(res.body.capabilities).toContain('clients:manage');
    });
  });

  describe('impersonation tokens on /auth', () => {
    async function impersonate(): Promise<{
      token: string;
      sessionId: string;
      impersonator: { id: string; email: string };
      expiresAt: Date;
      target: Signed;
    }> {
      const target = await account();
      const admin = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const expiresAt = new Date(Date.now() + 30 * 60_000);
      const imp = await main.impersonationSession.create({
        data: {
          impersonatorId: admin.userId,
          targetUserId: target.userId,
          clientId: target.clientId,
          reason: 'support ticket',
          allowWrites: true,
          expiresAt,
        },
      });
      const token = t
        .get(TokenService)
        .signAccess({ sub: target.userId, clientId: target.clientId, sid: imp.id, act: { sub: admin.userId }, impSid: imp.id });
      return { token, sessionId: imp.id, impersonator: { id: admin.userId, email: admin.email }, expiresAt, target };
    }

    it('GET /auth/me shows the target user and who is impersonating', async () => {
      const imp = await impersonate();
      const res = await call('get', '/auth/me', { token: imp.token });
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(imp.target.userId);
      expect(res.body.impersonation).toEqual({
        sessionId: imp.sessionId,
        impersonator: imp.impersonator,
        expiresAt: imp.expiresAt.toISOString(),
      });
    });

    // Even with allowWrites, the impersonator must not take over the account's credentials.
    it('refuses credential management with an impersonation token (403)', async () => {
      const imp = await impersonate();
      for (const [path, body] of [
        ['/auth/password', { currentPassword: PASSWORD, newPassword: 'taken over 12345' }],
        ['/auth/2fa/setup', undefined],
        ['/auth/logout-all', undefined],
        ['/auth/logout', { refreshToken: imp.target.refreshToken }],
      ] as const) {
        const res = await call('post', path, { token: imp.token, body });
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
      }
      await expectLive(imp.target.accessToken);
      expect((await login(imp.target.email)).status).toBe(200);
    });
  });

  describe('OpenAPI', () => {
    it('documents every identity route with its schemas', async () => {
      const doc = (await t.http.get('/docs-json')).body;
      const routes: [string, string][] = [
        ['post', '/api/v1/auth/signup'],
        ['post', '/api/v1/auth/login'],
        ['post', '/api/v1/auth/2fa/verify'],
        ['post', '/api/v1/auth/refresh'],
        ['post', '/api/v1/auth/logout'],
        ['post', '/api/v1/auth/logout-all'],
        ['get', '/api/v1/auth/me'],
        ['post', '/api/v1/auth/password'],
        ['post', '/api/v1/auth/2fa/setup'],
        ['post', '/api/v1/auth/2fa/enable'],
        ['post', '/api/v1/auth/2fa/disable'],
        ['get', '/api/v1/users'],
        ['post', '/api/v1/users'],
        ['get', '/api/v1/users/{id}'],
        ['patch', '/api/v1/users/{id}'],
        ['put', '/api/v1/users/{id}/roles'],
        ['get', '/api/v1/capabilities'],
        ['get', '/api/v1/roles'],
        ['post', '/api/v1/roles'],
        ['patch', '/api/v1/roles/{id}'],
        ['delete', '/api/v1/roles/{id}'],
      ];
      for (const [method, path] of routes) {
        const op = doc.paths[path]?.[method];
        expect({ route: `${method} ${path}`, documented: !!op?.summary && op.tags.length > 0 }).toEqual({
          route: `${method} ${path}`,
          documented: true,
        });
      }
      expect(doc.paths['/api/v1/auth/login'].post.responses['200'].content['application/json'].schema.oneOf).toHaveLength(2);
      expect(doc.components.schemas.SignupDto.required).toEqual(expect.arrayContaining(['companyName', 'name', 'email', 'password']));
      expect(doc.components.schemas.UserDto.properties).toHaveProperty('roles');
    });
  });

  describe('two-factor authentication', () => {
    const clock = () => t.get(Clock);
    const codeAt = (secret: string, at: Date) => authenticator.clone({ epoch: at.getTime() }).generate(secret);
    const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    // A challenge earned with a password that was changed before it was answered no longer signs in.
    it('refuses a 2FA challenge issued before a password change', async () => {
      const base = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 5_000);
      clock().set(base);
      try {
        const s = await account();
        const { secret } = (await call('post', '/auth/2fa/setup', { token: s.accessToken })).body as { secret: string };
        const enabled = await call('post', '/auth/2fa/enable', { token: s.accessToken, body: { code: codeAt(secret, base) } });
        const backupCodes = enabled.body.backupCodes as string[];
        const challenge = (await login(s.email)).body.challengeToken as string;
        const newPassword = 'changed password 123';
        const changed = await call('post', '/auth/password', { token: s.accessToken, body: { currentPassword: PASSWORD, newPassword } });
        expect(changed.status).toBe(204);
        const stale = await call('post', '/auth/2fa/verify', { body: { challengeToken: challenge, code: backupCodes[0] } });
        expect([stale.status, stale.body.code]).toEqual([401, 'UNAUTHENTICATED']);
        const fresh = (await login(s.email, newPassword)).body.challengeToken as string;
        expect((await call('post', '/auth/2fa/verify', { body: { challengeToken: fresh, code: backupCodes[0] } })).status).toBe(200);
      } finally {
        clock().set(null);
      }
    });

    it('sets up, enables, logs in with TOTP and a one-time backup code, refuses replays, and disables', async () => {
      // The TOTP time is the app's injectable clock: each step below is a distinct 30-second window.
      const base = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 5_000);
      const at = (steps: number) => new Date(base.getTime() + steps * 30_000);
      clock().set(at(0));
      try {
        const s = await account();
        const setup = await call('post', '/auth/2fa/setup', { token: s.accessToken });
        expect(setup.status).toBe(200);
        const secret = setup.body.secret as string;
        expect(secret).toMatch(/^[A-Z2-7]{32}$/);
        expect(setup.body.otpauthUrl).toContain(`secret=${secret}`);
        secretsShown.push({ secret, seq: seq - 1 });
        const stored = await main.user.findUniqueOrThrow({ where: { id: s.userId } });
        expect(stored.twoFactorPendingEnc).toBeTruthy();
        expect(stored.twoFactorPendingEnc).not.toContain(secret);

        const wrongEnable = await call('post', '/auth/2fa/enable', {
          token: s.accessToken,
          body: { code: otherCode(codeAt(secret, at(0))) },
        });
        expect(wrongEnable.status).toBe(401);
        expect(wrongEnable.body.code).toBe('INVALID_2FA_CODE');

        const enabled = await call('post', '/auth/2fa/enable', { token: s.accessToken, body: { code: codeAt(secret, at(0)) } });
        expect(enabled.status).toBe(200);
        const backupCodes = enabled.body.backupCodes as string[];
        expect(backupCodes).toHaveLength(10);
        expect(new Set(backupCodes).size).toBe(10);
        expect((await call('get', '/auth/me', { token: s.accessToken })).body.user.twoFactorEnabled).toBe(true);
        expect(await main.backupCode.count({ where: { userId: s.userId } })).toBe(10);

        // Password alone is no longer enough.
        const first = await login(s.email);
        expect(first.status).toBe(200);
        expect(first.body).toEqual({ twoFactorRequired: true, challengeToken: expect.any(String) });
        expect(first.body.accessToken).toBeUndefined();

        const wrong = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: first.body.challengeToken, code: codeAt(secret, at(-5)) },
        });
        expect(wrong.status).toBe(401);
        expect(wrong.body.code).toBe('INVALID_2FA_CODE');

        // The enabling code's time step was spent: it cannot be replayed to log in.
        const replayEnable = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: first.body.challengeToken, code: codeAt(secret, at(0)) },
        });
        expect(replayEnable.status).toBe(401);

        clock().set(at(1));
        const verified = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: first.body.challengeToken, code: codeAt(secret, at(1)) },
        });
        expect(verified.status).toBe(200);
        expect(Object.keys(verified.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'user']);
        await expectLive(verified.body.accessToken);

        // A challenge is good for one sign-in, never two: once used it is spent, even with a
        // valid backup code, which it does not consume.
        const reused = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: first.body.challengeToken, code: backupCodes[5] },
        });
        expect([reused.status, reused.body.code]).toEqual([401, 'UNAUTHENTICATED']);
        const racing = await login(s.email);
        const raced = await Promise.all(
          [6, 7].map((i) =>
            call('post', '/auth/2fa/verify', { body: { challengeToken: racing.body.challengeToken, code: backupCodes[i] } }),
          ),
        );
        expect(raced.map((r) => r.status).sort()).toEqual([200, 401]);
        const unspent = await login(s.email);
        expect(
          (await call('post', '/auth/2fa/verify', { body: { challengeToken: unspent.body.challengeToken, code: backupCodes[5] } })).status,
        ).toBe(200);

        // The same code again (same time step) is a replay.
        const second = await login(s.email);
        const replay = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: second.body.challengeToken, code: codeAt(secret, at(1)) },
        });
        expect(replay.status).toBe(401);
        expect(replay.body.code).toBe('INVALID_2FA_CODE');

        // A backup code works once.
        const withBackup = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: second.body.challengeToken, code: backupCodes[3].toUpperCase() },
        });
        expect(withBackup.status).toBe(200);
        const third = await login(s.email);
        const backupAgain = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: third.body.challengeToken, code: backupCodes[3] },
        });
        expect(backupAgain.status).toBe(401);
        expect(backupAgain.body.code).toBe('INVALID_2FA_CODE');

        // A forged or expired challenge token is no way in.
        const forged = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: verified.body.accessToken, code: codeAt(secret, at(1)) },
        });
        expect(forged.status).toBe(401);
        expect(forged.body.code).toBe('UNAUTHENTICATED');

        // Setup again while enabled is a conflict (it would silently replace the secret).
        expect((await call('post', '/auth/2fa/setup', { token: s.accessToken })).status).toBe(409);

        clock().set(at(2));
        const badPassword = await call('post', '/auth/2fa/disable', {
          token: s.accessToken,
          body: { password: 'wrong password!', code: codeAt(secret, at(2)) },
        });
        expect(badPassword.status).toBe(401);
        expect(badPassword.body.code).toBe('INVALID_CREDENTIALS');
        const badCode = await call('post', '/auth/2fa/disable', { token: s.accessToken, body: { password: PASSWORD, code: '12345x' } });
        expect(badCode.status).toBe(401);
        expect(badCode.body.code).toBe('INVALID_2FA_CODE');
        const disabled = await call('post', '/auth/2fa/disable', {
          token: s.accessToken,
          body: { password: PASSWORD, code: codeAt(secret, at(2)) },
        });
        expect(disabled.status).toBe(204);
        expect(await main.backupCode.count({ where: { userId: s.userId } })).toBe(0);
        const plain = await login(s.email);
        expect(plain.status).toBe(200);
        expect(plain.body.accessToken).toEqual(expect.any(String));
      } finally {
        clock().set(null);
      }
    });

    // Clocks drift: a code from the previous 30-second step is still accepted.
    it('accepts a code one time step old', async () => {
      const base = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 5_000);
      clock().set(base);
      try {
        const s = await account();
        const { body } = await call('post', '/auth/2fa/setup', { token: s.accessToken });
        secretsShown.push({ secret: body.secret, seq: seq - 1 });
        expect((await call('post', '/auth/2fa/enable', { token: s.accessToken, body: { code: codeAt(body.secret, base) } })).status).toBe(
          200,
        );
        const later = new Date(base.getTime() + 60_000);
        clock().set(later);
        const challenge = await login(s.email);
        const res = await call('post', '/auth/2fa/verify', {
          body: { challengeToken: challenge.body.challengeToken, code: codeAt(body.secret, new Date(later.getTime() - 30_000)) },
        });
        expect(res.status).toBe(200);
      } finally {
        clock().set(null);
      }
    });

    it('enable without setup is a 409', async () => {
      const s = await account();
      const res = await call('post', '/auth/2fa/enable', { token: s.accessToken, body: { code: '123456' } });
      expect(res.status).toBe(409);
    });
  });

  describe('users responses (also scanned for secrets below)', () => {
    it('lists, creates and reads users without any credential material', async () => {
      const s = await account();
      const created = await call('post', '/users', {
        token: s.accessToken,
        body: { email: `u-${unique()}@example.test`, name: 'U', password: PASSWORD },
      });
      expect(created.status).toBe(201);
      expect((await call('get', '/users', { token: s.accessToken })).status).toBe(200);
      expect((await call('get', `/users/${created.body.id}`, { token: s.accessToken })).status).toBe(200);
      expect((await call('patch', `/users/${created.body.id}`, { token: s.accessToken, body: { name: 'U2' } })).status).toBe(200);
      expect((await call('put', `/users/${created.body.id}/roles`, { token: s.accessToken, body: { roleIds: [] } })).status).toBe(200);
    });
  });

  const secretsShown: { secret: string; seq: number }[] = [];

  // Brocoders-style guard: a response may never carry a password hash, a token
  // hash, a TOTP secret (except in the one setup answer) or a backup code hash.
  describe('secrets never leave the server', () => {
    it('no auth or user response body contains a password hash, token hash, TOTP secret or backup code hash', async () => {
      expect(collected.length).toBeGreaterThan(50);
      const users = await main.user.findMany({ select: { passwordHash: true, twoFactorSecretEnc: true, twoFactorPendingEnc: true } });
      const tokenHashes = (await main.refreshToken.findMany({ select: { tokenHash: true } })).map((r) => r.tokenHash);
      const backupHashes = (await main.backupCode.findMany({ select: { codeHash: true } })).map((r) => r.codeHash);
      expect(tokenHashes.length).toBeGreaterThan(10);
      expect(secretsShown.length).toBeGreaterThan(0);
      const forbidden = [
        ...users.map((u) => u.passwordHash).filter((h) => h.startsWith('$argon2')),
        ...users.flatMap((u) => [u.twoFactorSecretEnc, u.twoFactorPendingEnc]).filter((x): x is string => !!x),
        ...tokenHashes,
        ...backupHashes,
      ];
      for (const c of collected) {
        expect(c.text).not.toContain('$argon2');
        expect(c.text).not.toMatch(/passwordHash|password_hash|tokenHash|codeHash|SecretEnc/i);
        for (const f of forbidden) if (c.text.includes(f)) throw new Error(`${c.label} leaked a stored secret`);
        for (const s of secretsShown) {
          if (c.seq > s.seq && c.text.includes(s.secret)) throw new Error(`${c.label} repeated a TOTP secret after setup`);
        }
      }
    });
  });
});
