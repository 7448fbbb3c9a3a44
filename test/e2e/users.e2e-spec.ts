import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';

describe('e2e/users', () => {
  let t: TestApp;
  let main: MainPrismaService;

  const PASSWORD = 'correct horse battery staple';
  const unique = () => randomBytes(4).toString('hex');
  let ipN = 1;

  type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
  async function call(method: Method, path: string, token?: string, body?: object): Promise<Response> {
    let req = t.http[method](`/api/v1${path}`).set('X-Forwarded-For', `10.40.${Math.floor(ipN / 250)}.${(ipN++ % 250) + 1}`);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    const res = body !== undefined ? await req.send(body) : await req;
    bodies.push(`${method.toUpperCase()} ${path} → ${res.status}: ${res.text ?? ''}`);
    return res;
  }
  /** Every response of this file, scanned for credential material at the end. */
  const bodies: string[] = [];

  interface Tenant {
    clientId: string;
    adminToken: string;
    adminId: string;
  }
  async function signup(): Promise<Tenant> {
    const id = unique();
    const res = await call('post', '/auth/signup', undefined, {
      companyName: `Users ${id}`,
      name: 'Admin',
      email: `admin-${id}@example.test`,
      password: PASSWORD,
    });
    expect(res.status).toBe(201);
    return { clientId: res.body.client.id, adminToken: res.body.accessToken, adminId: res.body.user.id };
  }

  async function roleId(key: string): Promise<string> {
    return (await main.role.findFirstOrThrow({ where: { key } })).id;
  }

  /** A user created over HTTP, signed in with their password. */
  async function member(
    tenant: Tenant,
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; email: string; token: string; refreshToken: string }> {
    const email = `m-${unique()}@example.test`;
    const created = await call('post', '/users', tenant.adminToken, { email, name: 'Member', password: PASSWORD, ...extra });
    expect(created.status).toBe(201);
    const login = await call('post', '/auth/login', undefined, { email, password: PASSWORD });
    expect(login.status).toBe(200);
    return { id: created.body.id, email, token: login.body.accessToken, refreshToken: login.body.refreshToken };
  }

  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' });
    main = t.get(MainPrismaService);
    a = await signup();
    b = await signup();
  });
  afterAll(() => t.close());

  describe('POST /users', () => {
    it("creates a user in the caller's client with the member role by default", async () => {
      const email = `New-${unique()}@Example.test`;
      const res = await call('post', '/users', a.adminToken, {
        email,
        name: '  Grace  ',
        password: PASSWORD,
        timeZone: 'America/New_York',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        email: email.toLowerCase(),
        name: 'Grace',
        clientId: a.clientId,
        timeZone: 'America/New_York',
        isActive: true,
        twoFactorEnabled: false,
        roles: [{ id: await roleId('member'), name: 'member', system: true }],
        createdAt: expect.any(String),
      });
      const login = await call('post', '/auth/login', undefined, { email, password: PASSWORD });
      expect(login.status).toBe(200);
    });

    it('assigns the given roles', async () => {
      const res = await call('post', '/users', a.adminToken, {
        email: `mgr-${unique()}@example.test`,
        name: 'M',
        password: PASSWORD,
        roleIds: [await roleId('manager')],
      });
      expect(res.status).toBe(201);
      expect(res.body.roles.map((r: { name: string }) => r.name)).toEqual(['manager']);
    });

    it('refuses bad input with 400 and changes nothing', async () => {
      const base = { email: `bad-${unique()}@example.test`, name: 'B', password: PASSWORD };
      for (const body of [
        { ...base, password: '123456789' },
        { ...base, timeZone: 'Europe/Atlantis' },
        { ...base, email: 'not-an-email' },
        { ...base, isAdmin: true },
        { ...base, roleIds: ['not-a-uuid'] },
        { ...base, roleIds: [randomUUIDLike()] },
        { ...base, name: 42 },
      ]) {
        const res = await call('post', '/users', a.adminToken, body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      expect(await main.user.count({ where: { email: base.email } })).toBe(0);
    });

    it('answers a taken e-mail (any case, any client) with 409 CONFLICT', async () => {
      const m = await member(b);
      const res = await call('post', '/users', a.adminToken, { email: m.email.toUpperCase(), name: 'Dup', password: PASSWORD });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('CONFLICT');
    });

    it('never assigns platform-admin to a client user (403 CAPABILITY_NOT_GRANTABLE)', async () => {
      const res = await call('post', '/users', a.adminToken, {
        email: `pa-${unique()}@example.test`,
        name: 'P',
        password: PASSWORD,
        roleIds: [await roleId('platform-admin')],
      });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CAPABILITY_NOT_GRANTABLE');
    });
  });

  describe('GET /users', () => {
    it("lists only the caller's client, paginated with a cursor", async () => {
      await member(a);
      await member(a);
      const all: { id: string; clientId: string }[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await call('get', `/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, a.adminToken);
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        all.push(...res.body.data);
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(all.length).toBe(await main.user.count({ where: { clientId: a.clientId } }));
      expect(new Set(all.map((u) => u.id)).size).toBe(all.length);
      expect(all.every((u) => u.clientId === a.clientId)).toBe(true);
    });

    it('refuses a bad limit or cursor with 400', async () => {
      expect((await call('get', '/users?limit=500', a.adminToken)).status).toBe(400);
      expect((await call('get', '/users?cursor=garbage', a.adminToken)).status).toBe(400);
    });
  });

  // Tenancy: a client's admin must not see, change or even detect another client's users.
  describe('two clients', () => {
    it("keeps users of client A invisible to client B's admin (404)", async () => {
      const m = await member(a);
      for (const [method, path, body] of [
        ['get', `/users/${m.id}`, undefined],
        ['patch', `/users/${m.id}`, { name: 'Hijacked' }],
        ['put', `/users/${m.id}/roles`, { roleIds: [] }],
      ] as const) {
        const res = await call(method, path, b.adminToken, body);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('NOT_FOUND');
      }
      const list = await call('get', '/users?limit=200', b.adminToken);
      expect(list.body.data.map((u: { id: string }) => u.id)).not.toContain(m.id);
      expect((await main.user.findUniqueOrThrow({ where: { id: m.id } })).name).toBe('Member');
    });

    it('answers an id that is not a UUID with 404', async () => {
      expect((await call('get', '/users/not-a-uuid', a.adminToken)).status).toBe(404);
    });

    it('refuses roles of another client with 400', async () => {
      const bRole = await call('post', '/roles', b.adminToken, { name: `b-only-${unique()}`, capabilities: ['chat:use'] });
      expect(bRole.status).toBe(201);
      const m = await member(a);
      const res = await call('put', `/users/${m.id}/roles`, a.adminToken, { roleIds: [bRole.body.id] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('permissions', () => {
    it('a member cannot reach admin routes (403 FORBIDDEN)', async () => {
      const m = await member(a);
      for (const [method, path, body] of [
        ['get', '/users', undefined],
        ['post', '/users', { email: `x-${unique()}@example.test`, name: 'X', password: PASSWORD }],
        ['get', `/users/${a.adminId}`, undefined],
        ['patch', `/users/${a.adminId}`, { isActive: false }],
        ['put', `/users/${m.id}/roles`, { roleIds: [await roleId('client-admin')] }],
        ['get', '/roles', undefined],
        ['post', '/roles', { name: 'mine', capabilities: [] }],
        ['get', '/capabilities', undefined],
      ] as const) {
        const res = await call(method, path, m.token, body);
        expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
      }
      expect((await main.user.findUniqueOrThrow({ where: { id: a.adminId } })).isActive).toBe(true);
    });

    it('a platform admin on /users gets 403 TENANT_REQUIRED (users routes are client-scoped)', async () => {
      const pa = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const res = await call('get', '/users', pa.token);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_REQUIRED');
    });
  });

  describe('PUT /users/:id/roles', () => {
    it("replaces the roles; the change acts on the user's next request", async () => {
      const m = await member(a);
      expect((await call('get', '/users', m.token)).status).toBe(403);
      const res = await call('put', `/users/${m.id}/roles`, a.adminToken, { roleIds: [await roleId('manager'), await roleId('member')] });
      expect(res.status).toBe(200);
      expect(res.body.roles.map((r: { name: string }) => r.name).sort()).toEqual(['manager', 'member']);
      expect(res.body.id).toBe(m.id);
      expect((await call('get', '/users', m.token)).status).toBe(200);
      const back = await call('put', `/users/${m.id}/roles`, a.adminToken, { roleIds: [await roleId('member')] });
      expect(back.status).toBe(200);
      expect((await call('get', '/users', m.token)).status).toBe(403);
    });

    it('refuses to assign a role carrying a capability the caller lacks (403 CAPABILITY_NOT_GRANTABLE)', async () => {
      // An "HR" role: a member's capabilities plus assigning roles, but no project power.
      const memberCaps = (await main.roleCapability.findMany({ where: { role: { key: 'member' } } })).map((c) => c.capability);
      const hr = await call('post', '/roles', a.adminToken, {
        name: `hr-${unique()}`,
        capabilities: [...memberCaps, 'users:read', 'roles:assign', 'roles:read'],
      });
      expect(hr.status).toBe(201);
      const hrUser = await member(a, { roleIds: [hr.body.id] });
      const target = await member(a);
      const res = await call('put', `/users/${target.id}/roles`, hrUser.token, { roleIds: [await roleId('manager')] });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CAPABILITY_NOT_GRANTABLE');
      expect((await call('get', `/users/${target.id}`, a.adminToken)).body.roles.map((r: { name: string }) => r.name)).toEqual(['member']);
    });

    it('never assigns platform-admin, not even by a client admin', async () => {
      const m = await member(a);
      const res = await call('put', `/users/${m.id}/roles`, a.adminToken, { roleIds: [await roleId('platform-admin')] });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CAPABILITY_NOT_GRANTABLE');
    });

    it('refuses a caller without roles:assign (403 FORBIDDEN)', async () => {
      const manager = await member(a, { roleIds: [await roleId('manager')] });
      const m = await member(a);
      const res = await call('put', `/users/${m.id}/roles`, manager.token, { roleIds: [await roleId('member')] });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });
  });

  describe('a client always keeps an active client-admin: the only one cannot drop their own role', () => {
    it('refuses to take client-admin from the last one (409 CONFLICT), also with another admin demoting at once, and changes nothing', async () => {
      const c = await signup();
      const adminRole = await roleId('client-admin');
      const memberRole = await roleId('member');
      const alone = await call('put', `/users/${c.adminId}/roles`, c.adminToken, { roleIds: [] });
      expect([alone.status, alone.body.code]).toEqual([409, 'CONFLICT']);
      expect((await call('get', `/users/${c.adminId}`, c.adminToken)).body.roles.map((r: { name: string }) => r.name)).toEqual([
        'client-admin',
      ]);
      // With a second admin, one may step down; then the other is the last.
      const second = await member(c, { roleIds: [adminRole] });
      expect((await call('put', `/users/${c.adminId}/roles`, c.adminToken, { roleIds: [memberRole] })).status).toBe(200);
      expect((await call('put', `/users/${second.id}/roles`, second.token, { roleIds: [memberRole] })).status).toBe(409);
      // Two admins demoting each other at once: exactly one succeeds. The other is refused as the last admin
      // (409), or as no admin any more (403) when its request is authorised after the first one's demotion.
      const third = await member({ ...c, adminToken: second.token }, { roleIds: [adminRole] });
      const [x, y] = await Promise.all([
        call('put', `/users/${third.id}/roles`, second.token, { roleIds: [memberRole] }),
        call('put', `/users/${second.id}/roles`, third.token, { roleIds: [memberRole] }),
      ]);
      const [won, lost] = x.status === 200 ? [x, y] : [y, x];
      expect(won.status).toBe(200);
      expect([
        [409, 'CONFLICT'],
        [403, 'FORBIDDEN'],
      ]).toContainEqual([lost.status, lost.body.code]);
      const admins = await main.userRole.count({ where: { roleId: adminRole, user: { clientId: c.clientId, isActive: true } } });
      expect(admins).toBe(1);
    });

    it('refuses to deactivate the last active client-admin (409), e.g. by a user manager without the role', async () => {
      const c = await signup();
      const memberCaps = (await main.roleCapability.findMany({ where: { role: { key: 'client-admin' } } })).map((x) => x.capability);
      // Every capability of client-admin, in a custom role: may manage the admin, but is not a client-admin itself.
      const allCaps = await call('post', '/roles', c.adminToken, { name: `all-${unique()}`, capabilities: memberCaps });
      expect(allCaps.status).toBe(201);
      const manager = await member(c, { roleIds: [allCaps.body.id] });
      const res = await call('patch', `/users/${c.adminId}`, manager.token, { isActive: false });
      expect([res.status, res.body.code]).toEqual([409, 'CONFLICT']);
      expect((await call('get', '/auth/me', c.adminToken)).status).toBe(200);
    });
  });

  describe('PATCH /users/:id', () => {
    it('changes name and time zone (canonical spelling)', async () => {
      const m = await member(a);
      const res = await call('patch', `/users/${m.id}`, a.adminToken, { name: 'Renamed', timeZone: 'asia/tokyo' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: m.id, name: 'Renamed', timeZone: 'Asia/Tokyo', isActive: true });
      // The user's own view follows at once (cached contexts are invalidated).
      expect((await call('get', '/auth/me', m.token)).body.user.timeZone).toBe('Asia/Tokyo');
    });

    it('refuses null and wrong types with 400', async () => {
      const m = await member(a);
      for (const body of [{ name: null }, { isActive: 'no' }, { timeZone: 'Nowhere/Land' }, { email: 'x@y.z' }]) {
        const res = await call('patch', `/users/${m.id}`, a.adminToken, body);
        expect(res.status).toBe(400);
      }
    });

    // A deactivated user's live tokens must stop at the next request, not at expiry.
    it('deactivating a user kills their live access token and sessions at once', async () => {
      const m = await member(a);
      expect((await call('get', '/auth/me', m.token)).status).toBe(200);
      const res = await call('patch', `/users/${m.id}`, a.adminToken, { isActive: false });
      expect(res.status).toBe(200);
      expect(res.body.isActive).toBe(false);
      const me = await call('get', '/auth/me', m.token);
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('UNAUTHENTICATED');
      expect((await call('post', '/auth/refresh', undefined, { refreshToken: m.refreshToken })).status).toBe(401);
      const login = await call('post', '/auth/login', undefined, { email: m.email, password: PASSWORD });
      expect(login.status).toBe(401);
      expect(login.body.code).toBe('INVALID_CREDENTIALS');
      expect(await main.session.count({ where: { userId: m.id, revokedAt: null } })).toBe(0);

      const again = await call('patch', `/users/${m.id}`, a.adminToken, { isActive: true });
      expect(again.body.isActive).toBe(true);
      expect((await call('post', '/auth/login', undefined, { email: m.email, password: PASSWORD })).status).toBe(200);
    });

    it('refuses to deactivate yourself (403)', async () => {
      const res = await call('patch', `/users/${a.adminId}`, a.adminToken, { isActive: false });
      expect(res.status).toBe(403);
      expect((await call('get', '/auth/me', a.adminToken)).status).toBe(200);
    });

    // Otherwise a "users:manage only" helper could lock out the client's admins.
    it('refuses to manage a user holding capabilities the caller lacks (403)', async () => {
      const helper = await call('post', '/roles', a.adminToken, {
        name: `helpdesk-${unique()}`,
        capabilities: ['users:read', 'users:manage'],
      });
      const desk = await member(a, { roleIds: [helper.body.id] });
      const res = await call('patch', `/users/${a.adminId}`, desk.token, { isActive: false });
      expect(res.status).toBe(403);
      expect((await main.user.findUniqueOrThrow({ where: { id: a.adminId } })).isActive).toBe(true);
      // …but may manage a peer with no more power.
      const peer = await member(a, { roleIds: [helper.body.id] });
      expect((await call('patch', `/users/${peer.id}`, desk.token, { name: 'Peer' })).status).toBe(200);
    });
  });

  function randomUUIDLike(): string {
    const h = randomBytes(16).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  describe('responses', () => {
    it('never carry a password hash, refresh token hash or 2FA material', async () => {
      expect(bodies.length).toBeGreaterThan(50);
      const hashes = (await main.user.findMany({ select: { passwordHash: true } }))
        .map((u) => u.passwordHash)
        .filter((h) => h.startsWith('$argon2'));
      const tokenHashes = (await main.refreshToken.findMany({ select: { tokenHash: true } })).map((r) => r.tokenHash);
      for (const b of bodies) {
        expect(b).not.toContain('$argon2');
        expect(b).not.toMatch(/passwordHash|tokenHash|twoFactorSecret|codeHash/);
        for (const h of [...hashes, ...tokenHashes]) if (b.includes(h)) throw new Error(`leak in ${b.slice(0, 80)}`);
      }
    });
  });
});
