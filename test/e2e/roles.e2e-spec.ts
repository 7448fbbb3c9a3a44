import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { ALL_CAPABILITIES, CAPABILITIES, SYSTEM_ROLES } from '../../src/modules/identity/capabilities.js';

describe('e2e/roles', () => {
  let t: TestApp;
  let main: MainPrismaService;
  const PASSWORD = 'correct horse battery staple';
  const unique = () => randomBytes(4).toString('hex');
  let ipN = 1;

  type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
  async function call(method: Method, path: string, token?: string, body?: object): Promise<Response> {
    let req = t.http[method](`/api/v1${path}`).set('X-Forwarded-For', `10.50.${Math.floor(ipN / 250)}.${(ipN++ % 250) + 1}`);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    return body !== undefined ? req.send(body) : req;
  }

  interface Tenant {
    clientId: string;
    adminToken: string;
  }
  async function signup(): Promise<Tenant> {
    const id = unique();
    const res = await call('post', '/auth/signup', undefined, {
      companyName: `Roles ${id}`,
      name: 'Admin',
      email: `admin-${id}@example.test`,
      password: PASSWORD,
    });
    expect(res.status).toBe(201);
    return { clientId: res.body.client.id, adminToken: res.body.accessToken };
  }

  async function userWithRoles(tenant: Tenant, roleIds: string[]): Promise<{ id: string; token: string }> {
    const email = `u-${unique()}@example.test`;
    const created = await call('post', '/users', tenant.adminToken, { email, name: 'U', password: PASSWORD, roleIds });
    expect(created.status).toBe(201);
    const login = await call('post', '/auth/login', undefined, { email, password: PASSWORD });
    return { id: created.body.id, token: login.body.accessToken };
  }

  const systemRoleId = async (key: string) => (await main.role.findFirstOrThrow({ where: { key } })).id;

  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' });
    main = t.get(MainPrismaService);
    a = await signup();
    b = await signup();
  });
  afterAll(() => t.close());

  describe('GET /capabilities', () => {
    it('answers the whole catalog with descriptions and scopes', async () => {
      const res = await call('get', '/capabilities', a.adminToken);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(ALL_CAPABILITIES.length);
      for (const c of res.body) {
        expect(Object.keys(c).sort()).toEqual(['description', 'key', 'scope']);
        expect(CAPABILITIES[c.key as keyof typeof CAPABILITIES].scope).toBe(c.scope);
      }
      expect(
        res.body
          .filter((c: { scope: string }) => c.scope === 'platform')
          .map((c: { key: string }) => c.key)
          .sort(),
      ).toEqual(['clients:manage', 'clients:read']);
    });
  });

  describe('GET /roles', () => {
    it("lists the system roles and the caller's client roles, never another client's", async () => {
      const mine = await call('post', '/roles', a.adminToken, { name: `mine-${unique()}`, capabilities: ['chat:use'] });
      const theirs = await call('post', '/roles', b.adminToken, { name: `theirs-${unique()}`, capabilities: ['chat:use'] });
      const res = await call('get', '/roles?limit=200', a.adminToken);
      expect(res.status).toBe(200);
      const names = res.body.data.map((r: { name: string }) => r.name);
      expect(names.slice(0, 4).sort()).toEqual(['client-admin', 'manager', 'member', 'platform-admin']);
      expect(names).toContain(mine.body.name);
      expect(names).not.toContain(theirs.body.name);
      const manager = res.body.data.find((r: { name: string }) => r.name === 'manager');
      expect(manager).toEqual({
        id: expect.any(String),
        name: 'manager',
        description: expect.any(String),
        system: true,
        clientId: null,
        capabilities: [...SYSTEM_ROLES.manager].sort(),
        createdAt: expect.any(String),
      });
      expect(res.body.nextCursor).toBeNull();
    });

    it('paginates with a cursor', async () => {
      const page1 = await call('get', '/roles?limit=2', a.adminToken);
      expect(page1.body.data).toHaveLength(2);
      const page2 = await call('get', `/roles?limit=2&cursor=${page1.body.nextCursor}`, a.adminToken);
      expect(page2.status).toBe(200);
      expect(page2.body.data[0].id).not.toBe(page1.body.data[1].id);
    });

    it('shows a platform admin the system roles only', async () => {
      await call('post', '/roles', a.adminToken, { name: `hidden-${unique()}`, capabilities: [] });
      const pa = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const res = await call('get', '/roles?limit=200', pa.token);
      expect(res.status).toBe(200);
      expect(res.body.data.every((r: { system: boolean }) => r.system)).toBe(true);
    });
  });

  describe('POST /roles', () => {
    it('creates a client role (201)', async () => {
      const name = `Lead ${unique()}`;
      const res = await call('post', '/roles', a.adminToken, {
        name,
        description: 'Leads',
        capabilities: ['projects:read', 'tasks:manage', 'projects:read'],
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name,
        description: 'Leads',
        system: false,
        clientId: a.clientId,
        capabilities: ['projects:read', 'tasks:manage'],
        createdAt: expect.any(String),
      });
    });

    it('answers a duplicate name in the client (any case) with 409; other clients may reuse it', async () => {
      const name = `Dup ${unique()}`;
      expect((await call('post', '/roles', a.adminToken, { name, capabilities: [] })).status).toBe(201);
      const dup = await call('post', '/roles', a.adminToken, { name: name.toUpperCase(), capabilities: [] });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('CONFLICT');
      expect((await call('post', '/roles', b.adminToken, { name, capabilities: [] })).status).toBe(201);
    });

    it("refuses a system role's name with 409", async () => {
      const res = await call('post', '/roles', a.adminToken, { name: 'Manager', capabilities: [] });
      expect(res.status).toBe(409);
    });

    it('answers an unknown capability key with 400', async () => {
      const res = await call('post', '/roles', a.adminToken, {
        name: `x-${unique()}`,
        capabilities: ['projects:read', 'projects:destroy'],
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details[0].field).toBe('capabilities');
    });

    it('refuses bad bodies with 400', async () => {
      for (const body of [
        { name: '', capabilities: [] },
        { name: 'x' },
        { name: 'x', capabilities: 'chat:use' },
        { name: 'x', capabilities: [], system: true },
      ]) {
        expect((await call('post', '/roles', a.adminToken, body)).status).toBe(400);
      }
    });

    // Client roles can never carry platform power, whoever writes them.
    it('a client admin cannot grant clients:manage (403 CAPABILITY_NOT_GRANTABLE)', async () => {
      const res = await call('post', '/roles', a.adminToken, { name: `evil-${unique()}`, capabilities: ['clients:manage'] });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CAPABILITY_NOT_GRANTABLE');
      expect(await main.roleCapability.count({ where: { capability: 'clients:manage', role: { clientId: a.clientId } } })).toBe(0);
    });

    // Nobody hands out power they do not hold.
    it('refuses a capability the caller lacks (403 CAPABILITY_NOT_GRANTABLE)', async () => {
      const roleAdmin = await call('post', '/roles', a.adminToken, {
        name: `role-admin-${unique()}`,
        capabilities: ['roles:read', 'roles:manage', 'chat:use'],
      });
      const u = await userWithRoles(a, [roleAdmin.body.id]);
      const refused = await call('post', '/roles', u.token, { name: `escalate-${unique()}`, capabilities: ['chat:use', 'users:manage'] });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('CAPABILITY_NOT_GRANTABLE');
      expect((await call('post', '/roles', u.token, { name: `ok-${unique()}`, capabilities: ['chat:use'] })).status).toBe(201);
      // Nor by editing a role.
      const own = await call('post', '/roles', u.token, { name: `own-${unique()}`, capabilities: [] });
      const edit = await call('patch', `/roles/${own.body.id}`, u.token, { capabilities: ['reports:read:all'] });
      expect(edit.status).toBe(403);
      expect(edit.body.code).toBe('CAPABILITY_NOT_GRANTABLE');
    });

    // A weaker role manager could otherwise strip, rename or delete the role a stronger user depends on.
    it('refuses editing or deleting a role that holds a capability the caller lacks, and changes nothing', async () => {
      const strong = await call('post', '/roles', a.adminToken, { name: `strong-${unique()}`, capabilities: ['users:manage', 'chat:use'] });
      const roleAdmin = await call('post', '/roles', a.adminToken, {
        name: `role-admin-${unique()}`,
        capabilities: ['roles:read', 'roles:manage', 'chat:use'],
      });
      const weak = await userWithRoles(a, [roleAdmin.body.id]);
      for (const body of [{ capabilities: ['chat:use'] }, { name: `renamed-${unique()}` }, { description: 'mine now' }]) {
        const edit = await call('patch', `/roles/${strong.body.id}`, weak.token, body);
        expect([edit.status, edit.body.code]).toEqual([403, 'CAPABILITY_NOT_GRANTABLE']);
      }
      const del = await call('delete', `/roles/${strong.body.id}`, weak.token);
      expect([del.status, del.body.code]).toEqual([403, 'CAPABILITY_NOT_GRANTABLE']);
      const after = await call('get', `/roles/${strong.body.id}`, a.adminToken);
      expect(after.body).toEqual(strong.body);
      // A role within the caller's capabilities stays theirs to edit and delete.
      const mine = await call('post', '/roles', weak.token, { name: `mine-${unique()}`, capabilities: ['chat:use'] });
      expect((await call('patch', `/roles/${mine.body.id}`, weak.token, { capabilities: [] })).status).toBe(200);
      expect((await call('delete', `/roles/${mine.body.id}`, weak.token)).status).toBe(204);
    });

    it('a platform admin cannot create client roles (403 TENANT_REQUIRED)', async () => {
      const pa = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const res = await call('post', '/roles', pa.token, { name: `pa-${unique()}`, capabilities: [] });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('TENANT_REQUIRED');
    });
  });

  describe('PATCH and DELETE /roles/:id', () => {
    it('system roles are read-only (403 SYSTEM_ROLE_READONLY)', async () => {
      const id = await systemRoleId('member');
      const patch = await call('patch', `/roles/${id}`, a.adminToken, { capabilities: ['chat:use'] });
      expect(patch.status).toBe(403);
      expect(patch.body.code).toBe('SYSTEM_ROLE_READONLY');
      const del = await call('delete', `/roles/${id}`, a.adminToken);
      expect(del.status).toBe(403);
      expect(del.body.code).toBe('SYSTEM_ROLE_READONLY');
      expect(await main.roleCapability.count({ where: { roleId: id } })).toBe(SYSTEM_ROLES.member.length);
    });

    it("another client's role is 404, as is an unknown id", async () => {
      const theirs = await call('post', '/roles', b.adminToken, { name: `b-${unique()}`, capabilities: ['chat:use'] });
      expect((await call('get', `/roles/${theirs.body.id}`, a.adminToken)).status).toBe(404);
      expect((await call('patch', `/roles/${theirs.body.id}`, a.adminToken, { name: 'stolen' })).status).toBe(404);
      expect((await call('delete', `/roles/${theirs.body.id}`, a.adminToken)).status).toBe(404);
      expect((await call('delete', '/roles/00000000-0000-4000-8000-000000000000', a.adminToken)).status).toBe(404);
      expect((await call('delete', '/roles/nope', a.adminToken)).status).toBe(404);
      expect(await main.role.count({ where: { id: theirs.body.id } })).toBe(1);
    });

    it('renames, re-describes and changes capabilities; a duplicate name is 409', async () => {
      const one = await call('post', '/roles', a.adminToken, { name: `one-${unique()}`, capabilities: ['chat:use'] });
      const two = await call('post', '/roles', a.adminToken, { name: `two-${unique()}`, capabilities: [] });
      const res = await call('patch', `/roles/${one.body.id}`, a.adminToken, {
        name: `uno-${unique()}`,
        description: null,
        capabilities: ['tasks:read'],
      });
      expect(res.status).toBe(200);
      expect(res.body.capabilities).toEqual(['tasks:read']);
      expect(res.body.description).toBeNull();
      const clash = await call('patch', `/roles/${one.body.id}`, a.adminToken, { name: two.body.name });
      expect(clash.status).toBe(409);
      expect((await call('patch', `/roles/${one.body.id}`, a.adminToken, { name: null })).status).toBe(400);
    });

    // Permissions are looked up per request (cached, invalidated on change), so
    // a role edit must act on the very next request of everyone holding it.
    it('role changes take effect on the next request; deleting a role removes it from its holders', async () => {
      const role = await call('post', '/roles', a.adminToken, { name: `readers-${unique()}`, capabilities: ['chat:use'] });
      const u = await userWithRoles(a, [role.body.id]);
      expect((await call('get', '/users', u.token)).status).toBe(403);
      expect((await call('patch', `/roles/${role.body.id}`, a.adminToken, { capabilities: ['chat:use', 'users:read'] })).status).toBe(200);
      expect((await call('get', '/users', u.token)).status).toBe(200);
      expect((await call('get', '/auth/me', u.token)).body.capabilities).toEqual(['chat:use', 'users:read']);
      const del = await call('delete', `/roles/${role.body.id}`, a.adminToken);
      expect(del.status).toBe(204);
      expect((await call('get', '/users', u.token)).status).toBe(403);
      const me = await call('get', '/auth/me', u.token);
      expect(me.body.roles).toEqual([]);
      expect(me.body.capabilities).toEqual([]);
      expect((await call('delete', `/roles/${role.body.id}`, a.adminToken)).status).toBe(404);
    });
  });
});
