/**
 * A tenant database dropped behind the service's back: that tenant gets 503
 * TENANT_DATABASE_UNAVAILABLE, fast, while another tenant keeps working
 * (spec/API.md: other tenants unaffected; never a hang, never a crash).
 * The main database going away is covered by test/reliability/faults.
 */
import { createTestApp, TestApp } from '../helpers/test-app.js';
import { contractErrorProblem, RawHttp, withPg } from '../helpers/reliability.js';
import { quoteIdent } from '../../src/database/sql.js';
import { API, buildTenant, listen, WorldTenant, yesterday } from '../helpers/reliability-world.js';

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
