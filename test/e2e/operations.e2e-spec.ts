/**
 * Tenant database operations (API contract, "Tenant database operations"):
 * jobs on pg-boss, health and drift, backups and restores.
 */
import { randomUUID } from 'node:crypto';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { JobsService } from '../../src/modules/operations/jobs/jobs.service.js';
import { OperationsService } from '../../src/modules/operations/operations.service.js';
import { MIGRATE_BATCH_SIZE, MigrateAllService } from '../../src/modules/operations/migrate/migrate-all.service.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { ClientPlacement, finishedJob } from '../helpers/client-placement.js';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';
import { Api, as, createProject, expectError } from '../helpers/time-tracking.js';

describe('e2e/operations', () => {
  let t: TestApp;
  let platform: Api;
  beforeAll(async () => {
    t = await createTestApp({ JOBS_WORKER: 'true' });
    platform = as(t, await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] }));
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const finished = (jobId: string) => finishedJob(platform, jobId);

  async function onTenant<T>(clientId: string, fn: (c: import('pg').Client) => Promise<T>): Promise<T> {
    const rec = await t.get(TenantRegistryService).get(clientId);
    return t.get(TenantDatabasesService).withDatabase(rec!.server, rec!.databaseName, fn);
  }

  const dump = (clientId: string) => new ClientPlacement(t).dump(clientId);

  describe('health and drift', () => {
    it('reports a healthy current database, then a column added and an index dropped behind the service', async () => {
      const clientId = await provisionClient(t);
      const healthy = await platform.get(`/clients/${clientId}/health`);
      expect(healthy.status).toBe(200);
      expect(healthy.body).toMatchObject({ reachable: true, pendingMigrations: [], drift: [] });
      expect(healthy.body.sizeBytes).toBeGreaterThan(0);
      const index = await onTenant(clientId, async (c) => {
        const { rows } = await c.query<{ name: string }>(
          `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'projects' AND indexname NOT LIKE '%pkey' ORDER BY 1 LIMIT 1`,
        );
        await c.query('ALTER TABLE time_entries ADD COLUMN note text');
        await c.query(`DROP INDEX "${rows[0].name}"`);
        return rows[0].name;
      });
      const drifted = await platform.get(`/clients/${clientId}/health`);
      expect(drifted.body.drift).toEqual(expect.arrayContaining(['column time_entries.note added', `index ${index} missing`]));
    });

    it('answers 200 reachable:false for a database that is gone, and 404 for an unknown client', async () => {
      const clientId = await provisionClient(t);
      const rec = await t.get(TenantRegistryService).get(clientId);
      await t.get(TenantDatabasesService).admin(rec!.server).query(`DROP DATABASE "${rec!.databaseName}" WITH (FORCE)`);
      const res = await platform.get(`/clients/${clientId}/health`);
      expect(res.status).toBe(200);
      expect(res.body.reachable).toBe(false);
      expectError(await platform.get(`/clients/${randomUUID()}/health`), 404, 'NOT_FOUND');
    });
  });

  describe('backups and restore', () => {
    it('round-trips: back up, change data, restore, every table equal to the backup', async () => {
      const clientId = await provisionClient(t);
      const admin = as(t, await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] }));
      const kept = await createProject(admin, { name: 'Kept' });
      await admin.post('/conversations', { title: 'hello' }).expect(201);
      const before = await dump(clientId);

      const started = await platform.post(`/clients/${clientId}/backups`, {});
      expect(started.status).toBe(202);
      expect(started.body.job).toMatchObject({
        type: 'client.backup',
        clientId,
        status: expect.stringMatching(/queued|running|succeeded/),
      });
      // One operation per client at a time.
      const second = await platform.post(`/clients/${clientId}/backups`, {});
      if (second.status !== 202) expectError(second, 409, 'JOB_CONFLICT');
      const job = await finished(started.body.job.id);
      expect(job).toMatchObject({ status: 'succeeded' });
      if (second.status === 202) await finished(second.body.job.id);

      const list = await platform.get(`/clients/${clientId}/backups`);
      expect(list.status).toBe(200);
      const backup = list.body.data.find((b: { id: string }) => b.id === (job.result as { backupId: string }).backupId);
      expect(backup).toMatchObject({ reason: 'manual', tables: expect.objectContaining({ projects: 1, conversations: 1, messages: 0 }) });
      expect(Object.keys(backup.tables)).not.toContain('_prisma_migrations');

      const download = await platform.get(`/clients/${clientId}/backups/${backup.id}/download`);
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toMatch(/application\/gzip/);
      expect(download.headers['content-disposition']).toMatch(/^attachment/);

      await admin.patch(`/projects/${kept.id}`, { description: 'changed after the backup' }).expect(200);
      await createProject(admin, { name: 'Added later' });

      const restore = await platform.post(`/clients/${clientId}/restore`, { backupId: backup.id });
      expect(restore.status).toBe(202);
      const done = await finished(restore.body.job.id);
      expect(done).toMatchObject({ status: 'succeeded' });
      expect(await dump(clientId)).toEqual(before);
      expect((await platform.get(`/clients/${clientId}`)).body.status).toBe('active');
      // The client's users work on the restored database.
      expect((await admin.get('/projects')).body.data.map((p: { name: string }) => p.name)).toEqual(['Kept']);
      expect((await platform.get(`/jobs?clientId=${clientId}&type=client.restore`)).body.data).toHaveLength(1);
    }, 120_000);

    it('keeps a final backup when a client is deleted, and restores the deleted client to active', async () => {
      const clientId = await provisionClient(t);
      const admin = as(t, await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] }));
      await createProject(admin, { name: 'Survives deletion' });
      const slug = (await platform.get(`/clients/${clientId}`)).body.slug;
      await platform.delete(`/clients/${clientId}?confirm=${slug}`).expect(204);
      const backups = (await platform.get(`/clients/${clientId}/backups`)).body.data;
      expect(backups).toHaveLength(1);
      expect(backups[0]).toMatchObject({ reason: 'delete', tables: expect.objectContaining({ projects: 1 }) });

      const restore = await platform.post(`/clients/${clientId}/restore`, { backupId: backups[0].id });
      expect(await finished(restore.body.job.id)).toMatchObject({ status: 'succeeded' });
      const client = (await platform.get(`/clients/${clientId}`)).body;
      expect(client.status).toBe('active');
      const health = (await platform.get(`/clients/${clientId}/health`)).body;
      expect(health).toMatchObject({ reachable: true, drift: [], pendingMigrations: [] });
      const rows = await onTenant(clientId, (c) => c.query<{ name: string }>('SELECT name FROM projects'));
      expect(rows.rows.map((r) => r.name)).toEqual(['Survives deletion']);
    }, 120_000);

    it('runs a backup and a restore in-process as the CLI does: recorded as jobs like queued ones, and waited for', async () => {
      const clientId = await provisionClient(t);
      const ops = t.get(OperationsService);
      const backup = await ops.startBackup(clientId, true);
      expect(backup).toMatchObject({ type: 'client.backup', clientId, status: 'succeeded' });
      const { backupId } = backup.result as { backupId: string };
      expect((await platform.get(`/jobs/${backup.id}`)).body).toMatchObject({ status: 'succeeded' });
      const restore = await ops.startRestore(clientId, backupId, true);
      expect(restore).toMatchObject({ type: 'client.restore', status: 'succeeded' });
      // A queued job, waited for as the CLI's --wait does.
      const queued = await ops.startBackup(clientId);
      expect(await t.get(JobsService).waitFor(queued.id)).toMatchObject({ id: queued.id, status: 'succeeded' });
    }, 60_000);

    it('answers 404 for an unknown backup and validates the body', async () => {
      const clientId = await provisionClient(t);
      expectError(await platform.post(`/clients/${clientId}/restore`, { backupId: randomUUID() }), 404, 'NOT_FOUND');
      expectError(await platform.post(`/clients/${clientId}/restore`, { backupId: 'x' }), 400, 'VALIDATION_FAILED');
      expectError(await platform.get(`/jobs/${randomUUID()}`), 404, 'NOT_FOUND');
      expectError(await platform.get('/jobs?status=done'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('migrations across clients (POST /clients/migrate)', () => {
    const main = () => t.get(MainPrismaService);
    async function dryRunCopies(): Promise<string[]> {
      const dbs = t.get(TenantDatabasesService);
      const r = await dbs
        .admin(dbs.servers[0])
        .query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'freetimechat\\_dryrun\\_%'");
      return r.rows.map((x) => x.datname);
    }

    it('migrates the named clients as batch jobs and reports each one', async () => {
      const ids = [await provisionClient(t), await provisionClient(t)];
      // (Not every client: an earlier test here dropped one client's database behind the service.)
      const res = await platform.post('/clients/migrate', { clientIds: ids });
      expect(res.status).toBe(202);
      expect(res.body.job).toMatchObject({ type: 'clients.migrate', status: expect.stringMatching(/queued|running/) });
      const done = await finished(res.body.job.id);
      expect(done).toMatchObject({ status: 'succeeded' });
      const result = done.result as { total: number; failed: number; results: { clientId: string; status: string }[] };
      expect(result).toMatchObject({ total: 2, failed: 0 });
      for (const id of ids) expect(result.results.find((r) => r.clientId === id)?.status).toBe('current');
      expect(done.progress).toEqual({ done: result.total, total: result.total });
      const batches = (await platform.get(`/jobs?type=clients.migrate.batch`)).body.data;
      expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(result.total / 25));
    }, 60_000);

    it('dry run: applies a pending migration to a copy of each named client, times it, changes nothing, leaves nothing', async () => {
      const ids = [await provisionClient(t), await provisionClient(t)];
      const admin = as(t, await createUserWithToken(t, { clientId: ids[0], roleKeys: ['client-admin'] }));
      await createProject(admin, { name: 'Copied' });
      const dbs = t.get(TenantDatabasesService);
      const real = dbs.migrations;
      const before = await main().client.findMany({ where: { id: { in: ids } }, select: { id: true, schemaVersion: true } });
      dbs.reloadMigrations([
        ...real,
        {
          name: '29991231000000_dry_run_probe',
          // Fails on a copy without the data: proves the rows were copied.
          sql: `ALTER TABLE projects ADD COLUMN probe text; DO $$ BEGIN IF (SELECT count(*) FROM projects) > 0 THEN UPDATE projects SET probe = 'x'; END IF; END $$;`,
          checksum: 'probe',
        },
      ]);
      try {
        const res = await platform.post('/clients/migrate', { dryRun: true, clientIds: ids });
        expect(res.status).toBe(202);
        const done = await finished(res.body.job.id);
        expect(done).toMatchObject({ status: 'succeeded' });
        const result = done.result as { dryRun: boolean; total: number; migrated: number; results: Record<string, unknown>[] };
        expect(result).toMatchObject({ dryRun: true, total: 2, migrated: 2 });
        for (const r of result.results) {
          expect(r).toMatchObject({
            status: 'migrated',
            applied: ['29991231000000_dry_run_probe'],
            toVersion: '29991231000000_dry_run_probe',
            error: null,
          });
          expect(typeof r.durationMs).toBe('number');
        }
        // Nothing changed: no column, same versions, no copy left.
        const cols = await onTenant(ids[0], (c) =>
          c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'projects' AND column_name = 'probe'`),
        );
        expect(cols.rowCount).toBe(0);
        const after = await main().client.findMany({ where: { id: { in: ids } }, select: { id: true, schemaVersion: true } });
        expect(after).toEqual(expect.arrayContaining(before));
        expect(await dryRunCopies()).toEqual([]);

        // A migration that fails: reported per client, the job failed with its result, still nothing left behind.
        dbs.reloadMigrations([...real, { name: '29991231000001_broken', sql: 'SELECT * FROM "no_such_table";', checksum: 'broken' }]);
        const bad = await finished((await platform.post('/clients/migrate', { dryRun: true, clientIds: ids })).body.job.id);
        expect(bad).toMatchObject({ status: 'failed', error: expect.stringMatching(/2 of 2 clients failed/) });
        const badResult = bad.result as { results: { status: string; error: string }[] };
        for (const r of badResult.results) expect(r).toMatchObject({ status: 'failed', error: expect.stringMatching(/no_such_table/) });
        expect(await dryRunCopies()).toEqual([]);
      } finally {
        dbs.reloadMigrations();
      }
    }, 90_000);

    it('two instances share one job: its batches run on both', async () => {
      const other = await createTestApp(
        { JOBS_WORKER: 'true' },
        { database: { ...t.db, drop: async () => undefined }, keepDatabase: true },
      );
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await provisionClient(t));
      const apps = [t, other];
      const slow = { name: '29991231000002_slow_probe', sql: 'SELECT pg_sleep(0.4);', checksum: 'slow' };
      for (const app of apps) app.get(TenantDatabasesService).reloadMigrations([...t.get(TenantDatabasesService).migrations, slow]);
      // Whichever instance takes the parent job splits it: both use batches of 1.
      for (const app of apps) app.get(MigrateAllService).batchSize = 1;
      try {
        const done = await finished((await platform.post('/clients/migrate', { dryRun: true, clientIds: ids })).body.job.id);
        expect(done).toMatchObject({ status: 'succeeded', progress: { done: 6, total: 6 }, result: { total: 6, migrated: 6 } });
        const batches = await t.get(JobsService).children(done.id as string);
        expect(batches).toHaveLength(6);
        const ran = new Set(batches.map((b) => (b.result as { instance: string }).instance));
        expect(ran).toEqual(new Set(apps.map((app) => app.get(MigrateAllService).instanceId)));
      } finally {
        for (const app of apps) app.get(MigrateAllService).batchSize = MIGRATE_BATCH_SIZE;
        for (const app of apps) app.get(TenantDatabasesService).reloadMigrations();
        await other.close();
      }
    }, 120_000);

    it('validates the body, refuses unknown clients (400) and a second migration job (409)', async () => {
      expectError(await platform.post('/clients/migrate', { dryRun: 'yes' }), 400, 'VALIDATION_FAILED');
      expectError(await platform.post('/clients/migrate', { clientIds: ['nope'] }), 400, 'VALIDATION_FAILED');
      expectError(await platform.post('/clients/migrate', { clientIds: [] }), 400, 'VALIDATION_FAILED');
      // null is not "omitted": it would otherwise mean every client.
      expectError(await platform.post('/clients/migrate', { clientIds: null }), 400, 'VALIDATION_FAILED');
      expectError(await platform.post('/clients/migrate', { dryRun: null }), 400, 'VALIDATION_FAILED');
      expectError(await platform.post('/clients/migrate', { extra: 1 }), 400, 'VALIDATION_FAILED');
      const unknown = await platform.post('/clients/migrate', { clientIds: [randomUUID()] });
      expectError(unknown, 400, 'VALIDATION_FAILED');
      expect(unknown.body.details[0]).toMatchObject({ field: 'clientIds' });
      const open = randomUUID();
      await main().$executeRawUnsafe(
        `INSERT INTO operation_jobs (id, type, status, data) VALUES ('${open}', 'clients.migrate', 'queued', '{}')`,
      );
      try {
        expectError(await platform.post('/clients/migrate', {}), 409, 'JOB_CONFLICT');
      } finally {
        await main().$executeRawUnsafe(`DELETE FROM operation_jobs WHERE id = '${open}'`);
      }
      const member = as(t, await createUserWithToken(t, { clientId: await provisionClient(t), roleKeys: ['client-admin'] }));
      expectError(await member.post('/clients/migrate', {}), 403, 'FORBIDDEN');
    }, 60_000);
  });

  describe('moves (POST /clients/:id/move) on one server', () => {
    it('answers 400 for an unknown server, 409 for the current one, 404 for an unknown client', async () => {
      const clientId = await provisionClient(t);
      const bad = await platform.post(`/clients/${clientId}/move`, { server: 'nowhere' });
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.details[0]).toMatchObject({ field: 'server' });
      expectError(await platform.post(`/clients/${clientId}/move`, { server: 'default' }), 409, 'CONFLICT');
      expectError(await platform.post(`/clients/${clientId}/move`, {}), 400, 'VALIDATION_FAILED');
      expectError(await platform.post(`/clients/${clientId}/move`, { server: 'default', x: 1 }), 400, 'VALIDATION_FAILED');
      expectError(await platform.post(`/clients/${randomUUID()}/move`, { server: 'default' }), 404, 'NOT_FOUND');
      // A second name for the same PostgreSQL server: the target database would be the source itself.
      const servers = t.get(TenantRegistryService).servers;
      servers.push({ ...servers[0], name: 'alias' });
      try {
        const alias = await platform.post(`/clients/${clientId}/move`, { server: 'alias' });
        expectError(alias, 409, 'CONFLICT');
        expect(alias.body.message).toMatch(/same PostgreSQL server/);
      } finally {
        servers.pop();
      }
    });
  });
});
