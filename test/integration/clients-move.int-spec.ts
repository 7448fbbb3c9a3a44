/**
 * Moving a client's database between two PostgreSQL servers (API contract,
 * "Tenant database operations": POST /clients/:id/move): a round trip
 * checked table by table, writes during the move (every 201 kept, the others
 * 503, never a 500), a failing move rolled back, and a SIGKILL after each
 * step of the move followed by a retry of the job: the client ends on exactly
 * one server, active, with its data, and no orphan database or role. The same
 * for a restore killed around its swap.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { projectRoot } from '../../src/database/paths.js';
import { startSecondServer, type SecondServer } from '../helpers/second-server.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { ensureBuilt } from '../helpers/reliability.js';
import { createTestApp, createUserWithToken, provisionClient, TEST_JWT_SECRET, TestApp } from '../helpers/test-app.js';
import { Api, as, createProject, expectError } from '../helpers/time-tracking.js';
import { readState } from '../setup/test-server.js';
import { OperationsService } from '../../src/modules/operations/operations.service.js';

let second: SecondServer | undefined;
let t: TestApp;
let platform: Api;
let servers: string;
const TABLES = ['projects', 'project_members', 'tasks', 'time_entries', 'conversations', 'messages'];

beforeAll(async () => {
  second = await startSecondServer('ftc-pg-move-');
  servers = `primary=${readState().adminUrl},secondary=${second.adminUrl}`;
  t = await createTestApp({ TENANT_DATABASE_SERVERS: servers, JOBS_WORKER: 'true' });
  platform = as(t, await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] }));
}, 120_000);

afterAll(() => second?.stop(t, 'secondary'), 60_000);

const main = () => t.get(MainPrismaService);
const dbs = () => t.get(TenantDatabasesService);
const serverNamed = (name: string) => dbs().servers.find((s) => s.name === name)!;

async function row(clientId: string) {
  return main().client.findUniqueOrThrow({ where: { id: clientId } });
}

/** Every data table of the client, read where the registry says it is. */
async function dump(clientId: string): Promise<Record<string, unknown[]>> {
  const c = await row(clientId);
  return dbs().withDatabase(serverNamed(c.databaseServer), c.databaseName, async (db) => {
    const out: Record<string, unknown[]> = {};
    for (const table of TABLES) out[table] = (await db.query(`SELECT * FROM ${table} ORDER BY 1`)).rows;
    return out;
  });
}

/** Where the client's database and role exist: [server names with the database, server names with the role]. */
async function placement(clientId: string): Promise<[string[], string[]]> {
  const c = await row(clientId);
  const withDb: string[] = [];
  const withRole: string[] = [];
  for (const s of dbs().servers) {
    if (await dbs().databaseExists(s, c.databaseName)) withDb.push(s.name);
    if (await dbs().roleExists(s, c.databaseRole)) withRole.push(s.name);
  }
  return [withDb, withRole];
}

async function finished(jobId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const res = await platform.get(`/jobs/${jobId}`);
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

async function tenantWithData(): Promise<{ clientId: string; admin: Api }> {
  const clientId = await provisionClient(t);
  const admin = as(t, await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] }));
  for (let i = 0; i < 3; i++) {
    const p = await createProject(admin, { name: `P${i}` });
    await admin.post('/time-entries', {
      projectId: p.id,
      startTime: `2026-01-0${i + 1}T09:00:00Z`,
      endTime: `2026-01-0${i + 1}T10:00:00Z`,
    });
  }
  return { clientId, admin };
}

describe('moving a client between servers', () => {
  it('round-trips primary → secondary → primary, every table equal, the old database and role dropped', async () => {
    const { clientId, admin } = await tenantWithData();
    const start = (await row(clientId)).databaseServer;
    const other = start === 'primary' ? 'secondary' : 'primary';
    const before = await dump(clientId);
    expect(before.projects).toHaveLength(3);

    const res = await platform.post(`/clients/${clientId}/move`, { server: other });
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ type: 'client.move', clientId });
    expectError(await platform.post(`/clients/${clientId}/move`, { server: other }), 409, 'JOB_CONFLICT');
    const done = await finished(res.body.job.id);
    expect(done).toMatchObject({ status: 'succeeded', result: { from: start, to: other } });
    const result = done.result as { tables: Record<string, number>; maintenanceMs: number; totalMs: number };
    expect(result.tables.projects).toBe(3);
    expect(result.maintenanceMs).toBeLessThanOrEqual(result.totalMs);
    expect((await row(clientId)).databaseServer).toBe(other);
    expect((await row(clientId)).status).toBe('active');
    expect(await dump(clientId)).toEqual(before);
    expect(await placement(clientId)).toEqual([[other], [other]]);
    // The client's users work on the moved database, reads and writes.
    expect((await admin.get('/projects')).body.data).toHaveLength(3);
    await createProject(admin, { name: 'After the move' });
    const health = (await platform.get(`/clients/${clientId}/health`)).body;
    expect(health).toMatchObject({ reachable: true, drift: [], pendingMigrations: [] });

    const back = await finished((await platform.post(`/clients/${clientId}/move`, { server: start })).body.job.id);
    expect(back).toMatchObject({ status: 'succeeded' });
    const again = await dump(clientId);
    expect(again.projects).toHaveLength(4);
    expect(await placement(clientId)).toEqual([[start], [start]]);
    expect((await admin.get('/projects')).body.data).toHaveLength(4);
  }, 120_000);

  it('keeps every write acknowledged during a move; the others answer 503, never a 500', async () => {
    const { clientId, admin } = await tenantWithData();
    const project = (await admin.get('/projects')).body.data[0] as { id: string };
    const other = (await row(clientId)).databaseServer === 'primary' ? 'secondary' : 'primary';
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
    const job = await finished((await platform.post(`/clients/${clientId}/move`, { server: other })).body.job.id);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(writers);
    expect(job).toMatchObject({ status: 'succeeded' });
    expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
    const ids = new Set((await dump(clientId)).time_entries.map((e) => (e as { id: string }).id));
    expect(acked.filter((id) => !ids.has(id))).toEqual([]);
    expect(acked.length).toBeGreaterThan(0);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('rolls back a failing move: the client stays where it was, active, its data intact, nothing left on the target', async () => {
    const { clientId } = await tenantWithData();
    const c = await row(clientId);
    const other = c.databaseServer === 'primary' ? 'secondary' : 'primary';
    // A table added behind the service (drift): the target has no such table, the copy fails.
    await dbs().withDatabase(serverNamed(c.databaseServer), c.databaseName, async (db) => {
      await db.query('CREATE TABLE behind_the_service (id int PRIMARY KEY)');
      await db.query('INSERT INTO behind_the_service VALUES (1)');
    });
    const before = await dump(clientId);
    const job = await finished((await platform.post(`/clients/${clientId}/move`, { server: other })).body.job.id);
    expect(job).toMatchObject({ status: 'failed', error: expect.stringMatching(/behind_the_service/) });
    expect(await row(clientId)).toMatchObject({ status: 'active', databaseServer: c.databaseServer });
    expect(await dump(clientId)).toEqual(before);
    expect(await placement(clientId)).toEqual([[c.databaseServer], [c.databaseServer]]);
    await dbs().withDatabase(serverNamed(c.databaseServer), c.databaseName, (db) => db.query('DROP TABLE behind_the_service'));
  }, 60_000);
});

