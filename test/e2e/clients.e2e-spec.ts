import { randomBytes, randomUUID } from 'node:crypto';
import { createTestApp, createTestDatabase, createUserWithToken, TestApp, withTenant } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { AuthContextService } from '../../src/modules/auth/auth-context.service.js';
import type { AccessTokenClaims } from '../../src/modules/auth/auth-context.js';
import { DomainError } from '../../src/common/errors.js';

describe('e2e/clients', () => {
  let t: TestApp;
  let admin: { token: string; userId: string };

  const suffix = () => randomBytes(4).toString('hex');
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  function newClientBody(overrides: Record<string, unknown> = {}) {
    const s = suffix();
    return {
      name: `Acme ${s}`,
      slug: `acme-${s}`,
      admin: { email: `admin-${s}@acme.test`, name: 'Ada Admin', password: 'CorrectHorse42' },
      ...overrides,
    };
  }

  async function createClient(body = newClientBody()): Promise<{ id: string; slug: string; adminEmail: string }> {
    const res = await t.http.post('/api/v1/clients').set(auth(admin.token)).send(body).expect(201);
    return { id: res.body.id, slug: res.body.slug, adminEmail: body.admin.email as string };
  }

  /** The code an access token gets from the auth pipeline (null = accepted). */
  async function authOutcome(app: TestApp, user: { userId: string; sessionId: string }, clientId: string | null): Promise<string | null> {
    const claims: AccessTokenClaims = { sub: user.userId, clientId, sid: user.sessionId, typ: 'access' };
    try {
      await app.get(AuthContextService).resolve(claims);
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err.code;
      throw err;
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
  });
  afterAll(() => t.close());

  describe('POST /clients', () => {
    it('creates an active client with a migrated, working database and its client-admin', async () => {
      const body = newClientBody();
      const res = await t.http.post('/api/v1/clients').set(auth(admin.token)).send(body).expect(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: body.name,
        slug: body.slug,
        status: 'active',
        databaseName: `freetimechat_${res.body.id}`,
        databaseServer: 'default',
        schemaVersion: t.get(TenantDatabasesService).latestVersion,
      });
      const project = await withTenant(t, res.body.id, (prisma) => prisma.project.create({ data: { name: 'First project' } }));
      expect(project.id).toBeDefined();
      const user = await t.get(MainPrismaService).user.findUniqueOrThrow({
        where: { email: body.admin.email },
        include: { roles: { include: { role: true } } },
      });
      expect(user.clientId).toBe(res.body.id);
      expect(user.roles.map((r) => r.role.key)).toEqual(['client-admin']);
    });

    it('derives the slug from the name when none is given', async () => {
      const s = suffix();
      const res = await t.http
        .post('/api/v1/clients')
        .set(auth(admin.token))
        .send({ name: `Müller & Söhne ${s}`, admin: { email: `m-${s}@x.test`, name: 'M', password: 'CorrectHorse42' } })
        .expect(201);
      expect(res.body.slug).toBe(`muller-sohne-${s}`);
    });

    // A second client of the same name with no slug gets a free slug, not a 409 on a slug nobody sent.
    it('makes a derived slug unique: the same name twice, and three times at once, all 201', async () => {
      const s = suffix();
      const body = (i: number) => ({
        name: `Same Name ${s}`,
        admin: { email: `same-${i}-${s}@x.test`, name: 'S', password: 'CorrectHorse42' },
      });
      const first = await t.http.post('/api/v1/clients').set(auth(admin.token)).send(body(0)).expect(201);
      const second = await t.http.post('/api/v1/clients').set(auth(admin.token)).send(body(1)).expect(201);
      expect([first.body.slug, second.body.slug]).toEqual([`same-name-${s}`, `same-name-${s}-2`]);
      const racing = await Promise.all([2, 3, 4].map((i) => t.http.post('/api/v1/clients').set(auth(admin.token)).send(body(i))));
      expect(racing.map((r) => r.status)).toEqual([201, 201, 201]);
      expect(racing.map((r) => r.body.slug as string).sort()).toEqual([`same-name-${s}-3`, `same-name-${s}-4`, `same-name-${s}-5`]);
      // A slug the caller chose is still theirs to choose: taken → 409.
      const chosen = await t.http
        .post('/api/v1/clients')
        .set(auth(admin.token))
        .send({ ...body(5), slug: `same-name-${s}` });
      expect([chosen.status, chosen.body.code, chosen.body.details]).toEqual([
        409,
        'CONFLICT',
        [{ field: 'slug', message: 'slug is already taken' }],
      ]);
    });

    it.each([
      ['a bad slug', newClientBody({ slug: 'Bad_Slug' }), 'slug'],
      ['a slug ending in a hyphen', newClientBody({ slug: 'acme-' }), 'slug'],
      ['an unknown field', newClientBody({ plan: 'gold' }), 'plan'],
      [
        'an unknown admin field',
        newClientBody({ admin: { email: 'a@b.test', name: 'A', password: 'CorrectHorse42', role: 'x' } }),
        'admin.role',
      ],
      ['no admin', { name: 'No admin' }, 'admin'],
      ['a short password', newClientBody({ admin: { email: 'a@b.test', name: 'A', password: 'short' } }), 'admin.password'],
      ['a bad e-mail', newClientBody({ admin: { email: 'nope', name: 'A', password: 'CorrectHorse42' } }), 'admin.email'],
      [
        'a bad time zone',
        newClientBody({ admin: { email: 'a@b.test', name: 'A', password: 'CorrectHorse42', timeZone: 'Mars/Base' } }),
        'admin.timeZone',
      ],
    ])('refuses %s with 400 VALIDATION_FAILED and creates nothing', async (_label, body, field) => {
      const before = await t.get(MainPrismaService).client.count();
      const res = await t.http.post('/api/v1/clients').set(auth(admin.token)).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await t.get(MainPrismaService).client.count()).toBe(before);
    });

    it('answers 409 CONFLICT for a taken slug or a taken admin e-mail', async () => {
      const first = await createClient();
      const sameSlug = await t.http
        .post('/api/v1/clients')
        .set(auth(admin.token))
        .send(newClientBody({ slug: first.slug }))
        .expect(409);
      expect(sameSlug.body.code).toBe('CONFLICT');
      const body = newClientBody();
      body.admin.email = first.adminEmail.toUpperCase();
      const sameEmail = await t.http.post('/api/v1/clients').set(auth(admin.token)).send(body).expect(409);
      expect(sameEmail.body.code).toBe('CONFLICT');
      expect(await t.get(MainPrismaService).client.count({ where: { slug: body.slug } })).toBe(0);
    });

    // The unique constraint decides, not the pre-check: two racing creates of one slug give one 201 and one 409.
    it('lets exactly one of two concurrent creates with the same slug win', async () => {
      const slug = `race-${suffix()}`;
      const [a, b] = await Promise.all([
        t.http.post('/api/v1/clients').set(auth(admin.token)).send(newClientBody({ slug })),
        t.http.post('/api/v1/clients').set(auth(admin.token)).send(newClientBody({ slug })),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
    });
  });

  describe('GET /clients', () => {
    it('paginates with a cursor and filters by status', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await createClient()).id);
      await t.http.patch(`/api/v1/clients/${ids[1]}`).set(auth(admin.token)).send({ status: 'suspended' }).expect(200);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await t.http
          .get('/api/v1/clients')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(auth(admin.token))
          .expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((c) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of ids) expect(seen).toContain(id);

      const suspended = await t.http.get('/api/v1/clients').query({ status: 'suspended' }).set(auth(admin.token)).expect(200);
      expect(suspended.body.data.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
      expect(suspended.body.nextCursor).toBeNull();
      const active = await t.http.get('/api/v1/clients').query({ status: 'active' }).set(auth(admin.token)).expect(200);
      expect(active.body.data.every((c: { status: string }) => c.status === 'active')).toBe(true);
    });

    it('refuses a bad status, limit or cursor with 400', async () => {
      for (const query of [{ status: 'gone' }, { limit: 0 }, { limit: 201 }, { cursor: 'garbage' }]) {
        const res = await t.http.get('/api/v1/clients').query(query).set(auth(admin.token)).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('GET /clients/:id', () => {
    // The registry holds each tenant's database password; no response may ever carry it.
    it('returns the contract fields and never a credential or URL', async () => {
      const { id } = await createClient();
      const res = await t.http.get(`/api/v1/clients/${id}`).set(auth(admin.token)).expect(200);
      for (const key of ['id', 'name', 'slug', 'status', 'databaseName', 'databaseServer', 'schemaVersion', 'createdAt']) {
        expect(res.body).toHaveProperty(key);
      }
      const text = JSON.stringify(res.body);
      const record = await t.get(TenantRegistryService).get(id);
      expect(text).not.toContain(record!.password);
      expect(text).not.toMatch(/postgres(ql)?:\/\//i);
      expect(text.toLowerCase()).not.toContain('password');
      const list = await t.http.get('/api/v1/clients').set(auth(admin.token)).expect(200);
      expect(JSON.stringify(list.body)).not.toContain(record!.password);
      expect(JSON.stringify(list.body).toLowerCase()).not.toContain('password');
    });

    it('answers 404 for an unknown or malformed id', async () => {
      expect((await t.http.get(`/api/v1/clients/${randomUUID()}`).set(auth(admin.token)).expect(404)).body.code).toBe('NOT_FOUND');
      expect((await t.http.get('/api/v1/clients/not-a-uuid').set(auth(admin.token)).expect(404)).body.code).toBe('NOT_FOUND');
      await t.http.patch(`/api/v1/clients/${randomUUID()}`).set(auth(admin.token)).send({ name: 'x' }).expect(404);
      await t.http.post(`/api/v1/clients/${randomUUID()}/migrate`).set(auth(admin.token)).expect(404);
      await t.http.delete(`/api/v1/clients/${randomUUID()}`).query({ confirm: 'x' }).set(auth(admin.token)).expect(404);
    });
  });

  describe('PATCH /clients/:id', () => {
    it('renames a client', async () => {
      const { id } = await createClient();
      const res = await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ name: 'Renamed Inc.' }).expect(200);
      expect(res.body.name).toBe('Renamed Inc.');
      expect(res.body.status).toBe('active');
    });

    it('refuses a status other than active/suspended and unknown fields', async () => {
      const { id } = await createClient();
      expect((await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ status: 'deleted' }).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
      await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ slug: 'new-slug' }).expect(400);
      await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ name: '' }).expect(400);
    });

    it('suspends a client: its users get 403 CLIENT_SUSPENDED at once, and resuming lets them in again', async () => {
      const { id } = await createClient();
      const member = await createUserWithToken(t, { clientId: id, roleKeys: ['member'] });
      expect(await authOutcome(t, member, id)).toBeNull();
      // Any authenticated route runs the same pipeline: a member on /clients is FORBIDDEN (capability), not suspended.
      expect((await t.http.get('/api/v1/clients').set(auth(member.token)).expect(403)).body.code).toBe('FORBIDDEN');

      const suspended = await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ status: 'suspended' }).expect(200);
      expect(suspended.body.status).toBe('suspended');
      expect(await authOutcome(t, member, id)).toBe('CLIENT_SUSPENDED');
      expect((await t.http.get('/api/v1/clients').set(auth(member.token)).expect(403)).body.code).toBe('CLIENT_SUSPENDED');

      await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ status: 'active' }).expect(200);
      expect(await authOutcome(t, member, id)).toBeNull();
      expect((await t.http.get('/api/v1/clients').set(auth(member.token)).expect(403)).body.code).toBe('FORBIDDEN');
    });

    // Instances share nothing but the main database: the suspension must travel over LISTEN/NOTIFY, not wait for a cache TTL.
    it('is enforced by a second app instance on the same main database within one second', async () => {
      const second = await createTestApp({}, { database: { ...t.db, drop: async () => undefined }, keepDatabase: true });
      try {
        const { id } = await createClient();
        const member = await createUserWithToken(t, { clientId: id, roleKeys: ['member'] });
        // Warm the second instance's caches with the active client.
        expect(await authOutcome(second, member, id)).toBeNull();
        const started = Date.now();
        await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ status: 'suspended' }).expect(200);
        let outcome: string | null = null;
        while (Date.now() - started < 1000) {
          outcome = await authOutcome(second, member, id);
          if (outcome) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(outcome).toBe('CLIENT_SUSPENDED');
        expect(Date.now() - started).toBeLessThan(1000);
        const res = await second.http.get('/api/v1/clients').set(auth(member.token)).expect(403);
        expect(res.body.code).toBe('CLIENT_SUSPENDED');
      } finally {
        await second.close();
      }
    });
  });

  describe('POST /clients/:id/migrate', () => {
    it('answers the schema version and nothing applied when the client is current', async () => {
      const { id } = await createClient();
      const res = await t.http.post(`/api/v1/clients/${id}/migrate`).set(auth(admin.token)).expect(200);
      expect(res.body).toEqual({ schemaVersion: t.get(TenantDatabasesService).latestVersion, applied: [] });
    });

    it('applies a pending migration to that client only and records it', async () => {
      const dbs = t.get(TenantDatabasesService);
      const a = await createClient();
      const b = await createClient();
      const name = '29991231000000_clients_e2e_extra';
      dbs.reloadMigrations([
        ...dbs.migrations,
        { name, sql: 'CREATE TABLE "e2e_extra" (id int PRIMARY KEY);', checksum: 'e2e-extra-checksum' },
      ]);
      try {
        const res = await t.http.post(`/api/v1/clients/${a.id}/migrate`).set(auth(admin.token)).expect(200);
        expect(res.body).toEqual({ schemaVersion: name, applied: [name] });
        const got = await t.http.get(`/api/v1/clients/${a.id}`).set(auth(admin.token)).expect(200);
        expect(got.body.schemaVersion).toBe(name);
        expect(got.body.lastMigrationError).toBeNull();
        expect(got.body.lastMigratedAt).not.toBeNull();
        const other = await t.http.get(`/api/v1/clients/${b.id}`).set(auth(admin.token)).expect(200);
        expect(other.body.schemaVersion).not.toBe(name);
      } finally {
        dbs.reloadMigrations();
      }
    });

    it('answers 409 MIGRATION_FAILED when the migration fails, and records the error', async () => {
      const dbs = t.get(TenantDatabasesService);
      const { id } = await createClient();
      const before = dbs.latestVersion;
      dbs.reloadMigrations([
        ...dbs.migrations,
        { name: '29991231000001_broken', sql: 'SELECT * FROM "no_such_table";', checksum: 'broken' },
      ]);
      try {
        const res = await t.http.post(`/api/v1/clients/${id}/migrate`).set(auth(admin.token)).expect(409);
        expect(res.body.code).toBe('MIGRATION_FAILED');
        const got = await t.http.get(`/api/v1/clients/${id}`).set(auth(admin.token)).expect(200);
        expect(got.body.schemaVersion).toBe(before);
        expect(got.body.lastMigrationError).toMatch(/no_such_table/);
      } finally {
        dbs.reloadMigrations();
      }
    });
  });

  describe('PATCH /clients/:id racing other changes', () => {
    it('answers 200 only with the status it asked for, or 409; never another status', async () => {
      for (let round = 0; round < 6; round++) {
        const c = await createClient();
        const [resume, suspend, del] = await Promise.all([
          t.http.patch(`/api/v1/clients/${c.id}`).set(auth(admin.token)).send({ status: 'active' }),
          t.http.patch(`/api/v1/clients/${c.id}`).set(auth(admin.token)).send({ status: 'suspended' }),
          t.http.delete(`/api/v1/clients/${c.id}?confirm=${c.slug}`).set(auth(admin.token)),
        ]);
        expect([resume.status, suspend.status].every((s) => s === 200 || s === 409)).toBe(true);
        if (resume.status === 200) expect(resume.body.status).toBe('active');
        if (suspend.status === 200) expect(suspend.body.status).toBe('suspended');
        expect(del.status).toBe(204);
        const after = await t.http.patch(`/api/v1/clients/${c.id}`).set(auth(admin.token)).send({ status: 'active' });
        expect([after.status, after.body.code]).toEqual([409, 'CONFLICT']);
      }
    });
  });

  describe('DELETE /clients/:id', () => {
    it('refuses without the matching confirm and changes nothing', async () => {
      const { id, slug } = await createClient();
      for (const query of [{}, { confirm: 'wrong' }, { confirm: slug.toUpperCase() }]) {
        const res = await t.http.delete(`/api/v1/clients/${id}`).query(query).set(auth(admin.token)).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const got = await t.http.get(`/api/v1/clients/${id}`).set(auth(admin.token)).expect(200);
      expect(got.body.status).toBe('active');
      expect(await t.get(TenantDatabasesService).databaseExists(t.get(TenantDatabasesService).servers[0], `freetimechat_${id}`)).toBe(true);
    });

    it("drops the database and role, ends its users' sessions and keeps the client readable as deleted", async () => {
      const { id, slug } = await createClient();
      const member = await createUserWithToken(t, { clientId: id, roleKeys: ['member'] });
      await withTenant(t, id, (prisma) => prisma.project.create({ data: { name: 'Doomed' } }));
      expect(await authOutcome(t, member, id)).toBeNull();

      await t.http.delete(`/api/v1/clients/${id}`).query({ confirm: slug }).set(auth(admin.token)).expect(204);

      const dbs = t.get(TenantDatabasesService);
      expect(await dbs.databaseExists(dbs.servers[0], `freetimechat_${id}`)).toBe(false);
      expect(await dbs.roleExists(dbs.servers[0], `freetimechat_${id}`)).toBe(false);
      const got = await t.http.get(`/api/v1/clients/${id}`).set(auth(admin.token)).expect(200);
      expect(got.body.status).toBe('deleted');
      expect(got.body.deletedAt).not.toBeNull();
      expect(await authOutcome(t, member, id)).toBe('UNAUTHENTICATED');
      expect((await t.http.get('/api/v1/clients').set(auth(member.token)).expect(401)).body.code).toBe('UNAUTHENTICATED');
      const main = t.get(MainPrismaService);
      expect(await main.session.count({ where: { user: { clientId: id }, revokedAt: null } })).toBe(0);
      expect(await main.user.count({ where: { clientId: id, isActive: true } })).toBe(0);

      // A deleted client can no longer be suspended, renamed or migrated; deleting again is harmless.
      expect((await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ status: 'suspended' }).expect(409)).body.code).toBe(
        'CONFLICT',
      );
      await t.http.patch(`/api/v1/clients/${id}`).set(auth(admin.token)).send({ name: 'Zombie' }).expect(409);
      await t.http.post(`/api/v1/clients/${id}/migrate`).set(auth(admin.token)).expect(409);
      await t.http.delete(`/api/v1/clients/${id}`).query({ confirm: slug }).set(auth(admin.token)).expect(204);
      const deleted = await t.http.get('/api/v1/clients').query({ status: 'deleted' }).set(auth(admin.token)).expect(200);
      expect(deleted.body.data.map((c: { id: string }) => c.id)).toContain(id);
    });
  });

  describe('who may manage clients', () => {
    it('refuses client admins and members with 403 FORBIDDEN and anonymous callers with 401', async () => {
      const { id } = await createClient();
      for (const roleKeys of [['client-admin'], ['member'], ['manager']]) {
        const user = await createUserWithToken(t, { clientId: id, roleKeys });
        const res = await t.http.get('/api/v1/clients').set(auth(user.token)).expect(403);
        expect(res.body.code).toBe('FORBIDDEN');
        await t.http.post('/api/v1/clients').set(auth(user.token)).send(newClientBody()).expect(403);
        await t.http.get(`/api/v1/clients/${id}`).set(auth(user.token)).expect(403);
        await t.http.delete(`/api/v1/clients/${id}`).query({ confirm: 'x' }).set(auth(user.token)).expect(403);
      }
      await t.http.get('/api/v1/clients').expect(401);
      await t.http.post('/api/v1/clients').send(newClientBody()).expect(401);
    });
  });

  describe('OpenAPI', () => {
    it('documents every /clients route with its DTOs', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      expect(Object.keys(doc.paths['/api/v1/clients'])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(doc.paths['/api/v1/clients/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
      expect(doc.paths['/api/v1/clients/{id}/migrate'].post.responses['200']).toBeDefined();
      expect(doc.components.schemas.ClientDto.properties).toHaveProperty('databaseServer');
      expect(doc.components.schemas.CreateClientDto.required).toEqual(expect.arrayContaining(['name', 'admin']));
    });
  });

  describe('platform admin bootstrap', () => {
    // Two instances of a fresh deployment start at the same moment: there must be one first admin, not two (or a crash).
    it('creates exactly one platform admin when two instances start at once', async () => {
      const db = await createTestDatabase();
      const env = { PLATFORM_ADMIN_EMAIL: `root-${suffix()}@platform.test`, PLATFORM_ADMIN_PASSWORD: 'RootPassword123' };
      const apps = await Promise.all([
        createTestApp(env, { database: db, keepDatabase: true }),
        createTestApp(env, { database: db, keepDatabase: true }),
      ]);
      try {
        const main = apps[0].get(MainPrismaService);
        const admins = await main.user.findMany({ where: { clientId: null, roles: { some: { role: { key: 'platform-admin' } } } } });
        expect(admins.map((a) => a.email)).toEqual([env.PLATFORM_ADMIN_EMAIL]);
        // A third start finds it and creates nothing.
        const third = await createTestApp(
          { ...env, PLATFORM_ADMIN_EMAIL: `other-${suffix()}@platform.test` },
          { database: db, keepDatabase: true },
        );
        await third.close();
        expect(await main.user.count({ where: { clientId: null } })).toBe(1);
      } finally {
        await Promise.all(apps.map((a) => a.close()));
        await db.drop();
      }
    });
  });
});
