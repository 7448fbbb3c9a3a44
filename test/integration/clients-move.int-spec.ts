/**
 * Moving a client's database between two PostgreSQL servers (API contract,
 * "Tenant database operations": POST /clients/:id/move): a round trip
 * checked table by table, writes during the move (every 201 kept, the others
 * 503, never a 500) and a failing move rolled back. A move or restore killed
 * after each of its steps is in the reliability suite
 * (test/reliability/crash-resume.rel-spec.ts).
 */
import { ClientPlacement, finishedJob } from '../helpers/client-placement.js';
import { startSecondServer, type SecondServer } from '../helpers/second-server.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { createTestApp, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { Api, as, createProject, expectError } from '../helpers/time-tracking.js';
import { readState } from '../setup/test-server.js';

describe('integration/clients-move', () => {
  let second: SecondServer | undefined;
  let t: TestApp;
  let platform: Api;
  let clients: ClientPlacement;

  beforeAll(async () => {
    second = await startSecondServer('ftc-pg-move-');
    const servers = `primary=${readState().adminUrl},secondary=${second.adminUrl}`;
    t = await createTestApp({ TENANT_DATABASE_SERVERS: servers, JOBS_WORKER: 'true' });
    platform = as(t, await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] }));
    clients = new ClientPlacement(t);
  }, 120_000);

  afterAll(() => second?.stop(t, 'secondary'), 60_000);

  const dbs = () => t.get(TenantDatabasesService);

  describe('moving a client between servers', () => {
    it('round-trips primary → secondary → primary, every table equal, the old database and role dropped', async () => {
      const { clientId, admin } = await clients.tenantWithData();
      const start = (await clients.row(clientId)).databaseServer;
      const other = start === 'primary' ? 'secondary' : 'primary';
      const before = await clients.dump(clientId);
      expect(before.projects).toHaveLength(3);

      const res = await platform.post(`/clients/${clientId}/move`, { server: other });
      expect(res.status).toBe(202);
      expect(res.body.job).toMatchObject({ type: 'client.move', clientId });
      expectError(await platform.post(`/clients/${clientId}/move`, { server: other }), 409, 'JOB_CONFLICT');
      const done = await finishedJob(platform, res.body.job.id);
      expect(done).toMatchObject({ status: 'succeeded', result: { from: start, to: other } });
      const result = done.result as { tables: Record<string, number>; maintenanceMs: number; totalMs: number };
      expect(result.tables.projects).toBe(3);
      expect(result.maintenanceMs).toBeLessThanOrEqual(result.totalMs);
      expect((await clients.row(clientId)).databaseServer).toBe(other);
      expect((await clients.row(clientId)).status).toBe('active');
      expect(await clients.dump(clientId)).toEqual(before);
      expect(await clients.placement(clientId)).toEqual([[other], [other]]);
      // The client's users work on the moved database, reads and writes.
      expect((await admin.get('/projects')).body.data).toHaveLength(3);
      await createProject(admin, { name: 'After the move' });
      const health = (await platform.get(`/clients/${clientId}/health`)).body;
      expect(health).toMatchObject({ reachable: true, drift: [], pendingMigrations: [] });

      const back = await finishedJob(platform, (await platform.post(`/clients/${clientId}/move`, { server: start })).body.job.id);
      expect(back).toMatchObject({ status: 'succeeded' });
      const again = await clients.dump(clientId);
      expect(again.projects).toHaveLength(4);
      expect(await clients.placement(clientId)).toEqual([[start], [start]]);
      expect((await admin.get('/projects')).body.data).toHaveLength(4);
    }, 120_000);

    it('keeps every write acknowledged during a move; the others answer 503, never a 500', async () => {
      const { clientId, admin } = await clients.tenantWithData();
      const project = (await admin.get('/projects')).body.data[0] as { id: string };
      const other = (await clients.row(clientId)).databaseServer === 'primary' ? 'secondary' : 'primary';
      const acked: string[] = [];
      const statuses = new Map<number, number>();
      let stop = false;
      let n = 0;
      const writer = async () => {
        while (!stop) {
          const i = n++;
          // Back-to-back half hours from 2025-01-01: never overlapping.
          const start = Date.UTC(2025, 0, 1) + i * 1_800_000;
          const res = await admin.post('/time-entries', {
            projectId: project.id,
            startTime: new Date(start).toISOString(),
            endTime: new Date(start + 1_800_000).toISOString(),
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 201) acked.push(res.body.id as string);
          else if (res.status === 503) expect(res.body.code).toBe('CLIENT_MAINTENANCE');
        }
      };
      const writers = [writer(), writer(), writer()];
      await new Promise((r) => setTimeout(r, 300));
      const job = await finishedJob(platform, (await platform.post(`/clients/${clientId}/move`, { server: other })).body.job.id);
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await Promise.all(writers);
      expect(job).toMatchObject({ status: 'succeeded' });
      expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
      const ids = new Set((await clients.dump(clientId)).time_entries.map((e) => (e as { id: string }).id));
      expect(acked.filter((id) => !ids.has(id))).toEqual([]);
      expect(acked.length).toBeGreaterThan(0);
      expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    }, 120_000);

    it('rolls back a failing move: the client stays where it was, active, its data intact, nothing left on the target', async () => {
      const { clientId } = await clients.tenantWithData();
      const c = await clients.row(clientId);
      const other = c.databaseServer === 'primary' ? 'secondary' : 'primary';
      // A table added behind the service (drift): the target has no such table, the copy fails.
      await dbs().withDatabase(clients.server(c.databaseServer), c.databaseName, async (db) => {
        await db.query('CREATE TABLE behind_the_service (id int PRIMARY KEY)');
        await db.query('INSERT INTO behind_the_service VALUES (1)');
      });
      const before = await clients.dump(clientId);
      const job = await finishedJob(platform, (await platform.post(`/clients/${clientId}/move`, { server: other })).body.job.id);
      expect(job).toMatchObject({ status: 'failed', error: expect.stringMatching(/behind_the_service/) });
      expect(await clients.row(clientId)).toMatchObject({ status: 'active', databaseServer: c.databaseServer });
      expect(await clients.dump(clientId)).toEqual(before);
      expect(await clients.placement(clientId)).toEqual([[c.databaseServer], [c.databaseServer]]);
      await dbs().withDatabase(clients.server(c.databaseServer), c.databaseName, (db) => db.query('DROP TABLE behind_the_service'));
    }, 60_000);
  });
});
