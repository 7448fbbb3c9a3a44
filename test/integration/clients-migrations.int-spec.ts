import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestApp, provisionClient, TestApp, withTenant } from '../helpers/test-app.js';
import { loadMigrations } from '../../src/database/migrator.js';
import { migrationsDir } from '../../src/database/paths.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { ClientMigrationsService, MigrationProgress } from '../../src/modules/clients/client-migrations.service.js';
import { ClientsService } from '../../src/modules/clients/clients.service.js';

describe('integration/clients-migrations', () => {
  const M1 = '29990101000000_probe_table';
  const M2 = '29990102000000_reserved_project_names';

  let t: TestApp;
  let tmp: string;
  let clientIds: string[];
  let broken: string;

  /** Admin connection to one tenant database. */
  async function inTenant<T>(clientId: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const dbs = t.get(TenantDatabasesService);
    return dbs.withDatabase(dbs.servers[0], `freetimechat_${clientId}`, fn);
  }

  beforeAll(async () => {
    // Its own main database: migrateAll works on every client there, and the counts below are of these six.
    t = await createTestApp({}, { own: true });
    clientIds = [];
    for (let i = 0; i < 6; i++) clientIds.push(await provisionClient(t, `Tenant ${i}`));
    broken = clientIds[2];
    // The one tenant whose data the new migration's constraint rejects.
    await withTenant(t, broken, (prisma) => prisma.project.create({ data: { name: 'RESERVED' } }));
    // A suspended tenant is migrated too (it comes back on the current schema); a deleted one is not touched.
    await t.get(ClientsService).suspend(clientIds[4]);
    const deleted = await provisionClient(t, 'Deleted tenant');
    await t.get(ClientsService).delete(deleted, (await t.get(ClientsService).get(deleted)).slug);

    // The real migrations plus two new ones: the first succeeds everywhere, the second fails on one tenant.
    tmp = mkdtempSync(path.join(tmpdir(), 'ftc-migrations-'));
    cpSync(migrationsDir('client'), tmp, { recursive: true });
    mkdirSync(path.join(tmp, M1));
    writeFileSync(path.join(tmp, M1, 'migration.sql'), 'CREATE TABLE "probe" ("id" INTEGER PRIMARY KEY, "note" TEXT NOT NULL);\n');
    mkdirSync(path.join(tmp, M2));
    writeFileSync(
      path.join(tmp, M2, 'migration.sql'),
      `INSERT INTO "probe" ("id", "note") VALUES (2, 'from the second migration');\n` +
        `ALTER TABLE "projects" ADD CONSTRAINT "projects_not_reserved_check" CHECK ("name" <> 'RESERVED');\n`,
    );
    t.get(TenantDatabasesService).reloadMigrations(loadMigrations(tmp));
  });

  afterAll(async () => {
    t.get(TenantDatabasesService).reloadMigrations();
    rmSync(tmp, { recursive: true, force: true });
    await t.close();
  });

  describe('ClientMigrationsService.migrateAll', () => {
    it('migrates every other tenant when one fails, and leaves the failing one on its last good version with nothing half-applied', async () => {
      const events: MigrationProgress[] = [];
      const report = await t.get(ClientMigrationsService).migrateAll({ concurrency: 3, onProgress: (p) => events.push(p) });

      expect(report.ok).toBe(false);
      expect(report.total).toBe(6);
      expect(report.failed).toBe(1);
      expect(report.migrated).toBe(5);
      expect(events.map((e) => e.done)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events.at(-1)).toMatchObject({ total: 6, failed: 1 });

      const main = t.get(MainPrismaService);
      for (const id of clientIds.filter((c) => c !== broken)) {
        const r = report.results.find((x) => x.clientId === id)!;
        expect(r).toMatchObject({ status: 'migrated', applied: [M1, M2], toVersion: M2, error: null });
        const row = await main.client.findUniqueOrThrow({ where: { id } });
        expect(row.schemaVersion).toBe(M2);
        expect(row.lastMigrationError).toBeNull();
        expect(row.lastMigratedAt).not.toBeNull();
        expect(await inTenant(id, async (c) => (await c.query('SELECT count(*)::int AS n FROM "probe"')).rows[0].n)).toBe(1);
      }

      const failed = report.results.find((x) => x.clientId === broken)!;
      expect(failed.status).toBe('failed');
      expect(failed.toVersion).toBe(M1);
      expect(failed.applied).toEqual([M1]);
      expect(failed.error).toMatch(new RegExp(`${M2}.*projects_not_reserved_check`));
      const row = await main.client.findUniqueOrThrow({ where: { id: broken } });
      expect(row.schemaVersion).toBe(M1);
      expect(row.lastMigrationError).toMatch(/projects_not_reserved_check/);
      // The failed migration's transaction left no trace: no row, no constraint, no bookkeeping entry.
      await inTenant(broken, async (c) => {
        expect((await c.query('SELECT count(*)::int AS n FROM "probe"')).rows[0].n).toBe(0);
        expect((await c.query(`SELECT 1 FROM pg_constraint WHERE conname = 'projects_not_reserved_check'`)).rowCount).toBe(0);
        expect((await c.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [M2])).rowCount).toBe(0);
      });
    });

    it('resumes after the data is fixed: only the failed tenant is migrated, the others are skipped as current', async () => {
      await inTenant(broken, (c) => c.query(`UPDATE "projects" SET "name" = 'Reserved (renamed)' WHERE "name" = 'RESERVED'`));
      const report = await t.get(ClientMigrationsService).migrateAll({ concurrency: 4 });
      expect(report.ok).toBe(true);
      expect(report.migrated).toBe(1);
      expect(report.current).toBe(5);
      expect(report.results.find((r) => r.clientId === broken)).toMatchObject({
        status: 'migrated',
        fromVersion: M1,
        toVersion: M2,
        applied: [M2],
      });
      const row = await t.get(MainPrismaService).client.findUniqueOrThrow({ where: { id: broken } });
      expect(row.schemaVersion).toBe(M2);
      expect(row.lastMigrationError).toBeNull();
      // The tenant works on the new schema.
      expect(await withTenant(t, broken, (prisma) => prisma.project.count())).toBe(1);
    });

    it('migrates only the clients asked for', async () => {
      const report = await t.get(ClientMigrationsService).migrateAll({ clientIds: [clientIds[0]], skipCurrent: false });
      expect(report.total).toBe(1);
      expect(report.results[0]).toMatchObject({ clientId: clientIds[0], status: 'current', applied: [] });
    });
  });
});