/** One attempt at a job in a child process of the built code, killed by SIGKILL at `crashAt` (e.g. move:copied). */
function attempt(jobId: string, type: string, crashAt: string | null): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot(), 'test', 'integration', 'fixtures', 'job-crash.mjs'), jobId, type], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: t.db.url,
        JWT_SECRET: TEST_JWT_SECRET,
        TENANT_DATABASE_SERVERS: servers,
        BACKUP_DIR: t.config.BACKUP_DIR,
        ...(crashAt ? { FTC_CRASH_AT: crashAt } : {}),
      },
      stdio: 'ignore',
    });
    child.once('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code));
  });
}

/** A job row as a worker holds it (no pg-boss delivery: the child processes are the attempts). */
async function runningJob(type: string, clientId: string, data: object): Promise<string> {
  const jobId = randomUUID();
  await main().$executeRawUnsafe(
    `INSERT INTO operation_jobs (id, type, client_id, status, data, started_at) VALUES ($1::uuid, $2, $3::uuid, 'running', $4::jsonb, now())`,
    jobId,
    type,
    clientId,
    JSON.stringify(data),
  );
  return jobId;
}

describe('a move killed after each step', () => {
  const STEPS = ['started', 'created', 'precopied', 'maintenance', 'copied', 'verified', 'switched', 'dropped'];
  beforeAll(() => ensureBuilt(), 180_000);

  it.each(STEPS)(
    'after "%s": the retried job ends with the client on exactly one server, active, its data whole, no orphan',
    async (step) => {
      const { clientId } = await tenantWithData();
      const from = (await row(clientId)).databaseServer;
      const to = from === 'primary' ? 'secondary' : 'primary';
      const before = await dump(clientId);
      const jobId = await runningJob('client.move', clientId, { server: to });
      expect(await attempt(jobId, 'client.move', `move:${step}`)).toBe(-9);
      expect(await attempt(jobId, 'client.move', null)).toBe(0);
      const job = await main().operationJob.findUniqueOrThrow({ where: { id: jobId } });
      expect({ status: job.status, error: job.error }).toEqual({ status: 'succeeded', error: null });
      const after = await row(clientId);
      expect(after.status).toBe('active');
      const [withDb, withRole] = await placement(clientId);
      expect(withDb).toEqual([after.databaseServer]);
      expect(withRole).toEqual([after.databaseServer]);
      expect(await dump(clientId)).toEqual(before);
    },
    90_000,
  );
});

describe('a restore killed after each step', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it.each(['verified', 'dropped', 'swapped'])(
    'after "%s": the retried job restores the backup exactly, one database, no staging copy left',
    async (step) => {
      const { clientId, admin } = await tenantWithData();
      const backup = await t.get(OperationsService).startBackup(clientId, true);
      expect(backup.status).toBe('succeeded');
      const before = await dump(clientId);
      await createProject(admin, { name: 'After the backup' });
      const jobId = await runningJob('client.restore', clientId, { backupId: (backup.result as { backupId: string }).backupId });
      expect(await attempt(jobId, 'client.restore', `restore:${step}`)).toBe(-9);
      expect(await attempt(jobId, 'client.restore', null)).toBe(0);
      const job = await main().operationJob.findUniqueOrThrow({ where: { id: jobId } });
      expect({ status: job.status, error: job.error }).toEqual({ status: 'succeeded', error: null });
      expect((await row(clientId)).status).toBe('active');
      expect(await dump(clientId)).toEqual(before);
      const c = await row(clientId);
      const [withDb, withRole] = await placement(clientId);
      expect([withDb, withRole]).toEqual([[c.databaseServer], [c.databaseServer]]);
      for (const s of dbs().servers) expect(await dbs().databaseExists(s, `${c.databaseName}_restore`)).toBe(false);
    },
    90_000,
  );
});
