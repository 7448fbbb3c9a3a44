import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createTestApp, TestApp, withTenant } from '../helpers/test-app.js';
import { ProvisioningService, PROVISIONING_STEPS, ProvisioningStep } from '../../src/database/provisioning.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantConnectionManager } from '../../src/database/tenant-connection-manager.js';
import { TEMPLATE_DATABASE, TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { AppConfigService } from '../../src/config/config.service.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { pgConfigFromUrl } from '../../src/database/sql.js';

describe('integration/provisioning', () => {
  let t: TestApp;
  let provisioning: ProvisioningService;
  let main: MainPrismaService;

  beforeAll(async () => {
    t = await createTestApp();
    provisioning = t.get(ProvisioningService);
    main = t.get(MainPrismaService);
  });
  afterAll(() => t.close());

  const slug = () => `c-${randomBytes(4).toString('hex')}`;

  async function tenantRoleConnect(clientId: string, database: string): Promise<void> {
    const rec = (await t.get(TenantRegistryService).get(clientId))!;
    const c = new pg.Client({ ...pgConfigFromUrl(rec.server.adminUrl), user: rec.role, password: rec.password, database });
    c.on('error', () => undefined);
    await c.connect();
    await c.end();
  }

  describe('ProvisioningService', () => {
    it('creates an active client with a migrated database cloned from the template', async () => {
      const { id } = await provisioning.register({ name: 'Acme', slug: slug() });
      await provisioning.provision(id);
      const client = await main.client.findUniqueOrThrow({ where: { id } });
      expect(client.status).toBe('active');
      expect(client.databaseName).toBe(`freetimechat_${id}`);
      expect(client.schemaVersion).toBe(t.get(TenantDatabasesService).latestVersion);
      expect(await withTenant(t, id, (prisma) => prisma.project.count())).toBe(0);
    });

    // A crash can happen between any two steps; running provisioning again must finish the job.
    it.each(PROVISIONING_STEPS.map((s) => [s]))(
      'recovers when the process dies right after step "%s"',
      async (crashAfter: ProvisioningStep) => {
        const { id } = await provisioning.register({ name: `Crash ${crashAfter}`, slug: slug() });
        await expect(
          provisioning.provision(id, {
            afterStep: (step) => {
              if (step === crashAfter) throw new Error(`simulated crash after ${step}`);
            },
          }),
        ).rejects.toThrow('simulated crash');
        expect((await main.client.findUniqueOrThrow({ where: { id } })).status).toBe('failed');
        await provisioning.provision(id);
        const client = await main.client.findUniqueOrThrow({ where: { id } });
        expect(client.status).toBe('active');
        const project = await withTenant(t, id, (prisma) => prisma.project.create({ data: { name: 'After crash' } }));
        expect(project.id).toBeDefined();
      },
    );

    it('is idempotent and safe when run twice at once', async () => {
      const { id } = await provisioning.register({ name: 'Twice', slug: slug() });
      await Promise.all([provisioning.provision(id), provisioning.provision(id)]);
      expect((await main.client.findUniqueOrThrow({ where: { id } })).status).toBe('active');
    });

    it('gives each tenant a role that can connect to its own database only', async () => {
      const a = await provisioning.register({ name: 'A', slug: slug() });
      const b = await provisioning.register({ name: 'B', slug: slug() });
      await provisioning.provision(a.id);
      await provisioning.provision(b.id);
      await expect(tenantRoleConnect(a.id, `freetimechat_${a.id}`)).resolves.toBeUndefined();
      await expect(tenantRoleConnect(a.id, `freetimechat_${b.id}`)).rejects.toThrow(/permission denied|not permitted/i);
      await expect(tenantRoleConnect(a.id, t.db.name)).rejects.toThrow(/permission denied|not permitted/i);
      await expect(tenantRoleConnect(a.id, 'freetimechat_template')).rejects.toThrow(/permission denied|not permitted/i);
    });

    it('deprovisioning drops the database and the role', async () => {
      const { id } = await provisioning.register({ name: 'Gone', slug: slug() });
      await provisioning.provision(id);
      await t.get(TenantConnectionManager).close(id);
      await provisioning.deprovision(id);
      const dbs = t.get(TenantDatabasesService);
      const server = dbs.servers[0];
      expect(await dbs.databaseExists(server, `freetimechat_${id}`)).toBe(false);
      expect(await dbs.roleExists(server, `freetimechat_${id}`)).toBe(false);
    });
  });

  describe('TenantDatabasesService.ensureTemplate', () => {
    // Each call as from another instance (instances starting, a move, a restore, a health check): concurrent
    // GRANTs and REVOKEs of the template fail in PostgreSQL ("tuple concurrently updated") unless serialised.
    it('refreshes the template from many instances at once without failing', async () => {
      const dbs = t.get(TenantDatabasesService);
      const server = dbs.servers[0];
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => dbs.ensureTemplate(server)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const { id } = await provisioning.register({ name: 'After refreshes', slug: slug() });
      await provisioning.provision(id);
      expect(await withTenant(t, id, (prisma) => prisma.project.count())).toBe(0);
    });
  });

  describe('TenantDatabasesService.cloneDatabase', () => {
    type Strategy = 'wal_log' | 'file_copy' | undefined;
    /** Clones the tenant template with TENANT_CLONE_STRATEGY=strategy; returns the WAL the server wrote meanwhile. */
    async function cloneWith(strategy: Strategy): Promise<{ name: string; walBytes: number }> {
      const dbs = new TenantDatabasesService(
        t.get(TenantRegistryService),
        new AppConfigService({ ...t.config, TENANT_CLONE_STRATEGY: strategy }),
      );
      const server = dbs.servers[0];
      const name = `ftc_test_clone_${randomBytes(4).toString('hex')}`;
      const admin = dbs.admin(server);
      const lsn = async () => (await admin.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l;
      const before = await lsn();
      try {
        await dbs.cloneDatabase(server, TEMPLATE_DATABASE, name);
        const after = await lsn();
        const { rows } = await admin.query<{ b: string }>('SELECT pg_wal_lsn_diff($1, $2)::text AS b', [after, before]);
        const tables = await dbs.withDatabase(server, name, (c) =>
          c.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('projects', 'time_entries')"),
        );
        expect(tables.rows[0].n).toBe(2);
        return { name, walBytes: Number(rows[0].b) };
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await dbs.onApplicationShutdown();
      }
    }

    // The template is ~8 MB, mostly catalogs: a WAL copy writes ~5 MB of WAL (measured), a file copy ~40 kB.
    it('copies the template through the WAL by default and with wal_log, as files with file_copy', async () => {
      const templateBytes = Number(
        (
          await t
            .get(TenantDatabasesService)
            .admin(t.get(TenantDatabasesService).servers[0])
            .query('SELECT pg_database_size($1)::text AS s', [TEMPLATE_DATABASE])
        ).rows[0].s,
      );
      const byDefault = await cloneWith(undefined);
      const walLog = await cloneWith('wal_log');
      const fileCopy = await cloneWith('file_copy');
      expect(byDefault.walBytes).toBeGreaterThan(templateBytes / 4);
      expect(walLog.walBytes).toBeGreaterThan(templateBytes / 4);
      expect(fileCopy.walBytes).toBeLessThan(walLog.walBytes / 4);
    });

    // CREATE DATABASE … TEMPLATE fails (55006) when someone stays connected to the template for 5 s (PostgreSQL's
    // own wait): another clone starting, an instance refreshing it. The clone keeps waiting instead of failing.
    it('waits for a template someone is connected to, then clones it', async () => {
      const dbs = t.get(TenantDatabasesService);
      const server = dbs.servers[0];
      const template = `ftc_test_tpl_${randomBytes(4).toString('hex')}`;
      const clone = `${template}_copy`;
      await dbs.admin(server).query(`CREATE DATABASE "${template}"`);
      const holder = new pg.Client({ ...pgConfigFromUrl(server.adminUrl), database: template });
      await holder.connect();
      try {
        const started = Date.now();
        const cloned = dbs.cloneDatabase(server, template, clone);
        setTimeout(() => void holder.end(), 6_000);
        await cloned;
        expect(Date.now() - started).toBeGreaterThanOrEqual(5_900);
        expect(await dbs.databaseExists(server, clone)).toBe(true);
      } finally {
        await holder.end().catch(() => undefined);
        for (const db of [clone, template]) await dbs.admin(server).query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      }
    });
  });
});
