/**
 * Tenant database operations (API contract, "Tenant database operations"):
 * jobs on pg-boss, health and drift, backups and restores.
 */
import { randomUUID } from 'node:crypto';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';
import { Api, as, createProject, expectError } from '../helpers/time-tracking.js';

let t: TestApp;
let platform: Api;
beforeAll(async () => {
  t = await createTestApp({ JOBS_WORKER: 'true' });
  platform = as(t, await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] }));
}, 60_000);
afterAll(async () => {
  await t.close();
});

async function finished(jobId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const res = await platform.get(`/jobs/${jobId}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${jobId} did not finish`);
}

async function onTenant<T>(clientId: string, fn: (c: import('pg').Client) => Promise<T>): Promise<T> {
  const rec = await t.get(TenantRegistryService).get(clientId);
  return t.get(TenantDatabasesService).withDatabase(rec!.server, rec!.databaseName, fn);
}

async function dump(clientId: string): Promise<Record<string, unknown[]>> {
  return onTenant(clientId, async (c) => {
    const out: Record<string, unknown[]> = {};
    for (const table of ['projects', 'project_members', 'tasks', 'time_entries', 'conversations', 'messages']) {
      out[table] = (await c.query(`SELECT * FROM ${table} ORDER BY 1`)).rows;
    }
    return out;
  });
}

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
    expect(started.body.job).toMatchObject({ type: 'client.backup', clientId, status: expect.stringMatching(/queued|running|succeeded/) });
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

  it('answers 404 for an unknown backup and validates the body', async () => {
    const clientId = await provisionClient(t);
    expectError(await platform.post(`/clients/${clientId}/restore`, { backupId: randomUUID() }), 404, 'NOT_FOUND');
    expectError(await platform.post(`/clients/${clientId}/restore`, { backupId: 'x' }), 400, 'VALIDATION_FAILED');
    expectError(await platform.get(`/jobs/${randomUUID()}`), 404, 'NOT_FOUND');
    expectError(await platform.get('/jobs?status=done'), 400, 'VALIDATION_FAILED');
  });
});
