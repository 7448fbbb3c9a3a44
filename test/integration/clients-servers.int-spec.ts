import { randomBytes } from 'node:crypto';
import { createTestApp, createUserWithToken, TestApp, withTenant } from '../helpers/test-app.js';
import { readState } from '../setup/test-server.js';
import { startSecondServer, type SecondServer } from '../helpers/second-server.js';
import { DatabaseBootstrapService } from '../../src/database/database-bootstrap.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService, TEMPLATE_DATABASE } from '../../src/database/tenant-databases.service.js';
import { parseDatabaseServers } from '../../src/database/database-servers.js';

describe('integration/clients-servers', () => {
  let second: SecondServer | undefined;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    second = await startSecondServer('ftc-pg2-');
    const { adminUrl } = readState();
    t = await createTestApp({ TENANT_DATABASE_SERVERS: `primary=${adminUrl},secondary=${second.adminUrl}` });
    // createTestApp made the template current on both servers; make sure of it anyway (cheap when current).
    const dbs = t.get(TenantDatabasesService);
    expect(dbs.servers.map((s) => s.name)).toEqual(['primary', 'secondary']);
    for (const server of dbs.servers) expect(await dbs.databaseExists(server, TEMPLATE_DATABASE)).toBe(true);
    await t.get(DatabaseBootstrapService).syncServers();
    token = (await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] })).token;
  }, 120_000);

  afterAll(() => second?.stop(t, 'secondary'), 60_000);

  async function create(): Promise<{ id: string; slug: string; databaseServer: string }> {
    const s = randomBytes(4).toString('hex');
    const res = await t.http
      .post('/api/v1/clients')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: `Spread ${s}`, slug: `spread-${s}`, admin: { email: `a-${s}@spread.test`, name: 'A', password: 'CorrectHorse42' } })
      .expect(201);
    return res.body;
  }

  describe('several tenant database servers', () => {
    it('records the configured servers in the registry', async () => {
      const rows = await t.get(MainPrismaService).databaseServer.findMany({ orderBy: { name: 'asc' } });
      const servers = t.get(TenantDatabasesService).servers;
      expect(rows.map((r) => ({ name: r.name, port: r.port }))).toEqual(servers.map((s) => ({ name: s.name, port: s.port })));
    });

    it('puts each new client on the server with the fewest clients, and every tenant works', async () => {
      const created = [];
      for (let i = 0; i < 6; i++) created.push(await create());
      const servers = created.map((c) => c.databaseServer);
      // Balanced from empty: they alternate.
      expect(servers).toEqual(['primary', 'secondary', 'primary', 'secondary', 'primary', 'secondary']);

      const dbs = t.get(TenantDatabasesService);
      const [primary, secondary] = dbs.servers;
      for (const c of created) {
        const [home, other] = c.databaseServer === 'primary' ? [primary, secondary] : [secondary, primary];
        expect(await dbs.databaseExists(home, `freetimechat_${c.id}`)).toBe(true);
        expect(await dbs.databaseExists(other, `freetimechat_${c.id}`)).toBe(false);
        const names = await withTenant(t, c.id, async (prisma) => {
          await prisma.project.create({ data: { name: `Project of ${c.slug}` } });
          return (await prisma.project.findMany()).map((p) => p.name);
        });
        expect(names).toEqual([`Project of ${c.slug}`]);
        const got = await t.http.get(`/api/v1/clients/${c.id}`).set('Authorization', `Bearer ${token}`).expect(200);
        expect(got.body.databaseServer).toBe(c.databaseServer);
      }
    });

    it('fills the emptier server first after deletions, and drops a deleted client on its own server', async () => {
      const onSecondary = await t.get(MainPrismaService).client.findMany({ where: { databaseServer: 'secondary', status: 'active' } });
      for (const c of onSecondary.slice(0, 2)) {
        await t.http.delete(`/api/v1/clients/${c.id}`).query({ confirm: c.slug }).set('Authorization', `Bearer ${token}`).expect(204);
        expect(await t.get(TenantDatabasesService).databaseExists(t.get(TenantDatabasesService).servers[1], c.databaseName)).toBe(false);
      }
      // primary 3, secondary 1: the next two both go to the secondary.
      expect((await create()).databaseServer).toBe('secondary');
      expect((await create()).databaseServer).toBe('secondary');
      expect((await create()).databaseServer).toBe('primary');
    });

    it('parses TENANT_DATABASE_SERVERS with names and without', () => {
      const servers = parseDatabaseServers('a=postgresql://u:p@db1:5432/postgres, postgresql://u:p@db2:6432', 'postgresql://x@main/db');
      expect(servers.map((s) => [s.name, s.host, s.port])).toEqual([
        ['a', 'db1', 5432],
        ['db2:6432', 'db2', 6432],
      ]);
      expect(() => parseDatabaseServers('a=mysql://x@y/z', 'postgresql://x@main/db')).toThrow(/postgresql/);
    });
  });
});
