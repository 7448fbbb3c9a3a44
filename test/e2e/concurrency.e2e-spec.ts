/**
 * Concurrency invariants: the database decides, never a check-then-insert.
 * Each race fires its requests at once over separate connections and counts
 * winners: exactly one, the rest the contract's 409/401, nothing orphaned.
 */
import { randomBytes } from 'node:crypto';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { ProvisioningService } from '../../src/database/provisioning.service.js';
import { createTestApp, TestApp } from '../helpers/test-app.js';
import { RawHttp, RawResponse, withPg } from '../helpers/reliability.js';
import { API, buildTenant, listen, WorldTenant } from '../helpers/reliability-world.js';

describe('e2e/concurrency', () => {
  const N = 12;
  let t: TestApp;
  let http: RawHttp;
  let tenant: WorldTenant;

  beforeAll(async () => {
    t = await createTestApp();
    http = await listen(t);
    tenant = await buildTenant(t, http, 'Race');
  }, 60_000);
  afterAll(async () => {
    http?.close();
    await t?.close();
  });

  function statuses(rs: RawResponse[]): Record<number, number> {
    const out: Record<number, number> = {};
    for (const r of rs) out[r.status] = (out[r.status] ?? 0) + 1;
    return out;
  }
  const codes = (rs: RawResponse[], status: number) => [
    ...new Set(rs.filter((r) => r.status === status).map((r) => (r.body as { code: string }).code)),
  ];

  /**
   * No client of this test's main database is left half-made: a loser's registry row is deleted before
   * anything is provisioned, so a leftover row (not active) would be the only way to an orphan database.
   */
  async function leftovers(): Promise<string[]> {
    const rows = await t
      .get(MainPrismaService)
      .client.findMany({ where: { status: { not: 'active' } }, select: { slug: true, status: true } });
    return rows.map((r) => `${r.slug}: ${r.status}`);
  }

  describe('concurrency invariants', () => {
    // An upsert that reads, then writes, loses the row when a removal lands in between; that must not be a 500.
    it('answers every membership PUT with the membership and every DELETE with 204 or 404 while both race', async () => {
      const path = `${API}/projects/${tenant.ids.projects}/members/${tenant.member.userId}`;
      const all: RawResponse[] = [];
      for (let round = 0; round < 80; round++) {
        const rs = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            i % 2
              ? http.json('DELETE', path, tenant.admin.token)
              : http.json('PUT', path, tenant.admin.token, i === 2 ? { role: 'lead' } : {}),
          ),
        );
        all.push(...rs);
      }
      const puts = all.filter((_, i) => i % 2 === 0);
      const deletes = all.filter((_, i) => i % 2 === 1);
      expect(Object.keys(statuses(puts))).toEqual(['200']);
      for (const r of puts) {
        expect(r.body).toMatchObject({
          projectId: tenant.ids.projects,
          userId: tenant.member.userId,
          role: expect.stringMatching(/^(member|lead)$/),
        });
        expect(typeof (r.body as { createdAt: unknown }).createdAt).toBe('string');
      }
      expect(Object.keys(statuses(deletes)).every((s) => s === '204' || s === '404')).toBe(true);
      // Leave the member in place for the other tests.
      expect((await http.json('PUT', path, tenant.admin.token, { role: 'member' })).status).toBe(200);
    });

    it('lets exactly one of simultaneous timer starts win; the others get 409 TIMER_ALREADY_RUNNING', async () => {
      const rs = await Promise.all(
        Array.from({ length: N }, () =>
          http.json('POST', `${API}/time-entries/start`, tenant.member.token, { projectId: tenant.ids.projects }),
        ),
      );
      expect(statuses(rs)).toEqual({ 201: 1, 409: N - 1 });
      expect(codes(rs, 409)).toEqual(['TIMER_ALREADY_RUNNING']);
      const running = await http.json('GET', `${API}/time-entries/running`, tenant.member.token);
      expect((running.body as { id: string }).id).toBe((rs.find((r) => r.status === 201)!.body as { id: string }).id);
      // And of simultaneous stops, one stops it; the others find nothing running.
      const stops = await Promise.all(Array.from({ length: N }, () => http.json('POST', `${API}/time-entries/stop`, tenant.member.token)));
      expect(statuses(stops)).toEqual({ 200: 1, 404: N - 1 });
      expect(codes(stops, 404)).toEqual(['NO_RUNNING_TIMER']);
    });

    it('rotates a refresh token for exactly one of simultaneous refreshes', async () => {
      const login = await http.json('POST', `${API}/auth/login`, null, { email: tenant.admin.email, password: tenant.admin.password });
      expect(login.status).toBe(200);
      const refreshToken = (login.body as { refreshToken: string }).refreshToken;
      const rs = await Promise.all(Array.from({ length: N }, () => http.json('POST', `${API}/auth/refresh`, null, { refreshToken })));
      expect(statuses(rs)).toEqual({ 200: 1, 401: N - 1 });
    });

    it('creates exactly one client for simultaneous signups with one slug, and leaves no orphan database', async () => {
      const slug = `race-${randomBytes(4).toString('hex')}`;
      const rs = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          http.json('POST', `${API}/auth/signup`, null, {
            companyName: `Race ${i}`,
            slug,
            name: 'Racer',
            email: `slug-${i}-${slug}@example.test`,
            password: 'Correct-Horse-Battery-9',
          }),
        ),
      );
      expect(statuses(rs)).toEqual({ 201: 1, 409: 5 });
      expect(await t.get(MainPrismaService).client.count({ where: { slug } })).toBe(1);
      expect(
        await t.get(MainPrismaService).user.count({ where: { email: { startsWith: 'slug-', endsWith: `${slug}@example.test` } } }),
      ).toBe(1);
      expect(await leftovers()).toEqual([]);
    });

    it('creates exactly one account for simultaneous signups with one e-mail, and leaves no orphan client', async () => {
      const email = `same-${randomBytes(4).toString('hex')}@example.test`;
      const before = await t.get(MainPrismaService).client.count();
      const rs = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          http.json('POST', `${API}/auth/signup`, null, {
            companyName: `Same ${i}`,
            slug: `same-${i}-${randomBytes(3).toString('hex')}`,
            name: 'Same',
            email: i % 2 ? email.toUpperCase() : email,
            password: 'Correct-Horse-Battery-9',
          }),
        ),
      );
      expect(statuses(rs)).toEqual({ 201: 1, 409: 5 });
      expect(await t.get(MainPrismaService).client.count()).toBe(before + 1);
      expect(await leftovers()).toEqual([]);
    });

    it('provisions a client once when provisioning runs twice at once: active, one database, one role', async () => {
      const provisioning = t.get(ProvisioningService);
      const { id } = await provisioning.register({ name: 'Twice', slug: `twice-${randomBytes(4).toString('hex')}` });
      await Promise.all([provisioning.provision(id), provisioning.provision(id), provisioning.provision(id)]);
      const client = await t.get(MainPrismaService).client.findUniqueOrThrow({ where: { id } });
      expect(client.status).toBe('active');
      const [dbs, roles] = await withPg(t.db.adminUrl, async (c) => [
        (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [client.databaseName])).rowCount,
        (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [client.databaseRole])).rowCount,
      ]);
      expect([dbs, roles]).toEqual([1, 1]);
    });
  });
});
