/**
 * A tenant database dropped behind the service's back: that tenant gets 503
 * TENANT_DATABASE_UNAVAILABLE, fast, while another tenant keeps working
 * (the contract: other tenants unaffected; never a hang, never a crash).
 * The main database going away is covered by test/reliability/faults.
 */
import { createTestApp, TestApp } from '../helpers/test-app.js';
import { contractErrorProblem, RawHttp, withPg } from '../helpers/reliability.js';
import { quoteIdent } from '../../src/database/sql.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { API, buildTenant, listen, WorldTenant, yesterday } from '../helpers/reliability-world.js';

describe('e2e/faults', () => {
  let t: TestApp;
  let http: RawHttp;
  let doomed: WorldTenant;
  let healthy: WorldTenant;

  beforeAll(async () => {
    t = await createTestApp({ TENANT_ACQUIRE_TIMEOUT_MS: '2000' });
    http = await listen(t);
    [doomed, healthy] = [await buildTenant(t, http, 'Doomed'), await buildTenant(t, http, 'Healthy')];
  }, 60_000);
  afterAll(async () => {
    http?.close();
    await t?.close();
  });

  describe('a tenant database dropped behind the service', () => {
    it('answers that tenant with 503 TENANT_DATABASE_UNAVAILABLE within seconds, while another tenant keeps working', async () => {
      // Both tenants have warm pools before the drop.
      expect((await http.json('GET', `${API}/projects`, doomed.admin.token)).status).toBe(200);
      expect((await http.json('GET', `${API}/projects`, healthy.admin.token)).status).toBe(200);
      await withPg(t.db.adminUrl, (c) => c.query(`DROP DATABASE ${quoteIdent(doomed.databaseName)} WITH (FORCE)`));

      for (let i = 0; i < 5; i++) {
        const rs = await Promise.all([
          http.json('GET', `${API}/projects`, doomed.admin.token, undefined, 10_000),
          http.json(
            'POST',
            `${API}/time-entries`,
            doomed.member.token,
            { projectId: doomed.ids.projects, date: yesterday(3), duration: 60 },
            10_000,
          ),
          http.json('GET', `${API}/time-entries/${doomed.ids['time-entries']}`, doomed.member.token, undefined, 10_000),
        ]);
        for (const r of rs) {
          expect([r.status, (r.body as { code?: string }).code]).toEqual([503, 'TENANT_DATABASE_UNAVAILABLE']);
          expect(contractErrorProblem(r)).toBeNull();
          expect(r.ms).toBeLessThan(5_000);
        }
        const ok = await http.json('POST', `${API}/time-entries`, healthy.member.token, {
          projectId: healthy.ids.projects,
          date: yesterday(3 + i),
          duration: 60,
        });
        expect(ok.status).toBe(201);
      }
      // Routes on the main database still work for the doomed tenant's users.
      expect((await http.json('GET', `${API}/auth/me`, doomed.admin.token)).status).toBe(200);
      expect((await http.json('GET', '/api/v1/health/ready')).status).toBe(200);
    });
  });

  describe('a database that refuses logins is a 503, never a 500 or a 401', () => {
    const refuse = async (database: string, how: 'allow' | 'revoke', role?: string) => {
      const db = quoteIdent(database);
      await withPg(t.db.adminUrl, async (c) => {
        if (how === 'allow') await c.query(`ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS false`);
        else await c.query(`REVOKE CONNECT ON DATABASE ${db} FROM ${quoteIdent(role!)}, PUBLIC`);
        // The service's open connections go too, so its next request must log in again.
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      });
    };
    const allow = (database: string, how: 'allow' | 'revoke', role?: string) =>
      withPg(t.db.adminUrl, (c) =>
        c.query(
          how === 'allow'
            ? `ALTER DATABASE ${quoteIdent(database)} WITH ALLOW_CONNECTIONS true`
            : `GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role!)}`,
        ),
      );
    const tenantRole = async (tenant: WorldTenant) =>
      (await t.get(MainPrismaService).client.findUniqueOrThrow({ where: { id: tenant.clientId } })).databaseRole;

    it.each(['allow', 'revoke'] as const)(
      'answers a tenant whose database refuses logins (%s) with 503 TENANT_DATABASE_UNAVAILABLE, and recovers',
      async (how) => {
        const tenant = await buildTenant(t, http, `Refusing${how}`);
        expect((await http.json('GET', `${API}/projects`, tenant.admin.token)).status).toBe(200);
        const role = how === 'revoke' ? await tenantRole(tenant) : undefined;
        await refuse(tenant.databaseName, how, role);
        try {
          for (const [method, body] of [
            ['GET', undefined],
            ['POST', { name: 'Refused' }],
          ] as const) {
            const r = await http.json(method, `${API}/projects`, tenant.admin.token, body, 10_000);
            expect([r.status, (r.body as { code?: string }).code]).toEqual([503, 'TENANT_DATABASE_UNAVAILABLE']);
            expect(contractErrorProblem(r)).toBeNull();
          }
          expect((await http.json('GET', `${API}/projects`, healthy.admin.token)).status).toBe(200);
        } finally {
          await allow(tenant.databaseName, how, role);
        }
        expect((await http.json('GET', `${API}/projects`, tenant.admin.token)).status).toBe(200);
      },
    );
  });

  describe('the main database refusing logins', () => {
    // Was 500 on login and 401 on authenticated routes (clients would have dropped good tokens).
    it('answers 503 SERVICE_UNAVAILABLE on login and on authenticated routes, and recovers', async () => {
      const main = quoteIdent(t.db.name);
      const user = healthy.admin;
      expect((await http.json('GET', `${API}/auth/me`, user.token)).status).toBe(200);
      await withPg(t.db.adminUrl, async (c) => {
        await c.query(`ALTER DATABASE ${main} WITH ALLOW_CONNECTIONS false`);
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [t.db.name]);
      });
      try {
        const rs = [
          await http.json('POST', `${API}/auth/login`, null, { email: user.email, password: user.password }, 10_000),
          await http.json('GET', `${API}/auth/me`, user.token, undefined, 10_000),
          await http.json('GET', `${API}/projects`, user.token, undefined, 10_000),
          await http.json('GET', `${API}/health/ready`, null, undefined, 10_000),
        ];
        for (const r of rs) {
          expect([r.status, (r.body as { code?: string }).code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
          expect(contractErrorProblem(r)).toBeNull();
        }
      } finally {
        await withPg(t.db.adminUrl, (c) => c.query(`ALTER DATABASE ${main} WITH ALLOW_CONNECTIONS true`));
      }
      expect((await http.json('GET', `${API}/auth/me`, user.token)).status).toBe(200);
      expect((await http.json('POST', `${API}/auth/login`, null, { email: user.email, password: user.password })).status).toBe(200);
    });
  });
});
