/**
 * Personal access tokens (`/auth/tokens`): the secret is shown once and
 * stored hashed; a token acts as its user with the capabilities both it and
 * the user hold at each request; it stops working at once when revoked (on
 * every instance), expired, its user deactivated or its client suspended or
 * deleted; it cannot manage credentials or sessions; its last use is written
 * in batches.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { AccessTokenUsageService } from '../../src/modules/auth/access-token-usage.service.js';
import { ACCESS_TOKENS_PER_USER } from '../../src/modules/auth/access-tokens.service.js';
import { AuthContextService } from '../../src/modules/auth/auth-context.service.js';
import { UnauthenticatedError } from '../../src/common/errors.js';

describe('e2e/access-tokens', () => {
  let t: TestApp;
  let main: MainPrismaService;
  let clientId: string;
  let admin: { userId: string; token: string };
  let platform: { token: string };

  type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
  function call(app: TestApp, method: Method, path: string, token: string | null, body?: object): Promise<Response> {
    let req = app.http[method](`/api/v1${path}`);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    return body !== undefined ? req.send(body) : req;
  }
  const api = (method: Method, path: string, token: string | null, body?: object) => call(t, method, path, token, body);

  async function createToken(token: string, body: object = {}): Promise<{ id: string; token: string }> {
    const res = await api('post', '/auth/tokens', token, { name: `token ${randomBytes(3).toString('hex')}`, ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string };
  }

  /** Waits (bounded) for a condition that another instance learns through LISTEN/NOTIFY within milliseconds. */
  async function eventually(check: () => Promise<boolean>, ms = 2_000): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      if (await check()) return true;
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    main = t.get(MainPrismaService);
    clientId = await provisionClient(t, 'Tokens Inc');
    admin = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
    platform = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Another instance on the same main database, as behind a load balancer, with its own caches. */
  function secondInstance(): Promise<TestApp> {
    return createTestApp({}, { database: { ...t.db, drop: async () => undefined }, keepDatabase: true });
  }

  describe('personal access tokens', () => {
    it('shows the secret once, stores only its hash, lists tokens without it and revokes them', async () => {
      const res = await api('post', '/auth/tokens', admin.token, {
        name: '  CI export  ',
        capabilities: ['projects:read', 'projects:read'],
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['capabilities', 'createdAt', 'expiresAt', 'id', 'name', 'prefix', 'token']);
      expect(res.body).toMatchObject({ name: 'CI export', capabilities: ['projects:read'], expiresAt: null });
      expect(res.body.token).toMatch(/^ftc_pat_[A-Za-z0-9_-]{43}$/);
      expect(res.body.token.startsWith(res.body.prefix)).toBe(true);
      expect(res.body.prefix.length).toBeLessThan(20);

      const row = await main.personalAccessToken.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(JSON.stringify(row)).not.toContain(res.body.token.slice(res.body.prefix.length));

      const list = await api('get', '/auth/tokens', admin.token);
      expect(list.status).toBe(200);
      const listed = (list.body.data as { id: string }[]).find((x) => x.id === res.body.id);
      expect(Object.keys(listed!).sort()).toEqual(['capabilities', 'createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix']);
      expect(list.text).not.toContain(res.body.token);
      expect(list.body.nextCursor).toBeNull();

      expect((await api('get', '/auth/me', res.body.token)).status).toBe(200);
      expect((await api('delete', `/auth/tokens/${res.body.id}`, admin.token)).status).toBe(204);
      const after = await api('get', '/auth/me', res.body.token);
      expect([after.status, after.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect((await api('get', '/auth/tokens', admin.token)).text).not.toContain(res.body.id);
      expect((await api('delete', `/auth/tokens/${res.body.id}`, admin.token)).status).toBe(404);
    });

    it("answers 404 for another user's token id and never shows another user's tokens", async () => {
      const other = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
      const mine = await createToken(admin.token);
      expect((await api('delete', `/auth/tokens/${mine.id}`, other.token)).status).toBe(404);
      expect((await api('get', '/auth/tokens', other.token)).text).not.toContain(mine.id);
      expect((await api('get', '/auth/me', mine.token)).status).toBe(200);
    });

    it('acts with the capabilities both the token and the user hold, and follows a role change at once', async () => {
      const roles = await api('post', '/roles', admin.token, {
        name: `Planner ${randomBytes(3).toString('hex')}`,
        capabilities: ['projects:read', 'projects:manage'],
      });
      const planner = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
      expect((await api('put', `/users/${planner.userId}/roles`, admin.token, { roleIds: [roles.body.id] })).status).toBe(200);
      const pat = await createToken(planner.token, { capabilities: ['projects:manage', 'projects:read'] });
      const all = await createToken(planner.token);

      const me = await api('get', '/auth/me', pat.token);
      expect(me.body.capabilities).toEqual(['projects:manage', 'projects:read']);
      expect((await api('get', '/auth/me', all.token)).body.capabilities).toEqual(['projects:manage', 'projects:read']);
      expect((await api('post', '/projects', pat.token, { name: `PAT project ${randomBytes(3).toString('hex')}` })).status).toBe(201);
      // The token does not list chat:use; the user does not hold users:read.
      const chat = await api('get', '/conversations', pat.token);
      expect([chat.status, chat.body.code]).toEqual([403, 'FORBIDDEN']);

      // The role loses projects:manage: both tokens lose it on the next request.
      expect((await api('patch', `/roles/${roles.body.id}`, admin.token, { capabilities: ['projects:read'] })).status).toBe(200);
      for (const token of [pat.token, all.token]) {
        const refused = await api('post', '/projects', token, { name: `Refused ${randomBytes(3).toString('hex')}` });
        expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
        expect((await api('get', '/auth/me', token)).body.capabilities).toEqual(['projects:read']);
      }
    });

    it('refuses capabilities the caller lacks (403 CAPABILITY_NOT_GRANTABLE) and unknown ones (400)', async () => {
      const member = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
      const lacking = await api('post', '/auth/tokens', member.token, { name: 'x', capabilities: ['users:manage'] });
      expect([lacking.status, lacking.body.code]).toEqual([403, 'CAPABILITY_NOT_GRANTABLE']);
      const unknown = await api('post', '/auth/tokens', member.token, { name: 'x', capabilities: ['nope:nothing'] });
      expect([unknown.status, unknown.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      for (const body of [
        { name: '' },
        { name: 'n'.repeat(101) },
        { name: 'x', expiresAt: '2020-01-01T00:00:00Z' },
        { name: 'x', expiresAt: '2030-01-01T00:00:00' },
        { name: 'x', capabilities: null },
      ]) {
        const res = await api('post', '/auth/tokens', member.token, body);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
      // A platform admin may limit a token to platform capabilities: they hold them.
      expect((await api('post', '/auth/tokens', platform.token, { name: 'ops', capabilities: ['clients:read'] })).status).toBe(201);
    });

    // A leaked token must not become lasting control of the account.
    it('refuses creating tokens, password and 2FA changes, impersonation and logouts with a token (403 FORBIDDEN)', async () => {
      const pat = await createToken(admin.token);
      const member = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
      const attempts: [Method, string, object][] = [
        ['post', '/auth/tokens', { name: 'child' }],
        ['post', '/auth/password', { currentPassword: 'whatever-password', newPassword: 'another-password-1' }],
        ['post', '/auth/2fa/setup', {}],
        ['post', '/auth/2fa/enable', { code: '123456' }],
        ['post', '/auth/2fa/disable', { password: 'whatever-password', code: '123456' }],
        ['post', '/impersonation', { userId: member.userId, reason: 'support' }],
        ['post', '/auth/logout', {}],
        ['post', '/auth/logout-all', {}],
      ];
      for (const [method, path, body] of attempts) {
        const res = await api(method, path, pat.token, body);
        expect([path, res.status, res.body.code]).toEqual([path, 403, 'FORBIDDEN']);
      }
      // Nothing happened: the admin's session still works and no child token exists.
      expect((await api('get', '/auth/me', admin.token)).status).toBe(200);
      expect((await api('get', '/auth/tokens', admin.token)).text).not.toContain('"child"');
      // A token may revoke itself.
      expect((await api('delete', `/auth/tokens/${pat.id}`, pat.token)).status).toBe(204);
      expect((await api('get', '/auth/me', pat.token)).status).toBe(401);
    });

    it('refuses token creation with an impersonation token', async () => {
      const member = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
      const imp = await api('post', '/impersonation', admin.token, { userId: member.userId, reason: 'support', allowWrites: true });
      expect(imp.status).toBe(201);
      const res = await api('post', '/auth/tokens', imp.body.accessToken, { name: 'persist' });
      expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
    });

    it('stops working at once when its user is deactivated', async () => {
      const member = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
      const pat = await createToken(member.token);
      expect((await api('get', '/auth/me', pat.token)).status).toBe(200);
      expect((await api('patch', `/users/${member.userId}`, admin.token, { isActive: false })).status).toBe(200);
      expect((await api('get', '/auth/me', pat.token)).status).toBe(401);
    });

    it('stops working when it expires', async () => {
      const pat = await createToken(admin.token, { expiresAt: new Date(Date.now() + 1_500).toISOString() });
      expect((await api('get', '/auth/me', pat.token)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_700));
      const res = await api('get', '/auth/me', pat.token);
      expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it('refuses unknown, malformed and look-alike tokens with 401', async () => {
      const pat = await createToken(admin.token);
      const flipped = pat.token.slice(0, -1) + (pat.token.endsWith('A') ? 'B' : 'A');
      for (const bad of [flipped, 'ftc_pat_', 'ftc_pat_short', `${pat.token}x`, `ftc_pat_${'a'.repeat(43)}`]) {
        const res = await api('get', '/auth/me', bad);
        expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      }
    });

    it('is refused while its client is suspended, works again after the resume, and stops when the client is deleted', async () => {
      const other = await provisionClient(t, 'Suspended Inc');
      const otherAdmin = await createUserWithToken(t, { clientId: other, roleKeys: ['client-admin'] });
      const pat = await createToken(otherAdmin.token);
      expect((await api('get', '/projects', pat.token)).status).toBe(200);
      expect((await api('patch', `/clients/${other}`, platform.token, { status: 'suspended' })).status).toBe(200);
      const suspended = await api('get', '/projects', pat.token);
      expect([suspended.status, suspended.body.code]).toEqual([403, 'CLIENT_SUSPENDED']);
      expect((await api('patch', `/clients/${other}`, platform.token, { status: 'active' })).status).toBe(200);
      expect((await api('get', '/projects', pat.token)).status).toBe(200);
      const slug = (await api('get', `/clients/${other}`, platform.token)).body.slug;
      expect((await api('delete', `/clients/${other}?confirm=${slug}`, platform.token)).status).toBe(204);
      expect((await api('get', '/auth/me', pat.token)).status).toBe(401);
    }, 60_000);

    it('stops working on every instance at once when revoked on one', async () => {
      const second = await secondInstance();
      try {
        const pat = await createToken(admin.token);
        const instances = [t, second].map((app) => app.get(AuthContextService));
        // Both instances have resolved (and cached) the token.
        for (const contexts of instances) expect((await contexts.resolveAccessToken(pat.token)).accessToken?.id).toBe(pat.id);
        const started = Date.now();
        expect((await call(second, 'delete', `/auth/tokens/${pat.id}`, admin.token)).status).toBe(204);
        const refused = async (contexts: AuthContextService) =>
          contexts.resolveAccessToken(pat.token).then(
            () => false,
            (err: Error) => err instanceof UnauthenticatedError,
          );
        expect(await eventually(() => refused(instances[0]), 1_000)).toBe(true);
        expect(await refused(instances[1])).toBe(true);
        console.log(`access tokens: revocation reached the other instance after ${Date.now() - started} ms`);
        expect((await api('get', '/auth/me', pat.token)).status).toBe(401);
      } finally {
        await second.close();
      }
    });

    it('records the last use without a write per request, in one batch per flush and at shutdown', async () => {
      const pat = await createToken(admin.token);
      for (let i = 0; i < 5; i++) expect((await api('get', '/auth/me', pat.token)).status).toBe(200);
      const before = await main.personalAccessToken.findUniqueOrThrow({ where: { id: pat.id } });
      expect(before.lastUsedAt).toBeNull();
      await t.get(AccessTokenUsageService).flush();
      const listed = (await api('get', '/auth/tokens', admin.token)).body.data.find((x: { id: string }) => x.id === pat.id);
      expect(Date.now() - Date.parse(listed.lastUsedAt)).toBeLessThan(10_000);

      // An instance that stops writes what it gathered.
      const third = await secondInstance();
      const other = await createToken(admin.token);
      expect((await call(third, 'get', '/auth/me', other.token)).status).toBe(200);
      await third.close();
      expect((await main.personalAccessToken.findUniqueOrThrow({ where: { id: other.id } })).lastUsedAt).not.toBeNull();
    });

    it(`holds at most ${ACCESS_TOKENS_PER_USER} tokens per user (409 QUOTA_EXCEEDED), also under concurrent creation`, async () => {
      const user = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
      const results = await Promise.all(
        Array.from({ length: ACCESS_TOKENS_PER_USER + 5 }, (_, i) => api('post', '/auth/tokens', user.token, { name: `t${i}` })),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(ACCESS_TOKENS_PER_USER);
      const refused = results.filter((r) => r.status !== 201);
      expect(refused.map((r) => [r.status, r.body.code])).toEqual(Array(5).fill([409, 'QUOTA_EXCEEDED']));
      expect(await main.personalAccessToken.count({ where: { userId: user.userId } })).toBe(ACCESS_TOKENS_PER_USER);
      const page = await api('get', '/auth/tokens?limit=30', user.token);
      const rest = await api('get', `/auth/tokens?limit=30&cursor=${page.body.nextCursor}`, user.token);
      expect(new Set([...page.body.data, ...rest.body.data].map((x: { id: string }) => x.id)).size).toBe(ACCESS_TOKENS_PER_USER);
    });
  });
});
